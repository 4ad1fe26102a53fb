// A Laravel project (laravel-shop/) and a Symfony project (symfony-shop/) in the workspace: their
// diagnostics and fixes (one of them editing composer.json from the .env), their connections found
// from their files, and the sessions Laravel 8 and Symfony 5.4 themselves wrote into the test
// redis-server (test/e2e/redisSessions.mjs) browsed the way each framework sees them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activated,
  children,
  codeOf,
  connectionNamed,
  diagnosticsOf,
  findDiagnostic,
  itemLabel,
  labels,
  openFile,
  workspaceFile,
  type TestApi,
  type TreeNode,
} from './helpers.ts';
import { redisCommand } from './redis.ts';

const E = vscode.DiagnosticSeverity.Error;
const W = vscode.DiagnosticSeverity.Warning;
const LARAVEL_PREFIX = 'acme_shop_database_acme_shop_cache:';
const GUARD = 'login_web_59ba36addc2b2f9401580f014c7f58ea4e30989d';

async function quickFix(uri: vscode.Uri, d: vscode.Diagnostic, title: string): Promise<vscode.CodeAction> {
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
      10,
    )) ?? [];
  const action = actions.find((a) => a.title === title);
  assert.ok(action?.edit, `no quick fix "${title}"; offered: ${actions.map((a) => a.title).join('; ')}`);
  return action;
}

/** The keys a framework wrote, as ids (the key without its prefix). */
async function idsIn(db: number, prefix: string): Promise<string[]> {
  const keys = (await redisCommand(['KEYS', `${prefix}*`], undefined, db)) as string[];
  return keys
    .map((k) => k.slice(prefix.length))
    .filter((id) => id !== 'settings')
    .sort();
}

async function item(api: TestApi, n: TreeNode): Promise<{ label: string; description: string }> {
  const i = await api.tree.getTreeItem(n);
  return { label: itemLabel(i), description: String(i.description ?? '') };
}

