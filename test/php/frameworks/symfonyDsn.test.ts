// Symfony's Redis DSN rules against Symfony itself (Debian's php-symfony-http-foundation and
// php-symfony-cache 5.4): SessionHandlerFactory::createHandler($dsn) builds the handler Symfony
// would use for `framework.session.handler_id: <dsn>`; its lazy connection keeps the hosts, AUTH
// and database it would use in its initializer, read here by reflection — nothing connects. Both
// sides must accept the same DSNs, reject the same with the same message, and agree on where the
// sessions go (hosts, AUTH, database, prefix, ttl, cluster).
//
// Newer majors from their sources (symfony/symfony 7.2 @5feb7493,
// src/Symfony/Component/Cache/Traits/RedisTrait.php): a userinfo `user:pass@` sends AUTH with both
// (6.1+, "in_array($m['user'], ['', 'default'], true)"), and `sentinel_master` is an alias of
// `redis_sentinel` (7.1+) — checked in test/unit/frameworks.symfonyDsn.test.ts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import {
  parseSymfonyRedisDsn,
  sessionHandlerKind,
  type SymfonyDsn,
} from '../../../server/src/core/frameworks/symfonyDsn.ts';
import { phpAvailable, runPhpJson } from '../../helpers/php.ts';
import { joinedPieces } from '../../helpers/random.ts';

const HAVE_SYMFONY =
  phpAvailable() &&
  existsSync('/usr/share/php/Symfony/Component/HttpFoundation/Session/Storage/Handler/SessionHandlerFactory.php');

const PHP = `
require_once '/usr/share/php/Symfony/Component/HttpFoundation/autoload.php';
require_once '/usr/share/php/Symfony/Component/Cache/autoload.php';
$prop = function ($o, $name) { $p = new ReflectionProperty($o, $name); $p->setAccessible(true); return $p->getValue($o); };
$out = [];
foreach ($input as $dsn) {
  try {
    $h = Symfony\\Component\\HttpFoundation\\Session\\Storage\\Handler\\SessionHandlerFactory::createHandler($dsn);
    $r = $prop($h, 'redis');
    $res = ['ok' => true, 'class' => get_class($r), 'prefix' => $prop($h, 'prefix'), 'ttl' => $prop($h, 'ttl')];
    if ($r instanceof RedisArray) {
      $res['hosts'] = $r->_hosts();
    } else {
      $vars = (new ReflectionFunction($prop($r, 'initializer')))->getStaticVariables();
      $res['hosts'] = $vars['hosts'];
      if ($r instanceof Symfony\\Component\\Cache\\Traits\\RedisClusterProxy) {
        $res['auth'] = $vars['params']['auth'] ?? null;
      } else {
        $res['auth'] = $vars['auth'];
        $res['db'] = (string) $vars['params']['dbindex'];
      }
    }
    $out[] = $res;
  } catch (Throwable $e) {
    $out[] = ['ok' => false, 'message' => $e->getMessage()];
  }
}
return $out;`;

interface PhpOutcome {
  ok: boolean;
  message?: string;
  class?: string;
  prefix?: string;
  ttl?: string | number | null;
  hosts?: (string | { scheme: string; host?: string; port?: number; path?: string })[];
  auth?: string | null;
  db?: string;
}

/** Our parse in the shape of the PHP outcome. */
function ours(dsn: string): PhpOutcome {
  if (sessionHandlerKind(dsn) !== 'redis') return { ok: false, message: `Unsupported Connection: "${dsn}".` };
  const d: SymfonyDsn = parseSymfonyRedisDsn(dsn, { major: 5, minor: 4 });
  if (!d.ok) return { ok: false, message: d.message };
  const multi = d.hosts.length > 1 && !d.cluster && d.sentinel === undefined;
  const res: PhpOutcome = {
    ok: true,
    class: d.cluster
      ? 'Symfony\\Component\\Cache\\Traits\\RedisClusterProxy'
      : multi
        ? 'RedisArray'
        : 'Symfony\\Component\\Cache\\Traits\\RedisProxy',
    prefix: d.prefix ?? 'sf_s',
    ttl: d.ttl ?? null,
  };
  if (multi) res.hosts = d.hosts.map((h) => (h.scheme === 'unix' ? h.path! : `${h.host}:${h.port}`));
  else {
    res.hosts = d.hosts.map((h) => (h.scheme === 'unix' ? { scheme: 'unix', path: h.path } : { ...h }));
    res.auth = typeof d.auth === 'string' ? d.auth : null;
    if (!d.cluster) res.db = d.dbindex;
  }
  return res;
}

