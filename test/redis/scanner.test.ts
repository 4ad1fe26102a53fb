// Listing and session operations against one real redis-server with 10k sessions among other keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { SessionScanner, type SessionInfo } from '../../server/src/sessions/redis/index.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { admin, allPages, assertSameIds, drain, rejection, seedSessions, sid } from './fixtures.ts';

const P = 'PHPREDIS_SESSION:';

describe('session scanner', () => {
  let server: RedisServer;
  let r: Redis;
  let ids: string[];
  let scanner: SessionScanner;
  const extra: SessionScanner[] = [];
  const make = (options = {}, input?: string): SessionScanner => {
    const s = new SessionScanner(
      parseConnectionTarget(input ?? `tcp://127.0.0.1:${server.port}`, { env: {} }),
      options,
    );
    extra.push(s);
    return s;
  };

  before(async () => {
    server = await startRedis();
    r = admin(server);
    ids = await seedSessions(r, 10_000, { value: (i) => `user|a:1:{s:2:"id";i:${i};}${'x'.repeat(i % 50)}` });
    // Noise the listing must skip: other prefixes, and a non-string key under the session prefix.
    const p = r.pipeline();
    for (let i = 0; i < 3000; i++) p.set(`cache:item:${i}`, 'v');
    p.hset(`${P}notastring`, 'a', '1');
    await p.exec();
    scanner = make();
  });
  after(async () => {
    scanner?.close();
    for (const s of extra) s.close();
    r?.disconnect();
    await server?.stop();
  });

  test('pages of 200: every session once, with its size and TTL', async () => {
    const first = await scanner.listPage();
    assert.equal(first.sessions.length, 200);
    const pages = await allPages(scanner);
    assert.ok(pages.length >= 50, `${pages.length} pages`);
    for (const page of pages.slice(0, -1)) assert.equal(page.length, 200);
    const all = pages.flat();
    assertSameIds(all, ids);
    const byId = new Map(all.map((s) => [s.id, s]));
    const s7 = byId.get(sid(7))!;
    assert.equal(s7.key, P + sid(7));
    assert.equal(s7.size, Buffer.byteLength(`user|a:1:{s:2:"id";i:7;}${'x'.repeat(7)}`));
    assert.ok(s7.ttl > 1400 && s7.ttl <= 1440, `ttl ${s7.ttl}`);
    assert.equal(s7.locked, false);
  });

  test('the full listing streams every session once', async () => {
    let batches = 0;
    const all: SessionInfo[] = [];
    for await (const batch of scanner.listAll()) {
      batches++;
      all.push(...batch);
    }
    assert.ok(batches > 1, 'streams in batches');
    assertSameIds(all, ids);
  });

  test('filter by id pattern', async () => {
    const expected = ids.filter((id) => id.startsWith('00000000000000000000000000001'));
    assert.ok(expected.length > 0);
    assertSameIds((await allPages(scanner, { pattern: '00000000000000000000000000001' })).flat(), expected);
    assertSameIds(await drain(scanner.listAll({ pattern: '00000000000000000000000000001' })), expected);
  });

  test('locks are folded into their session; a lock without TTL and a lock alone are flagged', async () => {
    await r.set(`${P}${sid(1)}_LOCK`, 'web-1|4242', 'PX', 60_000);
    await r.set(`${P}${sid(2)}_LOCK`, 'web-2|77');
    await r.set(`${P}ffffffffffffffffffffffffffffffff_LOCK`, 'web-3|9', 'PX', 30_000);
    try {
      for (const listing of [(await allPages(scanner)).flat(), await drain(scanner.listAll())]) {
        assert.equal(listing.length, ids.length + 1, 'lock keys are not listed as sessions');
        const byId = new Map(listing.map((s) => [s.id, s]));
        const one = byId.get(sid(1))!;
        assert.equal(one.locked, true);
        assert.equal(one.lock?.owner, 'web-1|4242');
        assert.equal(one.lock?.noExpiry, false);
        assert.ok(one.lock!.ttlMs > 50_000);
        const two = byId.get(sid(2))!;
        assert.equal(two.lock?.noExpiry, true);
        assert.equal(two.lock?.ttlMs, -1);
        const alone = byId.get('ffffffffffffffffffffffffffffffff')!;
        assert.equal(alone.lockOnly, true);
        assert.equal(alone.lock?.owner, 'web-3|9');
        assert.equal(byId.get(sid(3))!.locked, false);
      }
      const info = await scanner.getSessionInfo(sid(2));
      assert.equal(info?.lock?.noExpiry, true);
      // Release: refused when the owner changed, done when it matches.
      assert.equal(await scanner.releaseLock(sid(2), 'web-2|78'), false);
      assert.equal(await scanner.releaseLock(sid(2), 'web-2|77'), true);
      assert.equal(await r.exists(`${P}${sid(2)}_LOCK`), 0);
      assert.equal(await scanner.releaseLock(sid(1)), true);
    } finally {
      await r.del(`${P}${sid(1)}_LOCK`, `${P}${sid(2)}_LOCK`, `${P}ffffffffffffffffffffffffffffffff_LOCK`);
    }
  });

  test('get (raw bytes), set TTL, delete', async () => {
    const bytes = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xff, 0x80, 0x0a]);
    await r.setex(`${P}binary0000000000000000000000000`, 600, bytes);
    const got = await scanner.getSession('binary0000000000000000000000000');
    assert.ok(got && got.equals(bytes));
    assert.equal(await scanner.getSession('nosuchsession000000000000000000'), null);
    const many = await scanner.getSessions([
      sid(1),
      'nosuchsession000000000000000000',
      'binary0000000000000000000000000',
    ]);
    assert.equal(many[0]?.toString(), `user|a:1:{s:2:"id";i:1;}x`);
    assert.equal(many[1], null);
    assert.ok(many[2]?.equals(bytes));

    assert.equal(await scanner.setTtl('binary0000000000000000000000000', 42), true);
    assert.ok((await r.ttl(`${P}binary0000000000000000000000000`)) <= 42);
    assert.equal(await scanner.setTtl('binary0000000000000000000000000', null), true);
    assert.equal(await r.ttl(`${P}binary0000000000000000000000000`), -1);
    assert.equal(await scanner.setTtl('nosuchsession000000000000000000', 10), false);
    await assert.rejects(scanner.setTtl('binary0000000000000000000000000', 0), /TTL must be/);

    assert.equal(await scanner.deleteSession('binary0000000000000000000000000'), true);
    assert.equal(await scanner.deleteSession('binary0000000000000000000000000'), false);
    assert.equal(await r.exists(`${P}binary0000000000000000000000000`), 0);
  });

  test('find sessions containing text: raw bytes, progress, cancel', async () => {
    let progress = 0;
    const found = await scanner.findSessionsContaining('i:4242;', { onProgress: () => progress++ });
    assert.deepEqual(
      found.map((m) => m.id),
      [sid(4242)],
    );
    assert.ok(progress > 0);
    await r.setex(`${P}binneedle000000000000000000000`, 600, Buffer.from([1, 2, 0xfe, 0xfd, 3]));
    try {
      assert.deepEqual(
        (await scanner.findSessionsContaining(Buffer.from([0xfe, 0xfd]))).map((m) => m.id),
        ['binneedle000000000000000000000'],
      );
    } finally {
      await r.del(`${P}binneedle000000000000000000000`);
    }
    assert.equal((await scanner.findSessionsContaining('xxxxxxxxxx', { limit: 3 })).length, 3);
    const controller = new AbortController();
    const pending = scanner.findSessionsContaining('user|', {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    const err = await rejection(pending);
    assert.equal(err.code, 'ABORTED');
  });

  test('read-only connections refuse every write', async () => {
    const ro = make({ readOnly: true });
    for (const write of [
      () => ro.deleteSession(sid(5)),
      () => ro.setTtl(sid(5), 10),
      () => ro.releaseLock(sid(5)),
      () => ro.deleteAllSessions(),
    ]) {
      const err = await rejection(write());
      assert.equal(err.code, 'READ_ONLY');
    }
    assert.equal(await r.exists(P + sid(5)), 1);
  });

  test('delete all sessions of one prefix: SCAN + UNLINK, nothing else touched', async () => {
    const other = await seedSessions(r, 1500, { prefix: 'OTHER_APP:' });
    const s = make({}, `tcp://127.0.0.1:${server.port}?prefix=OTHER_APP:`);
    assert.equal((await drain(s.listAll())).length, other.length);
    let last = 0;
    assert.equal(await s.deleteAllSessions({ onProgress: (n) => (last = n) }), 1500);
    assert.equal(last, 1500);
    assert.equal((await drain(s.listAll())).length, 0);
    assert.equal(await r.exists(P + sid(9)), 1);
    assert.equal(await r.exists('cache:item:1'), 1);
    await assert.rejects(make({}, `tcp://127.0.0.1:${server.port}?prefix=`).deleteAllSessions(), /prefix is empty/);
  });

  test('server info; and the whole suite never sent KEYS nor FLUSHDB', async () => {
    const [node] = await scanner.serverInfo();
    assert.equal(node.node, `127.0.0.1:${server.port}`);
    assert.match(node.fields.redis_version, /^\d+\./);
    assert.match(node.text, /# Keyspace/);
    const stats = await r.info('commandstats');
    assert.doesNotMatch(stats, /cmdstat_(keys|flushdb|flushall):/);
    assert.match(stats, /cmdstat_scan:/);
  });
});
