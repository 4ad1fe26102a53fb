// Faults: the server killed mid-listing and restarted, an unresponsive server (CLIENT PAUSE), a
// server that accepts and never answers. Errors are clear, bounded, secret-free, never unhandled.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { RedisSessionError, testConnection, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { freePort, startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { admin, assertNoSecret, assertSameIds, drain, rejection, seedSessions } from './fixtures.ts';

const PW = 'fault-Secret-pw-7';
const target = (port: number) => parseConnectionTarget(`tcp://127.0.0.1:${port}?auth=${PW}`, { env: {} });

describe('faults', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  before(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  test('server killed mid-listing, then restarted: a clear error, then the next listing works', async (t) => {
    let server: RedisServer = await startRedis({ args: ['--requirepass', PW] });
    const port = server.port;
    const scanner = new SessionScanner(target(port), {
      connectTimeoutMs: 1000,
      commandTimeoutMs: 2000,
      scanCount: 500,
    });
    t.after(async () => {
      scanner.close();
      await server.stop();
    });
    const r = admin(server, PW);
    await seedSessions(r, 5000);
    r.disconnect();

    // Paged: the first page, then the server dies.
    const first = await scanner.listPage();
    assert.equal(first.sessions.length, 200);
    await server.stop();
    const err = await rejection(scanner.listPage({ state: first.state }));
    assert.ok(err instanceof RedisSessionError);
    assert.match(err.message, /Connection lost|ECONNREFUSED/);
    assertNoSecret(err, [PW]);

    // Restarted on the same port (empty: no persistence): the same scanner reconnects.
    server = await startRedis({ port, args: ['--requirepass', PW] });
    const r2 = admin(server, PW);
    const ids = await seedSessions(r2, 3000, { salt: 9 });
    assertSameIds(await drain(scanner.listAll()), ids);

    // Streaming: the server dies while batches are in flight; the iterator throws, nothing leaks.
    let seen = 0;
    const streaming = (async () => {
      for await (const batch of scanner.listAll()) {
        seen += batch.length;
        if (seen > 0 && server.process.exitCode === null) await server.stop();
      }
    })();
    const streamErr = await rejection(streaming);
    assert.ok(streamErr instanceof RedisSessionError, String(streamErr));
    assert.match(streamErr.message, /Connection lost|ECONNREFUSED/);
    r2.disconnect();

    server = await startRedis({ port, args: ['--requirepass', PW] });
    const again = await scanner.listPage();
    assert.deepEqual(again.sessions, []);
    assert.equal(again.done, true);
  });

  test('unresponsive server (CLIENT PAUSE): command timeout within its bound', async (t) => {
    const server = await startRedis({ args: ['--requirepass', PW] });
    const scanner = new SessionScanner(target(server.port), { connectTimeoutMs: 1000, commandTimeoutMs: 300 });
    const r = admin(server, PW);
    t.after(async () => {
      scanner.close();
      r.disconnect();
      await server.stop();
    });
    await seedSessions(r, 100);
    await scanner.listPage();
    await r.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const t0 = Date.now();
    const err = await rejection(scanner.listPage());
    const elapsed = Date.now() - t0;
    assert.equal(err.code, 'COMMAND_TIMEOUT');
    assert.match(err.message, /^Command timed out: no reply within 300 ms/);
    // The 300 ms bound, not ioredis's defaults (margin for a loaded CI machine).
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
    // A fresh connection during the pause fails the same way (its PING times out).
    const fresh = await testConnection(target(server.port), { connectTimeoutMs: 1000, commandTimeoutMs: 300 });
    assert.ok(!fresh.ok && fresh.code === 'COMMAND_TIMEOUT', JSON.stringify(fresh));
    assertNoSecret(err, [PW]);
    assertNoSecret(fresh, [PW]);
  });

  test('a listener that never answers: the open fails within its bound', async (t) => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => sockets.add(s));
    const port = await freePort();
    await new Promise<void>((r) => silent.listen(port, '127.0.0.1', r));
    t.after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    });
    const t0 = Date.now();
    const r = await testConnection(target(port), { connectTimeoutMs: 500, commandTimeoutMs: 400 });
    const elapsed = Date.now() - t0;
    assert.ok(!r.ok && r.code === 'COMMAND_TIMEOUT', JSON.stringify(r));
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
    assertNoSecret(r, [PW]);
  });
});
