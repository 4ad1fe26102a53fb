// The PHP Sessions view against a redis-server that the runner started and that real PHP filled
// (session.save_handler = redis): listing, expanding, opening, deleting and being refused.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activated,
  children,
  connectionNamed,
  itemLabel,
  labels,
  menuShows,
  PHP_WRITTEN,
  poll,
  sessionNamed,
  type TestApi,
  type TreeNode,
} from './helpers.ts';
import { redisCommand } from './redis.ts';

const RO = 'e2e redis (read-only)';
const RW = 'e2e redis (writable)';
const WORKSPACE = 'app/composer.json';

const ALICE_JSON = `{
  "user": {
    "id": 42,
    "name": "Alice",
    "roles": [
      "admin",
      "dev"
    ]
  },
  "cart": [
    {
      "sku": "A-1",
      "qty": 2,
      "price": 9.5
    }
  ],
  "login": {
    "__class": "DateTimeImmutable",
    "date": "2024-01-02 03:04:05.000000",
    "timezone_type": 1,
    "timezone": "+00:00"
  },
  "big": 9223372036854775807,
  "flash": null
}
`;

async function sessionIds(tree: TestApi['tree'], connection: TreeNode): Promise<string[]> {
  const nodes = await children(tree, connection);
  const errors = nodes.filter((n) => n.kind === 'message' && n.error);
  assert.equal(errors.length, 0, `listing failed: ${errors.map((e) => e.text).join('; ')}`);
  return nodes
    .filter((n) => n.kind === 'session')
    .map((n) => n.session!.id)
    .sort();
}

/** A fresh connection node (after Refresh, the view asks the tree again from its root). */
async function refreshed(tree: TestApi['tree'], name: string): Promise<TreeNode> {
  await vscode.commands.executeCommand('phpRedisSessions.refresh');
  return connectionNamed(tree, name);
}

async function exists(id: string): Promise<boolean> {
  return (await redisCommand(['EXISTS', `PHPREDIS_SESSION:${id}`])) === 1;
}