suite('Laravel and Symfony projects', () => {
  let api: TestApi;

  suiteSetup(async () => {
    api = await activated();
  });

  teardown(async () => {
    // Unsaved fixes are dropped: the next test sees the files as on disk.
    for (const doc of vscode.workspace.textDocuments)
      if (doc.isDirty) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
  });

  test('laravel-shop: ext-redis missing for SESSION_DRIVER=redis, the fix edits composer.json; file sessions in a Procfile app', async () => {
    const env = (await openFile('laravel-shop/.env')).document;
    const ds = await diagnosticsOf(
      env.uri,
      (d) => d.some((x) => codeOf(x) === 'laravel-redis-client-not-required'),
      'laravel-redis-client-not-required',
    );
    assert.deepEqual(
      ds.map((d) => `${codeOf(d)}@${env.getText(d.range)}:${d.severity}`),
      [`laravel-redis-client-not-required@redis:${W}`],
    );
    const action = await quickFix(env.uri, ds[0]!, 'Add "ext-redis": "*" to composer.json');
    assert.deepEqual(
      action.edit!.entries().map(([uri]) => vscode.workspace.asRelativePath(uri)),
      ['laravel-shop/composer.json'],
      'the fix edits the project composer.json, not the .env',
    );
    assert.ok(await vscode.workspace.applyEdit(action.edit!));
    const composer = await vscode.workspace.openTextDocument(workspaceFile('laravel-shop/composer.json'));
    assert.deepEqual(JSON.parse(composer.getText()).require, {
      php: '^8.1',
      'ext-redis': '*',
      'laravel/framework': '^8.75',
    });
    // The .env is linted again with the edited composer.json: the finding is gone.
    await diagnosticsOf(env.uri, (d) => d.length === 0, 'no finding on .env once composer.json requires ext-redis');

    const prod = (await openFile('laravel-shop/.env.production')).document;
    const [local] = await diagnosticsOf(prod.uri, (d) => d.length > 0, 'sessions-on-local-disk');
    assert.equal(codeOf(local!), 'sessions-on-local-disk');
    assert.equal(prod.getText(local!.range), 'file');
    assert.match(local!.message, /the Procfile deploys to a PaaS/);
    assert.ok(await vscode.workspace.applyEdit((await quickFix(prod.uri, local!, 'Store sessions in Redis')).edit!));
    assert.match(prod.getText(), /^SESSION_DRIVER=redis$/m);
  });

  test('symfony-shop: a DSN option Symfony ignores (renamed by the fix), ext-redis missing, a save_path where a DSN goes', async () => {
    const env = (await openFile('symfony-shop/.env')).document;
    const ds = await diagnosticsOf(env.uri, (d) => d.length >= 2, 'two findings on symfony-shop/.env');
    const dsn = /^REDIS_DSN=(.*)$/m.exec(env.getText())![1];
    assert.deepEqual(
      ds.map((d) => `${codeOf(d)}@${env.getText(d.range)}:${d.severity}`).sort(),
      [`symfony-dsn-param-ignored@db:${W}`, `symfony-redis-client-not-required@${dsn}:${W}`].sort(),
    );
    const ignored = findDiagnostic(ds, 'symfony-dsn-param-ignored');
    assert.ok(await vscode.workspace.applyEdit((await quickFix(env.uri, ignored, 'Rename to "dbindex"')).edit!));
    assert.match(env.getText(), /^REDIS_DSN=redis:\/\/127\.0\.0\.1:\d+\?dbindex=6$/m);
    await diagnosticsOf(
      env.uri,
      (d) => !d.some((x) => codeOf(x) === 'symfony-dsn-param-ignored'),
      'the ignored option gone after the rename',
    );

    const yaml = (await openFile('symfony-shop/config/packages/framework.yaml')).document;
    const [bad] = await diagnosticsOf(yaml.uri, (d) => d.length > 0, 'symfony-invalid-redis-dsn');
    assert.equal(codeOf(bad!), 'symfony-invalid-redis-dsn');
    assert.equal(bad!.severity, E);
    assert.equal(yaml.getText(bad!.range), "'tcp://redis.internal:6379?auth=secret'");
    assert.ok(!bad!.message.includes('secret'), 'the message does not repeat the password');
  });

  test('their connections come from their files, with the framework and its prefix', async () => {
    const names = await labels(api.tree, await children(api.tree));
    for (const n of ['laravel-shop/.env', 'symfony-shop/.env'])
      assert.ok(names.includes(n), `${n} among ${names.join(', ')}`);
    const laravel = await item(api, await connectionNamed(api.tree, 'laravel-shop/.env'));
    assert.equal(laravel.description, 'Laravel · from workspace');
    const symfony = await item(api, await connectionNamed(api.tree, 'symfony-shop/.env'));
    assert.equal(symfony.description, 'Symfony · from workspace');
  });

  test('the sessions Laravel wrote, each the way Laravel sees it (its cache entry left out)', async () => {
    const conn = await connectionNamed(api.tree, 'laravel-shop/.env');
    const nodes = await children(api.tree, conn);
    const sessions = nodes.filter((n) => n.kind === 'session');
    assert.deepEqual(sessions.map((n) => n.session!.id).sort(), await idsIn(5, LARAVEL_PREFIX));
    assert.equal(sessions.length, 2);
    assert.ok(
      (await redisCommand(['EXISTS', `${LARAVEL_PREFIX}settings`], undefined, 5)) === 1,
      'a cache entry is there',
    );
    const seen: string[] = [];
    for (const s of sessions) {
      const rows = await Promise.all((await children(api.tree, s)).map((n) => item(api, n)));
      const summary = rows[0]!.label;
      seen.push(summary);
      assert.match(summary, /^Laravel · (user 42 \(web\)|guest) · from https:\/\/shop\.test\/cart$/);
      const labelsOf = rows.map((r) => r.label);
      assert.ok(labelsOf.includes('CSRF token'), labelsOf.join(', '));
      assert.equal(rows.find((r) => r.label === 'Previous URL')?.description, 'https://shop.test/cart');
      assert.equal(
        rows.find((r) => r.label === 'Flash data')?.description,
        'new: —; old (removed after this request): status',
      );
      const user = rows.find((r) => r.label === 'Logged-in user id, guard "web"');
      if (summary.includes('user 42')) assert.equal(user?.description, '42');
      else assert.equal(user, undefined);
      // The application's own variables come after the framework's keys.
      assert.deepEqual(labelsOf.slice(-2), ['cart', 'status']);
      assert.ok(!labelsOf.includes(GUARD) && !labelsOf.includes('_token'), 'framework keys are explained, not raw');
    }
    assert.equal(seen.filter((x) => x.includes('user 42')).length, 1, seen.join(' / '));
  });

  test('the sessions Symfony wrote: _sf2_meta as dates, the firewall token apart, the attributes unwrapped', async () => {
    const conn = await connectionNamed(api.tree, 'symfony-shop/.env');
    const sessions = (await children(api.tree, conn)).filter((n) => n.kind === 'session');
    // Symfony ignored ?db=6 (the finding above): its sessions are in database 0, beside PHP's own.
    assert.deepEqual(sessions.map((n) => n.session!.id).sort(), await idsIn(0, 'sf_s'));
    assert.equal(sessions.length, 2);
    let signedIn = 0;
    for (const s of sessions) {
      const rows = await Promise.all((await children(api.tree, s)).map((n) => item(api, n)));
      assert.match(rows[0]!.label, /^Symfony · (signed in \(firewall main\)|anonymous) · last used \d{4}-\d\d-\d\dT/);
      const created = rows.find((r) => r.label === 'Created');
      assert.match(created?.description ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      assert.ok(Math.abs(Date.parse(created!.description) - Date.now()) < 3_600_000, 'created within the hour');
      assert.equal(rows.find((r) => r.label === 'Cookie lifetime')?.description, '3600 s');
      assert.equal(rows.find((r) => r.label === 'Flash messages')?.description, 'notice');
      if (rows.some((r) => r.label === 'Security token, firewall "main"')) signedIn++;
      assert.equal(rows.at(-1)?.label, 'cart');
      assert.ok(!rows.some((r) => r.label === '_sf2_attributes'), 'the attributes bag is unwrapped');
    }
    assert.equal(signedIn, 1);
  });

  test('a connection without a prefix finds Laravel sessions from the keys', async () => {
    const conn = await connectionNamed(api.tree, 'e2e redis db 5');
    const nodes = await children(api.tree, conn);
    const first = await item(api, nodes[0]!);
    assert.equal(
      first.label,
      `Laravel sessions under "${LARAVEL_PREFIX}" (read from the keys: no phpredis session here)`,
    );
    assert.deepEqual(
      nodes
        .filter((n) => n.kind === 'session')
        .map((n) => n.session!.id)
        .sort(),
      await idsIn(5, LARAVEL_PREFIX),
    );
    // (the count of sessions comes first once listed)
    assert.match((await item(api, conn)).description, /(^|· )Laravel · read-only$/);
  });
});
