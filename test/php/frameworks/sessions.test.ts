// Ground truth for the frameworks' sessions: Laravel 8 (Debian's php-laravel-framework 8.83, its
// SessionManager → CacheBasedSessionHandler → RedisStore, with the laravel/laravel 8.x skeleton
// configs) and Symfony 5.4 (php-symfony-http-foundation: Session + NativeSessionStorage +
// RedisSessionHandler, made by SessionHandlerFactory from a DSN or given a Predis client) write
// sessions into a test redis-server with the phpredis and the predis clients. Then:
//   - the key each wrote is where our layout says it is (Laravel: the prefix computed from the
//     project's .env and config files by version; Symfony: `sf_s` or the configured prefix),
//   - the framework is detected from the keys,
//   - the decoded session, presented the framework's way, says what PHP says (CSRF token, previous
//     URL, user id, flash keys, created/updated/lifetime, attributes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDotenv } from '../../../server/src/core/frameworks/dotenv.ts';
import { laravelAppOf, laravelSessionStore } from '../../../server/src/core/frameworks/laravel.ts';
import { toCanonicalJson } from '../../../server/src/sessions/canonicalJson.ts';
import { detectFrameworkFromKeys, frameworkSessionId } from '../../../server/src/sessions/frameworkKeys.ts';
import { isoDate, presentSession } from '../../../server/src/sessions/frameworkView.ts';
import type { ProjectInput } from '../../../server/src/core/types.ts';
import { decodeSession } from '../../../server/src/sessions/sessionFormats.ts';
import {
  FRAMEWORKS_AVAILABLE,
  LARAVEL8_CONFIG,
  projectDir,
  laravelSession,
  symfonySession,
} from '../../helpers/frameworkWriters.ts';
import { redisForTests } from '../../helpers/redisServer.ts';

const HAVE = FRAMEWORKS_AVAILABLE;
const envFile = (client: string, port: number): string =>
  `APP_NAME="Acme Shop"\nSESSION_DRIVER=redis\nREDIS_CLIENT=${client}\nREDIS_PORT=${port}\n`;

const t = redisForTests(HAVE);

test(
  'Laravel 8 (phpredis, predis): keys where the layout says, the session as Laravel sees it',
  { skip: !HAVE && 'Laravel/Symfony/predis not installed' },
  async () => {
    await t.redis.flushall();
    const project = (env: string): ProjectInput => ({
      files: new Map([
        ['composer.json', '{"require": {"laravel/framework": "^8.75"}}'],
        ['.env', env],
        ...(['session', 'database', 'cache'] as const).map((n): [string, string] => [
          `config/${n}.php`,
          readFileSync(join(LARAVEL8_CONFIG, `${n}.php`), 'utf8'),
        ]),
      ]),
      path: '.env',
    });
    let prefix = '';
    for (const client of ['phpredis', 'predis']) {
      const env = envFile(client, t.server.port);
      const store = laravelSessionStore(laravelAppOf(project(env))!, parseDotenv(env))!;
      assert.equal(store.connection, 'default');
      prefix = store.keyPrefix;
      const out = laravelSession(projectDir({ '.env': env }), { user: 42 });
      assert.ok(out.ok, JSON.stringify(out));
      const key = `${store.keyPrefix}${out.id}`;
      assert.deepEqual(await t.redis.keys(`*${out.id}`), [key], `${client}: the key Laravel wrote`);
      assert.equal(frameworkSessionId('laravel', key, store.keyPrefix), out.id);
      // SESSION_LIFETIME 120 minutes: the TTL Laravel gave the key is the lifetime we read.
      assert.equal(store.lifetime, 7200);
      assert.ok(Math.abs((await t.redis.ttl(key)) - store.lifetime) <= 2, 'the TTL Laravel set');
      const decoded = decodeSession((await t.redis.getBuffer(key))!, { key });
      assert.equal(decoded.framework, 'laravel');
      // The variables are what Laravel's Store holds, byte for byte as json_encode prints them.
      assert.equal(toCanonicalJson(decoded), JSON.stringify(out.all));
      const view = presentSession(undefined, decoded.variables)!;
      const field = (name: string): { display?: string; label: string } => view.fields.find((f) => f.name === name)!;
      assert.equal(view.framework, 'laravel');
      assert.equal(toCanonicalJson(view.fields.find((f) => f.name === '_token')!.value), JSON.stringify(out.token));
      assert.equal(field('_previous').display, 'https://shop.test/cart');
      assert.equal(field('login_web_59ba36addc2b2f9401580f014c7f58ea4e30989d').display, '42');
      assert.match(field('_flash').display!, /old \(removed after this request\): status/);
      assert.deepEqual(
        view.attributes.map(([n]) => n),
        ['cart', 'status'],
      );
      assert.equal(view.summary, 'user 42 (web) · from https://shop.test/cart');
    }
    assert.deepEqual(detectFrameworkFromKeys(await t.redis.keys('*')), { framework: 'laravel', prefix });
  },
);

test(
  'Symfony 5.4 (phpredis via a DSN, predis): sf_s or the configured prefix, _sf2_meta as dates',
  { skip: !HAVE && 'Laravel/Symfony/predis not installed' },
  async () => {
    await t.redis.flushall();
    for (const [client, prefix] of [
      ['phpredis', '-'],
      ['predis', '-'],
      ['phpredis', 'app_sess_'],
      ['predis', 'app_sess_'],
    ] as const) {
      const out =
        client === 'predis'
          ? symfonySession('predis', String(t.server.port), { prefix })
          : symfonySession('dsn', `redis://127.0.0.1:${t.server.port}${prefix !== '-' ? `?prefix=${prefix}` : ''}`);
      const key = `${prefix === '-' ? 'sf_s' : prefix}${out.id}`;
      assert.deepEqual(await t.redis.keys(`*${out.id}`), [key], `${client} ${prefix}`);
      assert.equal(frameworkSessionId('symfony', key, prefix === '-' ? undefined : prefix), out.id);
      const decoded = decodeSession((await t.redis.getBuffer(key))!, { key });
      const view = presentSession('symfony', decoded.variables)!;
      const display = (name: string): string | undefined => view.fields.find((f) => f.name === name)?.display;
      assert.equal(display('_sf2_meta.c'), isoDate(out.created));
      assert.equal(display('_sf2_meta.u'), isoDate(out.used));
      assert.equal(display('_sf2_meta.l'), `${out.lifetime} s`);
      assert.equal(display('_symfony_flashes'), 'notice');
      assert.equal(
        view.fields.find((f) => f.name === '_sf2_attributes._security_main')?.label,
        'Security token, firewall "main"',
      );
      // The application's attributes (the firewall's token shown apart).
      const all = { ...out.all };
      delete all._security_main;
      assert.equal(toCanonicalJson({ variables: view.attributes }), JSON.stringify(all));
      assert.match(view.summary, /^signed in \(firewall main\) · last used \d{4}-/);
    }
    const keys = await t.redis.keys('sf_s*');
    assert.deepEqual(detectFrameworkFromKeys(keys), { framework: 'symfony', prefix: 'sf_s' });
  },
);