suite('sessions view', () => {
  let api: TestApi;

  suiteSetup(async function () {
    if (!process.env.E2E_REDIS_PORT) this.skip();
    api = await activated();
    assert.equal(vscode.workspace.isTrusted, true, 'this part runs in a trusted workspace');
  });

  test('connections come from settings and from the workspace files, none connected yet', async () => {
    const roots = await children(api.tree);
    const names = await labels(api.tree, roots);
    for (const n of [RO, RW, WORKSPACE]) assert.ok(names.includes(n), `${n} not among ${names.join(', ')}`);
    const ro = await api.tree.getTreeItem(await connectionNamed(api.tree, RO));
    assert.equal(ro.description, 'read-only');
    assert.equal(ro.contextValue, 'phpRedisSessions.connection.ro.settings');
    assert.equal(ro.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const rw = await api.tree.getTreeItem(await connectionNamed(api.tree, RW));
    assert.equal(rw.contextValue, 'phpRedisSessions.connection.rw.settings');
    const ws = await api.tree.getTreeItem(await connectionNamed(api.tree, WORKSPACE));
    assert.equal(ws.description, 'from workspace');
  });

  test('expanding a connection lists the sessions PHP wrote, with TTL, size and lock', async () => {
    const ro = await connectionNamed(api.tree, RO);
    assert.deepEqual(await sessionIds(api.tree, ro), PHP_WRITTEN);
    const alice = (await sessionNamed(api.tree, ro, 'e2e-php-alice'))!;
    const item = await api.tree.getTreeItem(alice);
    assert.equal(itemLabel(item), 'e2e-php-alice');
    assert.match(String(item.description), /^2[34]m · 336 B$/);
    assert.equal(item.contextValue, 'phpRedisSessions.session.ro');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.equal(item.command?.command, 'phpRedisSessions.openSession');
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    assert.match(tooltip, /PHPREDIS_SESSION:e2e-php-alice/);

    // a request killed while it held the lock: the lock is folded into its session
    const frank = await api.tree.getTreeItem((await sessionNamed(api.tree, ro, 'e2e-locked-frank'))!);
    assert.match(String(frank.description), / · locked$/);
    assert.equal(frank.contextValue, 'phpRedisSessions.session.ro.locked');
    assert.equal((frank.iconPath as vscode.ThemeIcon).id, 'lock');
    assert.ok(!(await sessionIds(api.tree, ro)).some((id) => id.endsWith('_LOCK')), 'no separate _LOCK row');
  });

  test('a session expands into its decoded variables, down to scalars', async () => {
    const ro = await connectionNamed(api.tree, RO);
    const alice = (await sessionNamed(api.tree, ro, 'e2e-php-alice'))!;
    const vars = await children(api.tree, alice);
    assert.deepEqual(await labels(api.tree, vars), ['user', 'cart', 'login', 'big', 'flash']);
    const user = vars[0];
    const userVars = await children(api.tree, user);
    assert.deepEqual(await labels(api.tree, userVars), ['id', 'name', 'roles']);
    const descriptions = await Promise.all(
      userVars.map(async (n) => String((await api.tree.getTreeItem(n)).description)),
    );
    assert.match(descriptions[0], /42/);
    assert.match(descriptions[1], /Alice/);
    const big = await api.tree.getTreeItem(vars[3]);
    assert.match(String(big.description), /9223372036854775807/, 'a 64-bit integer stays exact');
    assert.equal(big.collapsibleState, vscode.TreeItemCollapsibleState.None);
    const login = await api.tree.getTreeItem(vars[2]);
    assert.match(`${String(login.description)} ${String(login.tooltip)}`, /DateTimeImmutable/);

    // every serializer PHP wrote with decodes
    for (const [id, name] of [
      ['e2e-serialize-bob', 'Bob'],
      ['e2e-igbinary-carol', 'Carol'],
      ['e2e-msgpack-dave', 'Dave'],
    ]) {
      const s = (await sessionNamed(api.tree, ro, id))!;
      const top = await children(api.tree, s);
      assert.equal((await labels(api.tree, top))[0], 'user', id);
      const fields = await children(api.tree, top[0]);
      const desc = await Promise.all(fields.map(async (n) => String((await api.tree.getTreeItem(n)).description)));
      assert.ok(
        desc.some((d) => d.includes(name)),
        `${id}: ${desc.join(', ')}`,
      );
    }
  });

  test('Open Session shows the canonical JSON in a read-only editor; the raw view shows the serialized text', async () => {
    const ro = await connectionNamed(api.tree, RO);
    const alice = (await sessionNamed(api.tree, ro, 'e2e-php-alice'))!;
    await vscode.commands.executeCommand('phpRedisSessions.openSession', alice);
    const editor = await poll('the session editor', 10_000, () =>
      vscode.window.activeTextEditor?.document.uri.scheme === 'php-redis-session'
        ? vscode.window.activeTextEditor
        : undefined,
    );
    assert.equal(editor.document.getText(), ALICE_JSON);
    assert.match(editor.document.uri.path, /e2e-php-alice\.json$/);

    const carol = (await sessionNamed(api.tree, ro, 'e2e-igbinary-carol'))!;
    await vscode.commands.executeCommand('phpRedisSessions.openSession', carol);
    const carolDoc = await poll('carol', 10_000, () => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.uri.path.endsWith('e2e-igbinary-carol.json') ? d : undefined;
    });
    assert.deepEqual(JSON.parse(carolDoc.getText()), { user: { id: 8, name: 'Carol' }, visits: 3 });

    await vscode.commands.executeCommand('phpRedisSessions.openSessionRaw', alice);
    const raw = await poll('the raw view', 10_000, () => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.uri.path.endsWith('e2e-php-alice.txt') ? d : undefined;
    });
    assert.equal(raw.languageId, 'php-serialized');
    assert.ok(raw.getText().startsWith('user|a:3:{s:2:"id";i:42;'), raw.getText().slice(0, 80));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("the workspace's own save_path (app/composer.json) browses the same server", async () => {
    const ws = await connectionNamed(api.tree, WORKSPACE);
    assert.deepEqual(await sessionIds(api.tree, ws), PHP_WRITTEN);
  });

  test('a read-only connection hides Delete and refuses it', async () => {
    const ro = await connectionNamed(api.tree, RO);
    const node = (await sessionNamed(api.tree, ro, 'e2e-delete-me'))!;
    const item = await api.tree.getTreeItem(node);
    assert.equal(
      menuShows('phpRedisSessions.deleteSession', item.contextValue!),
      false,
      "Delete is not in the read-only session's menu",
    );
    assert.equal(menuShows('phpRedisSessions.openSession', item.contextValue!), true);
    // invoked anyway (palette, keybinding): refused with a warning, no dialog, nothing deleted
    await vscode.commands.executeCommand('phpRedisSessions.deleteSession', node);
    assert.equal(await exists('e2e-delete-me'), true);
    assert.ok((await sessionIds(api.tree, await refreshed(api.tree, RO))).includes('e2e-delete-me'));
  });

  test('a writable connection offers Delete, and deletes nothing without the confirmation', async () => {
    const rw = await connectionNamed(api.tree, RW);
    const node = (await sessionNamed(api.tree, rw, 'e2e-delete-me'))!;
    const item = await api.tree.getTreeItem(node);
    assert.equal(item.contextValue, 'phpRedisSessions.session.rw');
    assert.equal(
      menuShows('phpRedisSessions.deleteSession', item.contextValue!),
      true,
      "Delete is in the writable session's menu",
    );
    // The modal confirmation cannot show in a test host (see helpers.ts): without it, nothing is
    // deleted. The confirmed delete is the ui run's (test/e2e/ui.mjs), through the dialog.
    await vscode.commands.executeCommand('phpRedisSessions.deleteSession', node);
    assert.equal(await exists('e2e-delete-me'), true, 'no confirmation, no delete');
    assert.ok((await sessionIds(api.tree, rw)).includes('e2e-delete-me'));
  });

  test('a composer.json saved with a Redis save_path appears in the view, and goes when deleted', async () => {
    await children(api.tree); // the workspace files have been read once
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'added', 'composer.json');
    const composer = {
      require: { 'ext-redis': '*' },
      extra: {
        paas: {
          'php-config': [
            'session.save_handler = redis',
            `session.save_path = "tcp://127.0.0.1:${process.env.E2E_REDIS_PORT}?timeout=2.5"`,
          ],
        },
      },
    };
    // Created and saved as a person would, in the editor.
    const create = new vscode.WorkspaceEdit();
    create.createFile(file, { contents: new TextEncoder().encode(JSON.stringify(composer, null, 4)), overwrite: true });
    assert.ok(await vscode.workspace.applyEdit(create));
    await (await vscode.workspace.openTextDocument(file)).save();
    try {
      await poll('added/composer.json in the view', 15_000, async () =>
        (await labels(api.tree, await children(api.tree))).includes('added/composer.json') ? true : undefined,
      );
      assert.deepEqual(await sessionIds(api.tree, await connectionNamed(api.tree, 'added/composer.json')), PHP_WRITTEN);
    } finally {
      const remove = new vscode.WorkspaceEdit();
      remove.deleteFile(vscode.Uri.joinPath(file, '..'), { recursive: true, ignoreIfNotExists: true });
      await vscode.workspace.applyEdit(remove);
    }
    await poll('added/composer.json to leave the view', 15_000, async () =>
      !(await labels(api.tree, await children(api.tree))).includes('added/composer.json') ? true : undefined,
    );
  });
});
