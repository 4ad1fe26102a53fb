// `sessions` and `show` on sessions Laravel 8 and Symfony 5.4 themselves wrote (Debian's packages,
// test/fixtures/frameworks/writers/) into a test redis-server: their key layout named with
// --framework or read from the keys, the framework's own keys apart, each session the way its
// framework sees it; phpredis's sessions on the same server still come first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FRAMEWORKS_AVAILABLE,
  laravelSession,
  projectDir,
  symfonySession,
  type SymfonyResult,
} from '../helpers/frameworkWriters.ts';
import { runCli } from '../helpers/cli.ts';
import { runPhpJson } from '../helpers/php.ts';
import { redisForTests } from '../helpers/redisServer.ts';

const SKIP = !FRAMEWORKS_AVAILABLE && 'Laravel/Symfony/predis not installed';

const run = runCli;

// Laravel in database 1, Symfony in 2 (one project each, as the framework reads it), phpredis in 3 beside Laravel's copy.
const url = (db: number): string => `redis://127.0.0.1:${t.server.port}/${db}`;
let laravel: { id: string; token: string; all: Record<string, unknown> }[] = [];
let symfony: SymfonyResult[] = [];
const PREFIX = 'acme_shop_database_acme_shop_cache:';

const t = redisForTests(FRAMEWORKS_AVAILABLE, async () => {
  for (const db of [1, 3]) {
    const env = `APP_NAME="Acme Shop"\nSESSION_DRIVER=redis\nREDIS_PORT=${t.server.port}\nREDIS_DB=${db}\n`;
    const dir = projectDir({ '.env': env });
    const written = [laravelSession(dir, { user: 42 }), laravelSession(dir)];
    for (const w of written) if (!w.ok) throw new Error(w.error);
    if (db === 1) laravel = written as typeof laravel;
  }
  const dir = projectDir({
    '.env': `REDIS_DSN=redis://127.0.0.1:${t.server.port}?dbindex=2\n`,
    'config/packages/framework.yaml': "framework:\n    session:\n        handler_id: '%env(REDIS_DSN)%'\n",
  });
  symfony = [symfonySession('project', dir), symfonySession('project', dir, { firewall: '-' })];
  await runPhpJson(
    `session_id('plain-php-session'); session_start(); $_SESSION['n'] = 1; session_write_close(); return true;`,
    null,
    {
      iniLines: [
        'session.save_handler = redis',
        `session.save_path = "tcp://127.0.0.1:${t.server.port}?database=3"`,
        'session.use_cookies = 0',
        'session.use_strict_mode = 0',
      ],
    },
  );
});

const ids = (rows: { id: string }[]): string[] => rows.map((r) => r.id).sort();

