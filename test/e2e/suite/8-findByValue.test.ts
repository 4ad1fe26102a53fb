// Find Sessions by Value… in the packaged extension, over the sessions real PHP wrote with each
// serializer: the command streams its matches into a quick pick and also returns them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, connectionNamed, type TestApi } from './helpers.ts';

const RO = 'e2e redis (read-only)';

interface Found {
  ids: string[];
  progress: { scanned: number; matched: number; undecodable: number };
}

suite('find sessions by value', () => {
  let api: TestApi;

  suiteSetup(async function () {
    if (!process.env.E2E_REDIS_PORT) this.skip();
    api = await activated();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  const find = async (conditions: string): Promise<Found> => {
    const found = (await vscode.commands.executeCommand(
      'phpRedisSessions.findByValue',
      await connectionNamed(api.tree, RO),
      conditions,
    )) as Found | undefined;
    assert.ok(found, `the search for ${conditions} ran to its end`);
    return found;
  };

  test('a number in any serializer: PHP 8 == semantics', async () => {
    assert.deepEqual((await find('user.id=42')).ids, ['e2e-php-alice']);
    assert.deepEqual((await find('user.id=8.0')).ids, ['e2e-igbinary-carol']);
  });

  test('text, globs, several conditions, object classes', async () => {
    assert.deepEqual((await find('theme=dark')).ids, ['e2e-msgpack-dave']);
    assert.deepEqual((await find('user.name~B*b')).ids, ['e2e-serialize-bob']);
    assert.deepEqual((await find('user.id!=42 && visits=3')).ids, ['e2e-igbinary-carol']);
    assert.deepEqual((await find('login.__class=DateTimeImmutable')).ids, ['e2e-php-alice']);
    const none = await find('user.name=Nobody');
    assert.deepEqual(none.ids, []);
    assert.ok(none.progress.scanned >= 4, `scanned ${none.progress.scanned}`);
  });
});
