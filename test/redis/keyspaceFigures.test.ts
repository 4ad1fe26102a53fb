// What the view shows of a keyspace, against a real redis-server: how many sessions (the estimate
// from the first page's SCAN coverage, the exact count, DBSIZE, the coverage's reading of real SCAN
// cursors) and the server's INFO as the Server Info editor formats it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { formatServerInfo, scanCoverage, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { admin, seedSessions } from './fixtures.ts';

const SESSIONS = 12_000;
const OTHERS = 48_000;

describe('keyspace figures', () => {
  let server: RedisServer;
  let client: Redis;
  let scanner: SessionScanner;

  before(async () => {
    server = await startRedis();
    client = admin(server);
    await seedSessions(client, SESSIONS);
    for (let start = 0; start < OTHERS; start += 4000) {
      const p = client.pipeline();
      for (let i = start; i < start + 4000; i++) p.set(`cache:${i}`, 'x');
      await p.exec();
    }
    // a few locks: not sessions
    await client.set(`PHPREDIS_SESSION:${'0'.repeat(31)}1_LOCK`, 'host|1');
    scanner = new SessionScanner(parseConnectionTarget(`tcp://127.0.0.1:${server.port}`, { env: {} }), {
      pageSize: 200,
    });
  });

  after(async () => {
    scanner?.close();
    client?.disconnect();
    await server?.stop();
  });

  test('the exact count and DBSIZE', async () => {
    assert.deepEqual(await scanner.countSessions(), { count: SESSIONS, complete: true });
    assert.equal((await scanner.countSessions({ pattern: '0000000000000000000000000000000' })).count, 16);
    assert.equal(await scanner.keyCount(), SESSIONS + OTHERS + 1);
    // a budget of 0 stops at once with a lower bound
    const cut = await scanner.countSessions({ budgetMs: -1 });
    assert.equal(cut.complete, false);
  });

  test('the first page estimates the total (seen within 6 % in runs; 30 % allowed); exact at the end', async () => {
    let page = await scanner.listPage({ pageSize: 200 });
    const first = scanner.estimateSessions(page.state);
    assert.ok(first !== undefined, 'an estimate after the first page');
    // Keys hash uniformly over Redis's buckets: the share scanned is the share of sessions found.
    assert.ok(Math.abs(first - SESSIONS) / SESSIONS < 0.3, `first estimate ${first} vs ${SESSIONS}`);
    let loaded = page.sessions.length;
    let last = first;
    while (!page.done) {
      page = await scanner.listPage({ pageSize: 2000, state: page.state });
      loaded += page.sessions.length;
      last = scanner.estimateSessions(page.state)!;
    }
    assert.equal(loaded, SESSIONS);
    assert.equal(last, SESSIONS, 'exact once the SCAN is done');
  });

  test('coverage of real cursors: from 0 to 1, rising along one SCAN', async () => {
    assert.equal(scanCoverage('0', false), 0);
    assert.equal(scanCoverage('0', true), 1);
    assert.equal(scanCoverage('not a cursor', false), 0);
    let cursor = '0';
    let previous = 0;
    let calls = 0;
    do {
      const [next] = await client.scan(cursor, 'COUNT', 1000);
      cursor = next;
      calls++;
      const c = scanCoverage(cursor, cursor === '0');
      assert.ok(c >= previous, `coverage went back: ${previous} → ${c}`);
      // about 1000 keys a call over ~60k keys: the coverage follows the number of calls
      if (cursor !== '0') assert.ok(Math.abs(c - (calls * 1000) / (SESSIONS + OTHERS)) < 0.15, `after ${calls}: ${c}`);
      previous = c;
    } while (cursor !== '0');
    assert.equal(previous, 1);
  });

  test('INFO formatted: a summary, one [Section] per INFO section with fields, aligned, no CR', async () => {
    const info = await scanner.serverInfo();
    assert.match(info[0]!.text, /\r\n/, 'Redis sends CRLF');
    const text = formatServerInfo(info, new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
    assert.doesNotMatch(text, /\r/);
    const version = info[0]!.fields.redis_version!;
    assert.match(text, new RegExp(`^; INFO of 127\\.0\\.0\\.1:${server.port}, read 2024-01-02 03:04:05 UTC$`, 'm'));
    assert.match(text, new RegExp(`^; Redis ${version.replace(/\./g, '\\.')} · standalone · up `, 'm'));
    // (a section without fields, such as an empty # Modules, is left out)
    const sections = [...info[0]!.text.matchAll(/^# (\w+)\r\n(?=\w)/gm)].map((m) => m[1]);
    assert.ok(sections.length >= 5, sections.join(', '));
    for (const s of sections) assert.match(text, new RegExp(`^\\[${s}\\]$`, 'm'));
    // every field of a section at the same column
    const serverSection = text.slice(text.indexOf('[Server]'), text.indexOf('\n\n', text.indexOf('[Server]')));
    const columns = new Set(
      serverSection
        .split('\n')
        .slice(1)
        .map((l) => l.indexOf(' = ')),
    );
    assert.equal(columns.size, 1);
    assert.match(text, new RegExp(`^redis_version +\\= ${version.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(text, /^db0 += keys=/m);
  });
});