test("sessions: Laravel's layout read from the keys (its cache entry left out), or named", { skip: SKIP }, async () => {
  assert.ok(await t.redis.select(1).then(() => t.redis.exists(`${PREFIX}settings`)), 'Laravel wrote a cache entry too');
  await t.redis.select(0);
  const listed = await run(['sessions', url(1), '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const rows = JSON.parse(listed.stdout) as { id: string; key: string; framework?: string; serializer: string }[];
  assert.deepEqual(ids(rows), laravel.map((l) => l.id).sort());
  assert.ok(
    rows.every((r) => r.key === PREFIX + r.id && r.framework === 'laravel' && r.serializer === 'php_serialize'),
  );
  assert.match(
    listed.stderr,
    /Laravel sessions under the prefix "acme_shop_database_acme_shop_cache:" \(read from the keys/,
  );
  // Named: the same; the prefix is still read from the keys.
  const named = await run(['sessions', url(1), '--json', '--framework', 'laravel']);
  assert.deepEqual(ids(JSON.parse(named.stdout)), ids(rows));
  assert.match(
    named.stderr,
    /under the prefix "acme_shop_database_acme_shop_cache:" \(the prefix read from the keys; --prefix/,
  );
  // With its prefix given, the layout is recognised under it: the cache entry is not a session.
  const prefixed = await run(['sessions', url(1), '--json', '--prefix', PREFIX]);
  assert.deepEqual(ids(JSON.parse(prefixed.stdout)), ids(rows));
  // phpredis's own layout, on request: nothing of Laravel's is under PHPREDIS_SESSION:.
  const none = await run(['sessions', url(1), '--json', '--framework', 'none']);
  assert.deepEqual(JSON.parse(none.stdout), []);
});

test(
  "sessions: phpredis's sessions come first where there are some; --framework laravel finds Laravel's beside them",
  { skip: SKIP },
  async () => {
    const plain = await run(['sessions', url(3), '--json']);
    assert.deepEqual(ids(JSON.parse(plain.stdout)), ['plain-php-session']);
    assert.doesNotMatch(plain.stderr, /read from the keys/);
    const lv = await run(['sessions', url(3), '--json', '--framework', 'laravel']);
    const rows = JSON.parse(lv.stdout) as { id: string }[];
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => /^[A-Za-z0-9]{40}$/.test(r.id)));
    // No Laravel key at all: said, and nothing listed.
    const empty = await run(['sessions', url(2), '--framework', 'laravel']);
    assert.equal(empty.code, 0);
    assert.match(empty.stderr, /no key looks like a Laravel session/);
    assert.match(empty.stderr, /^0 sessions$/m);
  },
);

test(
  'show: a Laravel session the way Laravel sees it; --framework none gives its variables',
  { skip: SKIP },
  async () => {
    const [signedIn, guest] = laravel;
    const shown = await run(['show', url(1), signedIn!.id]);
    assert.equal(shown.code, 0, shown.stderr);
    const view = JSON.parse(shown.stdout) as {
      framework: string;
      summary: string;
      fields: { name: string; label: string; display?: string; value: unknown }[];
      attributes: Record<string, unknown>;
    };
    assert.equal(view.framework, 'laravel');
    assert.equal(view.summary, 'user 42 (web) · from https://shop.test/cart');
    const field = (name: string): (typeof view.fields)[number] | undefined => view.fields.find((f) => f.name === name);
    assert.equal(field('_token')?.value, signedIn!.token);
    assert.equal(field('_token')?.label, 'CSRF token');
    assert.equal(field('login_web_59ba36addc2b2f9401580f014c7f58ea4e30989d')?.display, '42');
    // The application's own variables, as Laravel holds them.
    const { _token, _previous, _flash, ...own } = signedIn!.all;
    delete own['login_web_59ba36addc2b2f9401580f014c7f58ea4e30989d'];
    assert.deepEqual(view.attributes, own);
    assert.ok(_token && _previous && _flash);
    // A guest, and the raw variables on request.
    const g = JSON.parse((await run(['show', url(1), guest!.id])).stdout) as { summary: string };
    assert.equal(g.summary, 'guest · from https://shop.test/cart');
    const plain = await run(['show', url(1), guest!.id, '--framework', 'none', '--prefix', PREFIX]);
    assert.deepEqual(JSON.parse(plain.stdout), guest!.all);
  },
);

test(
  'Symfony: sf_s read from the keys; show gives _sf2_meta as dates and the firewall apart',
  { skip: SKIP },
  async () => {
    const listed = await run(['sessions', url(2), '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(ids(JSON.parse(listed.stdout)), symfony.map((s) => s.id).sort());
    assert.match(listed.stderr, /Symfony sessions under the prefix "sf_s"/);
    const named = await run(['sessions', url(2), '--json', '--framework', 'symfony']);
    assert.deepEqual(ids(JSON.parse(named.stdout)), ids(JSON.parse(listed.stdout)));
    const [signedIn, anonymous] = symfony;
    const view = JSON.parse((await run(['show', url(2), signedIn!.id])).stdout) as {
      summary: string;
      fields: { name: string; display?: string }[];
      attributes: Record<string, unknown>;
    };
    assert.match(view.summary, /^signed in \(firewall main\) · last used /);
    const display = (n: string): string | undefined => view.fields.find((f) => f.name === n)?.display;
    assert.equal(display('_sf2_meta.c'), new Date(signedIn!.created * 1000).toISOString());
    assert.equal(display('_sf2_meta.l'), '3600 s');
    assert.equal(display('_symfony_flashes'), 'notice');
    const { _security_main, ...own } = signedIn!.all;
    assert.ok(_security_main);
    assert.deepEqual(view.attributes, own);
    const anon = JSON.parse((await run(['show', url(2), anonymous!.id, '--framework', 'symfony'])).stdout) as {
      summary: string;
    };
    assert.match(anon.summary, /^anonymous · /);
    // Bad usage is said.
    const bad = await run(['sessions', url(2), '--framework', 'rails']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown --framework "rails" \(laravel, symfony or none\)/);
  },
);
