// What a new user meets in the first hour (issue #10), as far as the extension host can check it:
// problems of files never opened, save_paths read from variables (.env, asked for), a password the
// server wants, failures in the output channel, connection names and tooltips, many sessions
// (count, pages, compact rows), the server's INFO in a read-only editor, the hover on a variable.
// What needs a person's hands (input boxes, notifications, menus) is test/e2e/ui.mjs's part.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  activated,
  children,
  codeOf,
  connectionNamed,
  extension,
  itemLabel,
  labels,
  PHP_WRITTEN,
  poll,
  redisPort,
  workspaceFile,
  type TestApi,
  type TreeNode,
} from './helpers.ts';

const MANY = 1200;

function tooltipText(item: vscode.TreeItem): string {
  return item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
}

/** The extension's output channel as VS Code logged it (every log file that names the channel). */
function outputLog(): string {
  const dir = process.env.E2E_LOGS_DIR;
  if (!dir) return '';
  const texts: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/PHP Redis Sessions/.test(e.name)) texts.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return texts.join('\n');
}

async function closeInputBox(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
}

suite('a new user’s first hour', () => {
  let api: TestApi;

  suiteSetup(async function () {
    if (!process.env.E2E_REDIS_PORT) this.skip();
    api = await activated();
  });

  test('a configuration file never opened has its problems listed (workspace diagnostics)', async () => {
    const uri = workspaceFile('closed/php.ini');
    const ds = await poll('the problems of closed/php.ini', 30_000, () => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'php-redis-sessions');
      return d.length ? d : undefined;
    });
    assert.deepEqual(
      ds.map((d) => codeOf(d)),
      ['unknown-save-handler'],
    );
    assert.ok(
      !vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()),
      'the file was never opened',
    );
  });

  test('a save_path in ${REDIS_SESSION_PATH}: the lenses are there, and the view browses what env-app/.env names', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('env-app/composer.json'));
    const lenses = await poll('the code lenses of env-app/composer.json', 20_000, async () => {
      // (the lenses resolved: 10 at most)
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
      return l?.length ? l : undefined;
    });
    assert.deepEqual(lenses.map((l) => l.command?.title).sort(), ['Browse sessions', 'Test connection']);
    const c = await connectionNamed(api.tree, 'env-app/composer.json');
    const nodes = await children(api.tree, c);
    assert.deepEqual(
      nodes
        .filter((n) => n.kind === 'session')
        .map((n) => n.session!.id)
        .sort(),
      PHP_WRITTEN,
    );
    assert.match(tooltipText(await api.tree.getTreeItem(c)), /\$\{REDIS_SESSION_PATH\}/);
  });

  test('a variable nobody gave a value for: the row says so and offers to set it', async () => {
    const c = await connectionNamed(api.tree, 'scalingo/composer.json');
    const nodes = await children(api.tree, c);
    try {
      assert.equal(nodes.length, 1);
      const item = await api.tree.getTreeItem(nodes[0]);
      assert.match(itemLabel(item), /SCALINGO_REDIS_URL is only known where PHP runs/);
      assert.equal(item.contextValue, 'phpRedisSessions.variables');
      assert.equal(item.command?.command, 'phpRedisSessions.setVariable');
    } finally {
      await closeInputBox(); // the view asked for the value at once
    }
  });

  test('a server that wants a password: a NOAUTH row with Set Password…, the failure logged, no secret', async () => {
    const c = await connectionNamed(api.tree, 'e2e redis (password)');
    const nodes = await children(api.tree, c);
    try {
      const row = nodes.find((n) => n.kind === 'message');
      assert.ok(row, (await labels(api.tree, nodes)).join(', '));
      const item = await api.tree.getTreeItem(row);
      assert.match(itemLabel(item), /^NOAUTH Authentication required/);
      assert.equal(item.contextValue, 'phpRedisSessions.error.auth');
      assert.equal(item.command?.command, 'phpRedisSessions.setPassword');
    } finally {
      await closeInputBox(); // the password prompt the view opened
    }
    if (process.env.E2E_LOGS_DIR) {
      await poll('the NOAUTH line in the output channel', 10_000, () =>
        /e2e redis \(password\).*NOAUTH Authentication required/.test(outputLog()) ? true : undefined,
      );
    }
  });

  test('a server that is down: ECONNREFUSED on its row and in the output channel', async () => {
    const nodes = await children(api.tree, await connectionNamed(api.tree, 'e2e redis (down)'));
    assert.match(nodes.map((n) => n.text).join(' '), /ECONNREFUSED/);
    if (process.env.E2E_LOGS_DIR) {
      await poll('the ECONNREFUSED line in the output channel', 10_000, () =>
        /e2e redis \(down\).*ECONNREFUSED/.test(outputLog()) ? true : undefined,
      );
    }
  });

  test('a connection without a name is named by its host and database; tooltips say where each points', async () => {
    const port = redisPort();
    const many = await api.tree.getTreeItem(await connectionNamed(api.tree, `127.0.0.1:${port}/1`));
    assert.match(tooltipText(many), new RegExp(`127\\.0\\.0\\.1:${port}.*database 1`));
    const ro = tooltipText(await api.tree.getTreeItem(await connectionNamed(api.tree, 'e2e redis (read-only)')));
    assert.match(ro, new RegExp(`127\\.0\\.0\\.1:${port}.*database 0.*prefix`));
    assert.match(ro, /From settings.*read-only/);
  });

  test('many sessions: a page with compact ids, the count (exact once counted), Load more says how many', async () => {
    const node = await connectionNamed(api.tree, `127.0.0.1:${redisPort()}/1`);
    const nodes = await children(api.tree, node);
    const sessions = nodes.filter((n) => n.kind === 'session');
    assert.equal(sessions.length, 200);
    const first = await api.tree.getTreeItem(sessions[0]);
    // a 32-character id as PHP makes them, shortened so that TTL and size stay in sight
    assert.match(itemLabel(first), /^[0-9a-f]{8}…[0-9a-f]{4}$/);
    assert.match(String(first.description), /^\d+m · \d+ B$/);
    const description = await poll('the exact count on the connection row', 30_000, async () => {
      const d = String((await api.tree.getTreeItem(node)).description);
      return d.includes(`${MANY.toLocaleString('en-US')} sessions`) && !d.includes('≈') ? d : undefined;
    });
    assert.match(description, /^1,200 sessions · read-only$/);
    const more = (await children(api.tree, node)).find((n) => n.kind === 'more') as TreeNode;
    const moreItem = await api.tree.getTreeItem(more);
    assert.equal(itemLabel(moreItem), 'Load 200 more…');
    assert.equal(moreItem.description, '200 of 1,200 loaded');
    await vscode.commands.executeCommand('phpRedisSessions.loadMore', more);
    const after = (await children(api.tree, node)).filter((n) => n.kind === 'session');
    assert.equal(after.length, 400);
  });

  test('Show Server Info: a formatted, read-only editor that closes without asking to save', async () => {
    await vscode.commands.executeCommand(
      'phpRedisSessions.showServerInfo',
      await connectionNamed(api.tree, 'e2e redis (read-only)'),
    );
    const editor = await poll('the server info editor', 10_000, () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.path.endsWith('Server Info.ini') ? e : undefined;
    });
    const doc = editor.document;
    assert.equal(doc.uri.scheme, 'php-redis-session');
    assert.equal(doc.isDirty, false);
    assert.equal(doc.isUntitled, false);
    const text = doc.getText();
    assert.ok(!text.includes('\r'), 'no CR');
    assert.match(text, /^\[Server\]$/m);
    assert.match(text, /^redis_version +=/m);
    assert.match(text, /^; INFO of 127\.0\.0\.1:\d+/m);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.ok(!vscode.window.visibleTextEditors.some((e) => e.document === doc), 'closed at once');
  });

  test('the hover on ${SCALINGO_REDIS_URL}, even on its quote, explains the variable', async () => {
    const uri = workspaceFile('scalingo/composer.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = doc.getText().indexOf('\\"${SCALINGO_REDIS_URL}');
    assert.ok(at > 0);
    for (const offset of [at + 1, at + 5]) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        uri,
        doc.positionAt(offset),
      );
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /environment variable `SCALINGO_REDIS_URL`/);
      assert.doesNotMatch(text, /ignores the parameter/);
    }
  });

  test('walkthrough steps and the welcome view show no literal backticks', () => {
    const contributes = extension().packageJSON.contributes;
    for (const step of contributes.walkthroughs[0].steps) {
      assert.doesNotMatch(step.description, /`/, step.id);
    }
    for (const w of contributes.viewsWelcome) assert.doesNotMatch(w.contents, /`/);
  });
});
