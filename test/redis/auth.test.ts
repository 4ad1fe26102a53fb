// Authentication and topologies against one real redis-server: requirepass, an ACL user, a database
// other than 0, a unix socket; and the failures (wrong password, no password, nothing listening).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { testConnection, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { freePort, startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { admin, allPages, assertNoSecret, assertSameIds, drain, rejection, seedSessions } from './fixtures.ts';

const ADMIN_PW = 'adm-Pw+/x#1-secret';
const ACL_PW = 'acl-Pw secret 2';
const WRONG_PW = 'not-the-Password-3';
const SECRETS = [ADMIN_PW, ACL_PW, WRONG_PW, encodeURIComponent(ADMIN_PW), encodeURIComponent(ACL_PW)];
const enc = encodeURIComponent;
const noEnv = { env: {} };

describe('auth, databases and sockets', () => {
  let server: RedisServer;
  let socketDir: string;
  let socket: string;
  let db0: Redis;
  let ids0: string[];
  let ids3: string[];
  const scanners: SessionScanner[] = [];
  const scanner = (input: string, overrides = {}): SessionScanner => {
    const s = new SessionScanner(parseConnectionTarget(input, { ...noEnv, ...overrides }), {
      connectTimeoutMs: 2000,
      commandTimeoutMs: 2000,
    });
    scanners.push(s);
    return s;
  };

  before(async () => {
    socketDir = mkdtempSync(join(tmpdir(), 'prs-sock-'));
    socket = join(socketDir, 'redis.sock');
    server = await startRedis({ args: ['--requirepass', ADMIN_PW, '--unixsocket', socket, '--unixsocketperm', '700'] });
    db0 = admin(server, ADMIN_PW);
    // A user that may touch session keys only, and may not run scripts (the listing falls back).
    await db0.call(
      'ACL',
      'SETUSER',
      'sessions',
      'on',
      `>${ACL_PW}`,
      'resetkeys',
      '~PHPREDIS_SESSION:*',
      '-@all',
      '+@read',
      '+@write',
      '+@keyspace',
      '+ping',
      '+info',
      '+select',
      '+client|setname',
    );
    ids0 = await seedSessions(db0, 500);
    const db3 = admin(server, ADMIN_PW, 3);
    ids3 = await seedSessions(db3, 300, { salt: 3 });
    db3.disconnect();
  });
  after(async () => {
    for (const s of scanners) s.close();
    db0?.disconnect();
    await server?.stop();
    rmSync(socketDir, { recursive: true, force: true });
  });

  test('requirepass: auth= in a save_path; test connection reports version and count', async () => {
    const r = await testConnection(
      parseConnectionTarget(`tcp://127.0.0.1:${server.port}?auth=${enc(ADMIN_PW)}`, noEnv),
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.redisVersion, /^\d+\.\d+\.\d+$/);
    assert.equal(r.sessionCount, 500);
    assert.equal(r.sessionCountComplete, true);
    assert.equal(r.mode, 'standalone');
    assert.ok(r.latencyMs >= 0 && r.latencyMs < 1000);
    assert.ok(!r.label.includes(ADMIN_PW));
  });

  test('requirepass: password from a redis:// URL and from REDIS_PASSWORD', async () => {
    assertSameIds(await drain(scanner(`redis://:${enc(ADMIN_PW)}@127.0.0.1:${server.port}`).listAll()), ids0);
    const fromEnv = new SessionScanner(
      parseConnectionTarget(`redis://127.0.0.1:${server.port}`, { env: { REDIS_PASSWORD: ADMIN_PW } }),
    );
    scanners.push(fromEnv);
    assert.equal((await fromEnv.listPage({ pageSize: 10 })).sessions.length, 10);
  });

  test('ACL user (auth[]=user&auth[]=pass) without scripting: pages and the full listing still work', async () => {
    for (const input of [
      `tcp://127.0.0.1:${server.port}?auth[]=sessions&auth[]=${enc(ACL_PW)}`,
      `tcp://127.0.0.1:${server.port}?auth[user]=sessions&auth[pass]=${enc(ACL_PW)}`,
      `redis://sessions:${enc(ACL_PW)}@127.0.0.1:${server.port}`,
    ]) {
      const s = scanner(input);
      assertSameIds((await allPages(s, { pageSize: 200 })).flat(), ids0);
      assertSameIds(await drain(s.listAll()), ids0);
    }
    // The stats script was refused (NOPERM) and the pipeline took over.
    assert.match(await db0.info('commandstats'), /cmdstat_evalsha:.*rejected_calls=[1-9]/);
  });

  test('a URL user unknown to the server falls back to the default user (Scalingo URLs)', async () => {
    const s = scanner(`redis://my-app-3030:${enc(ADMIN_PW)}@127.0.0.1:${server.port}`);
    assert.equal((await s.listPage({ pageSize: 5 })).sessions.length, 5);
  });

  test('database 3 lists only its own sessions', async () => {
    const s = scanner(`tcp://127.0.0.1:${server.port}?auth=${enc(ADMIN_PW)}&database=3`);
    assertSameIds((await allPages(s)).flat(), ids3);
    assertSameIds(await drain(s.listAll()), ids3);
    const url = scanner(`redis://:${enc(ADMIN_PW)}@127.0.0.1:${server.port}/3`);
    assertSameIds(await drain(url.listAll()), ids3);
  });

  test('a database out of range fails with Redis words instead of silently using db 0', async () => {
    const err = await rejection(scanner(`tcp://127.0.0.1:${server.port}?auth=${enc(ADMIN_PW)}&database=99`).listPage());
    assert.match(err.message, /DB index is out of range/);
  });

  test('unix socket: unix:///path and a bare /path', async () => {
    assertSameIds(await drain(scanner(`unix://${socket}?auth=${enc(ADMIN_PW)}`).listAll()), ids0);
    assertSameIds(await drain(scanner(`${socket}?auth=${enc(ADMIN_PW)}&database=3`).listAll()), ids3);
  });

  test('wrong password: WRONGPASS in Redis words, no secret in the message', async () => {
    const target = parseConnectionTarget(`tcp://127.0.0.1:${server.port}?auth=${enc(WRONG_PW)}`, noEnv);
    const r = await testConnection(target);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.code === 'WRONGPASS');
    assert.match(!r.ok ? r.error : '', /^WRONGPASS invalid username-password pair/);
    assertNoSecret(r, SECRETS);
    const err = await rejection(scanner(`redis://sessions:${enc(WRONG_PW)}@127.0.0.1:${server.port}`).listPage());
    assert.equal(err.code, 'WRONGPASS');
    assertNoSecret(err, SECRETS);
  });

  test('no password: NOAUTH', async () => {
    const r = await testConnection(parseConnectionTarget(`tcp://127.0.0.1:${server.port}`, noEnv));
    assert.ok(!r.ok && r.code === 'NOAUTH', JSON.stringify(r));
    assert.match(!r.ok ? r.error : '', /NOAUTH Authentication required/);
  });

  test('nothing listening: ECONNREFUSED at once', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await testConnection(parseConnectionTarget(`tcp://127.0.0.1:${port}?auth=${enc(ADMIN_PW)}`, noEnv));
    assert.ok(!r.ok && r.code === 'ECONNREFUSED', JSON.stringify(r));
    assert.match(!r.ok ? r.error : '', new RegExp(`connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    // Refused, not timed out: well before the 5 s connect bound.
    assert.ok(Date.now() - t0 < 4000, 'fails fast');
    assertNoSecret(r, SECRETS);
  });
});