/** PHP's outcome with what we do not model dropped (per-host options of `host[…]`, sentinel). */
function comparable(p: PhpOutcome): PhpOutcome {
  if (!p.ok) return { ok: false, message: p.message };
  const hosts = p.hosts?.map((h) =>
    typeof h === 'string'
      ? h
      : h.scheme === 'unix'
        ? { scheme: 'unix', path: h.path }
        : { scheme: h.scheme, host: h.host, port: h.port },
  );
  return { ...p, hosts, ttl: p.ttl === null || p.ttl === undefined ? null : String(p.ttl) };
}

const HAND_WRITTEN = [
  'redis://localhost',
  'redis://127.0.0.1:6380',
  'redis://secret@redis.example.com:6379/2',
  'redis://user:p%40ss@h:1/0',
  'redis://:onlypass@h',
  'redis://@h',
  'rediss://h:6380?timeout=2.5',
  'redis://h/3?dbindex=3',
  'redis://h/3?dbindex=4',
  'redis://h?dbindex=5',
  'redis://h/x',
  'redis://h/',
  'redis:///var/run/redis.sock',
  'redis:///var/run/redis.sock/4',
  'redis:?host[a:1]&host[b:2]',
  'redis:?host[a]&host[/tmp/s.sock:0]',
  'redis:?host[a:1]&dbindex=2',
  'redis://h?host=x',
  'redis://h?redis_cluster=1',
  'redis://h?redis_cluster=true&redis_sentinel=m',
  'redis://h:99999',
  'redis://h:abc',
  'redis://',
  'redis:',
  'tcp://h:6379',
  'redis://h?prefix=app_sess_&ttl=3600',
  'redis://h?password=x&db=2',
  'redis://h?auth=secret',
  'redis://a@b@c',
  'redis://h:6379,h2:6379',
];

test(
  'SessionHandlerFactory agrees on hand-written DSNs',
  { skip: !HAVE_SYMFONY && 'Symfony not installed' },
  async () => {
    const php = (await runPhpJson(PHP, HAND_WRITTEN)) as PhpOutcome[];
    HAND_WRITTEN.forEach((dsn, i) => assert.deepEqual(ours(dsn), comparable(php[i]!), dsn));
    // Both outcomes occur.
    assert.ok(php.filter((p) => p.ok).length > 10 && php.filter((p) => !p.ok).length > 5);
  },
);

const PIECES = [
  'redis:',
  'rediss:',
  '//',
  '/',
  'h',
  'host.example',
  ':',
  '6379',
  '0',
  '99999',
  '@',
  'user',
  'pa%3Ass',
  '?',
  '&',
  '=',
  'dbindex',
  '3',
  'host[',
  ']',
  'redis_cluster=1',
  'redis_sentinel=m',
  'prefix',
  'ttl',
  'x',
  '#',
  '%20',
  '+',
];

test(
  'SessionHandlerFactory agrees on 2000 generated DSNs',
  { skip: !HAVE_SYMFONY && 'Symfony not installed' },
  async () => {
    const dsns = joinedPieces(PIECES.slice(2), 2000, 0x5f0d, 9).map((s, i) => (i % 3 ? 'redis:' : 'rediss:') + s);
    const php = (await runPhpJson(PHP, dsns)) as PhpOutcome[];
    let accepted = 0;
    dsns.forEach((dsn, i) => {
      if (php[i]!.ok) accepted++;
      assert.deepEqual(ours(dsn), comparable(php[i]!), dsn);
    });
    console.log(`${accepted} of ${dsns.length} generated DSNs accepted by Symfony 5.4`);
    assert.ok(accepted > 200 && accepted < 1800, `accepted: ${accepted}`);
  },
);
