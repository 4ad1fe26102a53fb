// Listing under load: 4 real PHP processes create and destroy sessions through phpredis
// (session.save_handler=redis, with session locking, so _LOCK keys come and go) while the scanner
// lists again and again, paged and streamed. Each listing: no crash, no session listed twice, every
// session that existed during the whole listing is in it (the stable ones seeded before, and the
// writers' sessions created before the listing began and not destroyed before it ended).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { SessionScanner, type SessionInfo } from '../../server/src/sessions/redis/index.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { admin, seedSessions } from './fixtures.ts';

const WRITERS = 4;
const WRITE_SECONDS = Number(process.env.LOAD_SECONDS ?? 8);
const STABLE = 20_000;

function phpWithRedis(): boolean {
  const r = spawnSync('php', ['-r', 'echo extension_loaded("redis") ? "ok" : "no";'], { encoding: 'utf8' });
  return r.stdout === 'ok';
}

// One writer: creates sessions (ids prefixed by its tag) and destroys random earlier ones, logging
// "C|D id t0 t1" (microtime before and after) for each. Stops at the deadline.
const WRITER_PHP = String.raw`<?php
$deadline = microtime(true) + (float)$argv[1];
$tag = $argv[2];
$live = [];
$i = 0;
mt_srand(crc32($tag));
while (microtime(true) < $deadline) {
    $id = $tag . sprintf('%024x', $i++);
    $t0 = microtime(true);
    session_id($id);
    if (!session_start()) { fwrite(STDERR, "session_start failed\n"); exit(3); }
    $_SESSION['n'] = $i;
    $_SESSION['user'] = ['id' => $i, 'name' => "w$tag"];
    $_SESSION['pad'] = str_repeat('x', mt_rand(0, 600));
    session_write_close();
    printf("C %s %.6f %.6f\n", $id, $t0, microtime(true));
    $live[] = $id;
    if (count($live) > 20 && mt_rand(0, 2) > 0) {
        $k = array_rand($live);
        $old = $live[$k];
        array_splice($live, $k, 1);
        $t0 = microtime(true);
        session_id($old);
        session_start();
        session_destroy();
        printf("D %s %.6f %.6f\n", $old, $t0, microtime(true));
    }
}
`;

interface Life {
  createdAt: number;
  destroyStart?: number;
}

interface Listing {
  kind: 'paged' | 'stream';
  start: number;
  end: number;
  ids: string[];
}

