// Workspace Trust (run by the runner in a second VS Code started WITH Workspace Trust, the folder
// left untrusted: E2E_MODE=untrusted). Linting works; the workspace's settings cannot name
// servers; a server that only the workspace's files name is reached after a confirmation.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activated,
  children,
  codeOf,
  connectionNamed,
  diagnosticsOf,
  labels,
  openFile,
  workspaceFile,
  type TestApi,
} from './helpers.ts';
import { otherClients } from './redis.ts';

const WORKSPACE = 'app/composer.json';
const USER = 'e2e user connection';

suite('workspace trust (untrusted workspace)', () => {
  let api: TestApi;

  suiteSetup(async function () {
    if (process.env.E2E_MODE !== 'untrusted') this.skip();
    api = await activated();
  });

  test('the folder is not trusted, and the extension still activates and lints', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const doc = (await openFile('composer.json')).document;
    const ds = await diagnosticsOf(
      doc.uri,
      (d) => d.some((x) => codeOf(x) === 'unknown-save-handler'),
      'unknown-save-handler',
    );
    assert.ok(ds.length >= 1);
  });

  test("the workspace's .vscode/settings.json cannot add connections nor make them writable (restricted settings)", async () => {
    const file = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceFile('.vscode/settings.json')));
    assert.match(file, /"phpRedisSessions\.connections"/, 'the workspace settings name two servers');
    const config = vscode.workspace.getConfiguration('phpRedisSessions');
    assert.equal(config.inspect('connections')?.workspaceValue, undefined, 'VS Code hides them in Restricted Mode');
    const names = await labels(api.tree, await children(api.tree));
    assert.ok(
      !names.includes('e2e redis (read-only)') && !names.includes('e2e redis (writable)'),
      `listed: ${names.join(', ')}`,
    );
    assert.ok(names.includes(USER), `the user's own connection is listed: ${names.join(', ')}`);
    assert.ok(
      names.includes(WORKSPACE),
      `the workspace file's save_path is listed (not connected): ${names.join(', ')}`,
    );
    assert.equal(await otherClients(), 0, 'nothing connected on its own');
  });

  test("a connection from the user's settings connects without asking", async () => {
    const user = await connectionNamed(api.tree, USER);
    const nodes = await children(api.tree, user);
    assert.ok(
      nodes.some((n) => n.kind === 'session' && n.session?.id === 'e2e-php-alice'),
      (await labels(api.tree, nodes)).join(', '),
    );
    await vscode.commands.executeCommand('phpRedisSessions.refresh'); // closes it again
  });

  test("a server named only by the workspace's files is not reached without a confirmation", async () => {
    await noOtherClients();
    // Expanding it asks with a modal dialog. A VS Code that runs extension tests refuses to show
    // one (see helpers.ts): the view then shows that error, which quotes the question. The ui run
    // with Workspace Trust on (test/e2e/ui.mjs) answers the real dialog.
    const nodes = await children(api.tree, await connectionNamed(api.tree, WORKSPACE));
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].kind, 'message');
    assert.match(
      nodes[0].text ?? '',
      /This workspace is not trusted\. Connect to the Redis server its app\/composer\.json names \(tcp:\/\/127\.0\.0\.1:\d+\)\?/,
    );
    assert.ok(!nodes.some((n) => n.kind === 'session'));
    assert.equal(await otherClients(), 0, 'no connection was opened');
    // the commands that connect ask too (their error goes to a notification)
    await vscode.commands.executeCommand('phpRedisSessions.testConnection', await connectionNamed(api.tree, WORKSPACE));
    await vscode.commands.executeCommand('phpRedisSessions.showServerInfo', await connectionNamed(api.tree, WORKSPACE));
    assert.equal(await otherClients(), 0, 'no connection was opened by Test Connection / Show Server Info');
  });
});

/** Waits until the refresh of the previous test has closed its connection. */
async function noOtherClients(): Promise<void> {
  for (let i = 0; i < 50 && (await otherClients()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
}
