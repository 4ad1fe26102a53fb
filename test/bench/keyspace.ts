// The Redis keyspace every Redis benchmark runs on, filled once per `npm run bench`: 1,000,000 keys
// in database 0, 100,000 of them sessions that PHP encoded (the `php` serialize_handler's format:
// logins, carts, flash bags, tokens), the rest 64-byte noise keys; database 1 the same, with the
// sessions spread over the five serializers and phpredis's four envelopes (none, lzf, zstd, lz4),
// all written by PHP + phpredis. `BENCH_KEYS` / `BENCH_SESSIONS` change the sizes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';

export const PREFIX = 'PHPREDIS_SESSION:';
export const TOTAL = Number(process.env.BENCH_KEYS ?? 1_000_000);
export const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000);

export interface Keyspace {
  server: RedisServer;
  /** The address a CLI user would give, for database `db`. */
  url(db?: number): string;
  /** A session id of the keyspace, and the --where that finds exactly it. */
  needle: { id: string; where: string; text: string };
}

/** A 32-hex-char session id, as PHP's default generator makes them. */
export const sid = (i: number): string => i.toString(16).padStart(32, '0');

// No `${` below: a JS template literal. Writes sessions [from, to) into database $db with phpredis,
// encoded by PHP's own session module (session_encode() with the serializer's handler); mixed:
// serializer i % 5, envelope i % 4 (phpredis OPT_COMPRESSION).
const FILL_PHP = String.raw`<?php
[, $port, $db, $from, $to, $mixed] = $argv;
$mixed = (int)$mixed === 1;
final class NoStore implements SessionHandlerInterface {
    public function open($p, $n): bool { return true; }
    public function close(): bool { return true; }
    public function read($id): string { return ''; }
    public function write($id, $data): bool { return true; }
    public function destroy($id): bool { return true; }
    public function gc($max): int|false { return 0; }
}
session_set_save_handler(new NoStore(), false);
ini_set('session.use_cookies', '0');
ini_set('session.use_strict_mode', '0');
ini_set('session.cache_limiter', '');
$codecs = [Redis::COMPRESSION_NONE, Redis::COMPRESSION_LZF, Redis::COMPRESSION_ZSTD, Redis::COMPRESSION_LZ4];
$clients = [];
foreach ($codecs as $c) {
    $r = new Redis();
    $r->connect('127.0.0.1', (int)$port);
    $r->select((int)$db);
    $r->setOption(Redis::OPT_COMPRESSION, $c);
    $clients[] = $r;
}
$names = ["Zo\u{eb}", "Jos\u{e9}", "\u{dc}nal", "\u{674e}\u{96f7}", 'Ana', 'Bob', "Chlo\u{e9}", 'Dmitri'];
$sers = $mixed ? ['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack'] : ['php'];
foreach ($sers as $si => $ser) {
    ini_set('session.serialize_handler', $ser);
    session_id("bench$si");
    session_start();
    $step = count($sers);
    $first = (int)$from + (($si - (int)$from) % $step + $step) % $step;
    $pipes = null;
    $n = 0;
    for ($i = $first; $i < (int)$to; $i += $step) {
        mt_srand($i);
        $cart = [];
        for ($k = 0, $m = $i % 6; $k < $m; $k++)
            $cart[] = ['sku' => sprintf('SKU-%05d', ($i * 7 + $k) % 99999), 'qty' => 1 + $k % 3, 'price' => round(9.99 + $k * 3.5, 2)];
        $_SESSION = [
            '_token' => sprintf('%040x', mt_rand()),
            'user' => ['id' => $i, 'name' => $names[$i % 8], 'email' => "user$i@example.com", 'roles' => $i % 10 ? ['ROLE_USER'] : ['ROLE_USER', 'ROLE_ADMIN']],
            'cart' => $cart,
            'flash' => ['old' => [], 'new' => $i % 4 ? [] : ['status' => 'Your order has been placed.']],
            'last_activity' => 1700000000 + $i,
            'history' => array_map(fn ($k) => '/p/' . (($i * 31 + $k) % 9973), range(0, $i % 12)),
        ];
        $pipes ??= array_map(fn ($r) => $r->multi(Redis::PIPELINE), $clients);
        $pipes[$mixed ? $i % 4 : 0]->setex('PHPREDIS_SESSION:' . sprintf('%032x', $i), 86400, session_encode());
        if (++$n % 1000 === 0) { foreach ($pipes as $p) $p->exec(); $pipes = null; }
    }
    if ($pipes) foreach ($pipes as $p) $p->exec();
    session_abort();
}
`;

/** Writes sessions [from, to) into `db` with PHP (run several at once: PHP is single-threaded). */
export async function fillSessions(port: number, db: number, from: number, to: number, mixed: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'prs-bench-fill-'));
  try {
    writeFileSync(join(dir, 'fill.php'), FILL_PHP);
    const args = [join(dir, 'fill.php'), String(port), String(db), String(from), String(to), mixed ? '1' : '0'];
    await new Promise<void>((resolve, reject) => {
      const child = spawn('php', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`filling sessions with PHP failed (${code}): ${out}`)),
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` 64-byte noise keys in `db` (one server-side command). */
export async function fillNoise(port: number, db: number, count: number): Promise<void> {
  const r = new Redis({ port, db });
  try {
    await r.call('DEBUG', 'POPULATE', String(count), 'cache:item', '64');
  } finally {
    r.disconnect();
  }
}

let shared: Promise<Keyspace> | undefined;

/** The benchmarks' keyspace (started and filled on first call, stopped when the process exits). */
export function benchKeyspace(): Promise<Keyspace> {
  shared ??= (async () => {
    const server = await startRedis({ args: ['--enable-debug-command', 'yes', '--maxmemory', '0'] });
    const t0 = performance.now();
    for (const db of [0, 1]) await fillNoise(server.port, db, TOTAL - SESSIONS);
    await Promise.all([0, 1].map((db) => fillSessions(server.port, db, 0, SESSIONS, db === 1)));
    const r = new Redis({ port: server.port });
    for (const db of [0, 1]) {
      await r.select(db);
      const size = await r.dbsize();
      if (size !== TOTAL) throw new Error(`expected ${TOTAL} keys in db ${db}, found ${size}`);
    }
    await r.config('RESETSTAT');
    r.disconnect();
    console.error(
      `[bench] keyspace: 2 × ${TOTAL} keys (${SESSIONS} sessions each) filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const i = Math.floor(SESSIONS * 0.4242);
    return {
      server,
      url: (db = 0) => `tcp://127.0.0.1:${server.port}?database=${db}`,
      needle: { id: sid(i), where: `user.id=${i}`, text: `user.email~user${i}@` },
    };
  })();
  return shared;
}

/** The CPU time (user + system, ms) the Redis server on `port` has used so far (INFO cpu). */
export async function serverCpuMs(port: number): Promise<number> {
  const r = new Redis({ port });
  try {
    let sum = 0;
    for (const m of (await r.info('cpu')).matchAll(/^used_cpu_(?:user|sys):([\d.]+)/gm)) sum += Number(m[1]);
    return sum * 1000;
  } finally {
    r.disconnect();
  }
}

/** Stops the keyspace's server (the benchmarks are done with it). */
export async function stopKeyspace(): Promise<void> {
  const ks = shared;
  shared = undefined;
  if (ks) await (await ks).server.stop();
}