describe(
  'listing under load: 4 PHP writers through phpredis',
  { skip: !phpWithRedis() && 'php with the redis extension is not installed' },
  () => {
    let server: RedisServer;
    let r: Redis;
    let dir: string;
    let stable: string[];
    const writers: ChildProcess[] = [];
    const logs: string[] = Array.from({ length: WRITERS }, () => '');

    before(async () => {
      server = await startRedis();
      r = admin(server);
      stable = await seedSessions(r, STABLE, { salt: 0xabc, value: (i) => `user|a:1:{s:2:"id";i:${i};}` });
      dir = mkdtempSync(join(tmpdir(), 'prs-load-'));
      writeFileSync(join(dir, 'writer.php'), WRITER_PHP);
    });
    after(async () => {
      for (const w of writers) if (w.exitCode === null) w.kill('SIGKILL');
      r?.disconnect();
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test(
      'no crash, no duplicate, every session alive throughout each listing is listed',
      { timeout: 120_000 },
      async () => {
        const ini = [
          'session.save_handler=redis',
          // Quoted: an unquoted "=" in an ini value is a syntax error (the linter's ini-syntax rule).
          `session.save_path="tcp://127.0.0.1:${server.port}?timeout=2"`,
          'session.use_cookies=0',
          'session.use_strict_mode=0',
          // CLI output precedes session_start(): no cache-limiter headers to send.
          'session.cache_limiter=',
          'session.gc_probability=0',
          'redis.session.locking_enabled=1',
          'redis.session.lock_expire=5',
          'redis.session.lock_wait_time=2000',
        ].flatMap((l) => ['-d', l]);
        const exits: Promise<number | null>[] = [];
        for (let w = 0; w < WRITERS; w++) {
          const child = spawn(
            'php',
            [...ini, join(dir, 'writer.php'), String(WRITE_SECONDS), `w${w}ld`.padEnd(8, '0')],
            { stdio: ['ignore', 'pipe', 'pipe'] },
          );
          writers.push(child);
          let err = '';
          child.stdout!.on('data', (d: Buffer) => (logs[w] += d.toString()));
          child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
          exits.push(
            new Promise((resolve) =>
              child.on('close', (code) => {
                if (code !== 0) console.error(`writer ${w} exited ${code}: ${err}`);
                resolve(code);
              }),
            ),
          );
        }

        // List over and over while they write: a small SCAN COUNT, so each listing spans many writes.
        const target = parseConnectionTarget(`tcp://127.0.0.1:${server.port}`, { env: {} });
        const scanner = new SessionScanner(target, { readOnly: true, scanCount: 500, pageSize: 200 });
        const listings: Listing[] = [];
        const deadline = Date.now() + WRITE_SECONDS * 1000 - 500;
        try {
          while (Date.now() < deadline) {
            for (const kind of ['paged', 'stream'] as const) {
              const start = Date.now() / 1000;
              const rows: SessionInfo[] = [];
              if (kind === 'stream') {
                for await (const batch of scanner.listAll()) rows.push(...batch);
              } else {
                let page = await scanner.listPage();
                rows.push(...page.sessions);
                while (!page.done) {
                  page = await scanner.listPage({ state: page.state });
                  rows.push(...page.sessions);
                }
              }
              listings.push({ kind, start, end: Date.now() / 1000, ids: rows.map((s) => s.id) });
            }
          }
        } finally {
          scanner.close();
        }
        const codes = await Promise.all(exits);
        assert.deepEqual(codes, Array(WRITERS).fill(0), 'every writer ran to its end');

        // What the writers did, and when.
        const lives = new Map<string, Life>();
        let created = 0;
        let destroyed = 0;
        for (const log of logs) {
          for (const line of log.split('\n')) {
            const [op, id, , t1] = line.split(' ');
            if (op === 'C') {
              created++;
              lives.set(id!, { createdAt: Number(t1) });
            } else if (op === 'D') {
              destroyed++;
              lives.get(id!)!.destroyStart = Number(line.split(' ')[2]);
            }
          }
        }
        assert.ok(
          created > 500 && destroyed > 100,
          `writers did too little: ${created} created, ${destroyed} destroyed`,
        );
        assert.ok(listings.length >= 2, `only ${listings.length} listings`);

        // A small margin for the two processes' clocks (the same wall clock, read at different moments).
        const MARGIN = 0.05;
        const stableSet = new Set(stable);
        for (const l of listings) {
          const seen = new Set(l.ids);
          assert.equal(seen.size, l.ids.length, `a ${l.kind} listing has ${l.ids.length - seen.size} duplicate rows`);
          const missingStable = stable.filter((id) => !seen.has(id));
          assert.deepEqual(
            missingStable.slice(0, 5),
            [],
            `a ${l.kind} listing misses ${missingStable.length} stable sessions`,
          );
          const missing: string[] = [];
          for (const [id, life] of lives) {
            const before = life.createdAt < l.start - MARGIN;
            const kept = life.destroyStart === undefined || life.destroyStart > l.end + MARGIN;
            if (before && kept && !seen.has(id)) missing.push(id);
          }
          assert.deepEqual(
            missing.slice(0, 5),
            [],
            `a ${l.kind} listing (${(l.end - l.start).toFixed(2)} s) misses ${missing.length} sessions that existed throughout it`,
          );
          for (const id of l.ids) assert.ok(stableSet.has(id) || lives.has(id), `listed an id nobody wrote: ${id}`);
        }
        console.log(
          `[load] ${WRITERS} PHP writers: ${created} sessions created, ${destroyed} destroyed in ${WRITE_SECONDS} s; ` +
            `${listings.length} listings (${listings.filter((l) => l.kind === 'paged').length} paged) of ${Math.min(...listings.map((l) => l.ids.length))}–${Math.max(...listings.map((l) => l.ids.length))} sessions, ` +
            `${Math.min(...listings.map((l) => l.end - l.start)).toFixed(2)}–${Math.max(...listings.map((l) => l.end - l.start)).toFixed(2)} s each`,
        );
      },
    );
  },
);
