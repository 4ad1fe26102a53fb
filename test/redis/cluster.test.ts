// A 3-master Redis Cluster with a password: sessions spread over the masters are listed once each
// (pages and the full listing), and single-session operations are routed to the right node.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Cluster } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { testConnection, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { startCluster, type RedisCluster } from '../helpers/redisCluster.ts';
import { freePort } from '../helpers/redisServer.ts';
import {
  admin,
  allPages,
  assertNoSecret,
  assertSameIds,
  drain,
  rejection,
  seedClusterSessions,
  sid,
} from './fixtures.ts';

const PW = 'cluster-Secret-pw-5';
const P = 'PHPREDIS_CLUSTER_SESSION:';

describe('redis cluster', () => {
  let cluster: RedisCluster;
  let client: Cluster;
  let ids: string[];
  let scanner: SessionScanner;
  let savePath: string;

  before(async () => {
    cluster = await startCluster({ password: PW });
    client = new Cluster(
      cluster.addresses.map((a) => ({ host: '127.0.0.1', port: Number(a.split(':')[1]) })),
      {
        redisOptions: { password: PW },
      },
    );
    ids = await seedClusterSessions(client, 2000, P);
    await client.set(`${P}${sid(3)}_LOCK`, 'stray|1');
    // One seed is enough: the others are discovered.
    savePath = `seed[]=${cluster.addresses[1]}&auth=${PW}&timeout=2`;
    scanner = new SessionScanner(parseConnectionTarget(savePath, { env: {} }));
  });
  after(async () => {
    scanner?.close();
    client?.disconnect();
    await cluster?.stop();
  });

  test('sessions are spread over the 3 masters', async () => {
    for (const node of cluster.nodes) {
      const r = admin(node, PW);
      assert.ok((await r.dbsize()) > 300, `node ${node.port} holds a share`);
      r.disconnect();
    }
  });

  test('test connection counts the sessions of every master', async () => {
    const r = await testConnection(parseConnectionTarget(savePath, { env: {} }));
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.mode, 'cluster');
    assert.equal(r.sessionCount, 2000);
  });

  test('pages and the full listing: every session once, with the node that holds it', async () => {
    const pages = await allPages(scanner, { pageSize: 200 });
    const paged = pages.flat();
    assertSameIds(paged, ids);
    assert.deepEqual(new Set(paged.map((s) => s.node)), new Set(cluster.addresses));
    for (const page of pages.slice(0, -1)) assert.equal(page.length, 200);
    assertSameIds(await drain(scanner.listAll()), ids);
    const probe = paged.find((s) => s.id === sid(42))!;
    assert.equal(probe.size, Buffer.byteLength('v|i:42;'));
    assert.ok(probe.ttl > 0);
  });

  test('routed operations: get, TTL, search, delete, release lock', async () => {
    assert.equal((await scanner.getSession(sid(7)))?.toString(), 'v|i:7;');
    assert.deepEqual(
      (await scanner.getSessions([sid(1), sid(2), 'missing'])).map((b) => b?.toString() ?? null),
      ['v|i:1;', 'v|i:2;', null],
    );
    assert.equal(await scanner.setTtl(sid(7), 99), true);
    assert.ok((await client.ttl(P + sid(7))) <= 99);
    assert.deepEqual(
      (await scanner.findSessionsContaining('v|i:1234;')).map((m) => m.id),
      [sid(1234)],
    );
    assert.equal(await scanner.releaseLock(sid(3), 'stray|1'), true);
    assert.equal(await scanner.deleteSession(sid(8)), true);
    assert.equal(await client.exists(P + sid(8)), 0);
  });

  test('delete all sessions on every master', async () => {
    assert.equal(await scanner.deleteAllSessions(), 1999);
    assert.equal((await drain(scanner.listAll())).length, 0);
  });

  test('a seed where nothing listens: ECONNREFUSED, not ioredis\'s "None of startup nodes"', async () => {
    const port = await freePort();
    const r = await testConnection(parseConnectionTarget(`seed[]=127.0.0.1:${port}&auth=${PW}`, { env: {} }));
    assert.ok(!r.ok && r.code === 'ECONNREFUSED', JSON.stringify(r));
    assertNoSecret(r, [PW]);
  });

  test('wrong password on a cluster: WRONGPASS, no secret', async () => {
    const bad = new SessionScanner(
      parseConnectionTarget(`seed[]=${cluster.addresses[0]}&auth=not-${PW}`, { env: {} }),
      {
        connectTimeoutMs: 1000,
        commandTimeoutMs: 1000,
      },
    );
    try {
      const err = await rejection(bad.listPage());
      assert.match(err.message, /WRONGPASS/);
      assertNoSecret(err, [PW]);
    } finally {
      bad.close();
    }
  });
});
