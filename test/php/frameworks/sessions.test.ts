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
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDotenv } from '../../../server/src/core/frameworks/dotenv.ts';
import { laravelAppOf, laravelSessionStore } from '../../../server/src/core/frameworks/laravel.ts';
import { toCanonicalJson } from '../../../server/src/sessions/canonicalJson.ts';
import {
  detectFrameworkFromKeys,
  frameworkSessionId,
  isoDate,
  presentSession,
} from '../../../server/src/sessions/frameworks.ts';
import { decodeSession } from '../../../server/src/sessions/sessionFormats.ts';
import { phpAvailable } from '../../helpers/php.ts';
import { redisForTests } from '../../helpers/redisServer.ts';

const HAVE =
  phpAvailable() &&
  existsSync('/usr/share/php/Illuminate/Session/SessionManager.php') &&
  existsSync('/usr/share/php/Symfony/Component/HttpFoundation/Session/Session.php') &&
  existsSync('/usr/share/php/Predis/autoload.php');
const SKELETON8 = join(__dirname, '..', '..', 'fixtures', 'frameworks', 'laravel-skeleton', '8.x');
const ENV_FILE = 'APP_NAME="Acme Shop"\nSESSION_DRIVER=redis\n';

// Laravel 8: the skeleton's own config files, SESSION_DRIVER=redis, the test server's port.
const LARAVEL = `<?php
foreach (['Support', 'Container', 'Config', 'Redis', 'Cache', 'Session', 'Auth'] as $c)
  require_once "/usr/share/php/Illuminate/$c/autoload.php";
[$_, $port, $client, $base] = $argv;
putenv('APP_NAME=Acme Shop');
function storage_path($p = '') { return sys_get_temp_dir().'/'.$p; }
function database_path($p = '') { return sys_get_temp_dir().'/'.$p; }
$config = ['session' => require "$base/session.php", 'database' => require "$base/database.php", 'cache' => require "$base/cache.php"];
$config['session']['driver'] = 'redis';
$config['database']['redis']['client'] = $client;
foreach (['default', 'cache'] as $c) $config['database']['redis'][$c]['port'] = (int) $port;
$app = new Illuminate\\Container\\Container;
$app['config'] = new Illuminate\\Config\\Repository($config);
$app['redis'] = new Illuminate\\Redis\\RedisManager($app, $client, $config['database']['redis']);
$app['cache'] = new Illuminate\\Cache\\CacheManager($app);
$s = (new Illuminate\\Session\\SessionManager($app))->driver();
$s->start();
$s->put('cart', ['sku-1' => 2, 'total' => 19.5, 'note' => "caf\\u{e9}"]);
$s->put('login_web_'.sha1(Illuminate\\Auth\\SessionGuard::class), 42);
$s->setPreviousUrl('https://shop.test/cart');
$s->flash('status', 'Saved!');
$s->save();
echo json_encode(['id' => $s->getId(), 'token' => $s->token(), 'all' => $s->all()], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);
`;

// Symfony 5.4: a DSN through SessionHandlerFactory (phpredis), or a Predis client.
const SYMFONY = `<?php
require_once '/usr/share/php/Symfony/Component/HttpFoundation/autoload.php';
require_once '/usr/share/php/Symfony/Component/Cache/autoload.php';
require_once '/usr/share/php/Predis/autoload.php';
use Symfony\\Component\\HttpFoundation\\Session\\Session;
use Symfony\\Component\\HttpFoundation\\Session\\Storage\\NativeSessionStorage;
use Symfony\\Component\\HttpFoundation\\Session\\Storage\\Handler\\{RedisSessionHandler, SessionHandlerFactory};
[$_, $port, $client, $prefix] = $argv;
$handler = $client === 'predis'
  ? new RedisSessionHandler(new Predis\\Client(['host' => '127.0.0.1', 'port' => (int) $port]), $prefix !== '-' ? ['prefix' => $prefix] : [])
  : SessionHandlerFactory::createHandler("redis://127.0.0.1:$port".($prefix !== '-' ? "?prefix=$prefix" : ''));
$session = new Session(new NativeSessionStorage(['cookie_lifetime' => 3600], $handler));
$session->start();
$session->set('cart', ['sku-1' => 2, 'total' => 19.5]);
$session->set('_security_main', 'O:8:"stdClass":0:{}');
$session->getFlashBag()->add('notice', 'Saved!');
$meta = $session->getMetadataBag();
$session->save();
echo json_encode(['id' => $session->getId(), 'created' => $meta->getCreated(), 'used' => $meta->getLastUsed(),
  'lifetime' => $meta->getLifetime(), 'all' => $session->all()], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);
`;

function php(code: string, args: string[]): Record<string, unknown> {
  const r = spawnSync('php', ['-r', code.replace(/^<\?php\n/, ''), '--', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const t = redisForTests(HAVE);

test(
  'Laravel 8 (phpredis, predis): keys where the layout says, the session as Laravel sees it',
  { skip: !HAVE && 'Laravel/Symfony/predis not installed' },
  async () => {
    await t.redis.flushall();
    const project = {
      files: new Map([
        ['composer.json', '{"require": {"laravel/framework": "^8.75"}}'],
        ['.env', ENV_FILE],
        ...(['session', 'database', 'cache'] as const).map((n): [string, string] => [
          `config/${n}.php`,
          readFileSync(join(SKELETON8, 'config', `${n}.php`), 'utf8'),
        ]),
      ]),
      path: '.env',
    };
    const store = laravelSessionStore(laravelAppOf(project)!, parseDotenv(ENV_FILE))!;
    assert.equal(store.connection, 'default');
    for (const client of ['phpredis', 'predis']) {
      const out = php(LARAVEL, [String(t.server.port), client, join(SKELETON8, 'config')]) as {
        id: string;
        token: string;
        all: Record<string, unknown>;
      };
      const key = `${store.keyPrefix}${out.id}`;
      assert.deepEqual(await t.redis.keys(`*${out.id}`), [key], `${client}: the key Laravel wrote`);
      assert.equal(frameworkSessionId('laravel', key, store.keyPrefix), out.id);
      assert.ok((await t.redis.ttl(key)) > 7000, 'SESSION_LIFETIME 120 minutes');
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
    assert.deepEqual(detectFrameworkFromKeys(await t.redis.keys('*')), {
      framework: 'laravel',
      prefix: store.keyPrefix,
    });
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
      const out = php(SYMFONY, [String(t.server.port), client, prefix]) as {
        id: string;
        created: number;
        used: number;
        lifetime: number;
        all: Record<string, unknown>;
      };
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
