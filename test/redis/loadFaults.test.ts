// Faults, the part faults.test.ts and tls.test.ts leave out: for each fault, a clear error within a
// bounded time AND recovery of the same scanner on the next refresh once the fault is gone (the
// tree view keeps its SessionScanner; Refresh/Retry call it again).
//  - server paused (CLIENT PAUSE) and server busy (DEBUG SLEEP): command timeout, then recovery;
//  - connection cut (CLIENT KILL) in the middle of a paged listing: recovery;
//  - password rotated on the server (restart with another requirepass): WRONGPASS, then restored: recovery;
//  - TLS mismatch (a plain server behind tls://): TLS error, then a TLS server on that port: recovery;
//  - nothing answering (a silent listener): timeout, then a real server on that port: recovery.
// Errors are RedisSessionError with a code, never an unhandled rejection, and carry no secret.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { RedisSessionError, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { freePort, startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { makeTlsCert, type TlsFiles } from '../helpers/tlsCert.ts';
import { admin, allPages, assertNoSecret, assertSameIds, drain, rejection, seedSessions } from './fixtures.ts';

const PW = 'loadFault-Secret-pw-5';
const OTHER_PW = 'rotated-Secret-pw-6';
const SECRETS = [PW, OTHER_PW];
const bounds = { connectTimeoutMs: 600, commandTimeoutMs: 400 };
/** An error must arrive within its bound plus this (event-loop and CI slack). */
const SLACK_MS = 900;

/** A password-protected redis-server and an admin client, both stopped after the test. */
async function securedServer(t: TestContext, args: string[]): Promise<{ server: RedisServer; r: Redis }> {
  const server = await startRedis({ args });
  const r = admin(server, PW);
  t.after(async () => {
    r.disconnect();
    await server.stop();
  });
  return { server, r };
}

async function timedFailure(p: Promise<unknown>): Promise<{ err: RedisSessionError; ms: number }> {
  const t0 = Date.now();
  const err = await rejection(p);
  const ms = Date.now() - t0;
  assert.ok(err instanceof RedisSessionError, `not a RedisSessionError: ${String(err)}`);
  assert.ok(err.message.length > 10, `an unclear message: "${err.message}"`);
  assertNoSecret(err, SECRETS);
  return { err, ms };
}

describe('faults: bounded errors and recovery on the next refresh', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  const scanners: SessionScanner[] = [];
  const scanner = (input: string, options = {}): SessionScanner => {
    const s = new SessionScanner(parseConnectionTarget(input, { env: {} }), { ...bounds, readOnly: true, ...options });
    scanners.push(s);
    return s;
  };
  before(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  after(() => {
    for (const s of scanners) s.close();
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  test('server paused (CLIENT PAUSE): a timeout within its bound, then the same scanner lists again', async (t) => {
    const { server, r } = await securedServer(t, ['--requirepass', PW]);
    const ids = await seedSessions(r, 1000);
    const s = scanner(`tcp://127.0.0.1:${server.port}?auth=${PW}`);
    assert.equal((await s.listPage()).sessions.length, 200);
    await r.call('CLIENT', 'PAUSE', '1200', 'ALL');
    const { err, ms } = await timedFailure(s.listPage());
    assert.equal(err.code, 'COMMAND_TIMEOUT');
    assert.ok(ms < bounds.commandTimeoutMs + SLACK_MS, `error after ${ms} ms`);
    await new Promise((res) => setTimeout(res, 1300));
    assertSameIds((await allPages(s)).flat(), ids);
    assertSameIds(await drain(s.listAll()), ids);
  });

  test('server busy (DEBUG SLEEP): a timeout within its bound, then the same scanner lists again', async (t) => {
    const { server, r } = await securedServer(t, ['--requirepass', PW, '--enable-debug-command', 'yes']);
    const ids = await seedSessions(r, 1000);
    const s = scanner(`tcp://127.0.0.1:${server.port}?auth=${PW}`);
    await s.listPage();
    // The admin connection blocks with the server: do not await it before the scanner's call.
    const sleeping = r.call('DEBUG', 'SLEEP', '1.2');
    const { err, ms } = await timedFailure(s.listPage());
    assert.equal(err.code, 'COMMAND_TIMEOUT');
    assert.ok(ms < bounds.commandTimeoutMs + SLACK_MS, `error after ${ms} ms`);
    await sleeping;
    assertSameIds(await drain(s.listAll()), ids);
  });

  // After CLIENT KILL ioredis may still say "ready" while its stream is closed: the scanner must
  // drop that handle on the CLOSED error and reconnect on the next call (a bug this test found).
  test('connection cut mid-listing (CLIENT KILL): the next refresh lists everything', async (t) => {
    const { server, r } = await securedServer(t, ['--requirepass', PW]);
    const ids = await seedSessions(r, 3000);
    const s = scanner(`tcp://127.0.0.1:${server.port}?auth=${PW}`);
    const first = await s.listPage();
    // Cut every connection but the admin's own (the scanner's among them).
    await r.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    const t0 = Date.now();
    let resumed: Awaited<ReturnType<SessionScanner['listPage']>> | undefined;
    try {
      resumed = await s.listPage({ state: first.state });
    } catch (err) {
      // Either a clear "Connection lost" at once, or (reconnected) the page itself.
      assert.ok(err instanceof RedisSessionError && err.code === 'CLOSED', String(err));
      assertNoSecret(err, SECRETS);
    }
    assert.ok(Date.now() - t0 < bounds.connectTimeoutMs + bounds.commandTimeoutMs + SLACK_MS);
    if (resumed) assert.ok(resumed.sessions.length > 0);
    assertSameIds((await allPages(s)).flat(), ids);
  });

  test('password rotated on the server (restarted with a new one): WRONGPASS within its bound, then recovery when it is restored', async (t) => {
    const port = await freePort();
    let server = await startRedis({ port, args: ['--requirepass', PW] });
    t.after(async () => server.stop());
    let r = admin(server, PW);
    await seedSessions(r, 500);
    r.disconnect();
    const s = scanner(`tcp://127.0.0.1:${port}?auth=${PW}`);
    await s.listPage();
    await server.stop();
    server = await startRedis({ port, args: ['--requirepass', OTHER_PW] });
    // The first call may report the lost connection; the next one reconnects and is refused.
    let failure = await timedFailure(s.listPage());
    if (failure.err.code === 'CLOSED') failure = await timedFailure(s.listPage());
    assert.equal(failure.err.code, 'WRONGPASS', failure.err.message);
    assert.match(failure.err.message, /^WRONGPASS invalid username-password pair/);
    assert.ok(
      failure.ms < bounds.connectTimeoutMs + bounds.commandTimeoutMs + SLACK_MS,
      `error after ${failure.ms} ms`,
    );
    // Rotated back: the same scanner lists again.
    await server.stop();
    server = await startRedis({ port, args: ['--requirepass', PW] });
    r = admin(server, PW);
    const ids = await seedSessions(r, 400, { salt: 5 });
    r.disconnect();
    assertSameIds(await drain(s.listAll()), ids);
  });

  describe('TLS and silent listeners', () => {
    let cert: TlsFiles;
    before(() => {
      cert = makeTlsCert();
    });
    after(() => cert?.cleanup());

    test('a plain server behind tls://: a TLS error within its bound, then the port speaks TLS: recovery', async () => {
      const port = await freePort();
      let server: RedisServer = await startRedis({ port, args: ['--requirepass', PW] });
      try {
        const s = scanner(`tls://127.0.0.1:${port}?auth=${PW}&stream[cafile]=${cert.caFile}`);
        const { err, ms } = await timedFailure(s.listPage());
        assert.ok(
          err.code === 'TLS' || err.code === 'ETIMEDOUT' || err.code === 'CLOSED',
          `${err.code}: ${err.message}`,
        );
        assert.match(err.message, /TLS/);
        assert.ok(ms < bounds.connectTimeoutMs + SLACK_MS, `error after ${ms} ms`);
        await server.stop();
        server = await startRedis({
          port,
          args: [
            '--port',
            '0',
            '--tls-port',
            String(port),
            '--tls-cert-file',
            cert.certFile,
            '--tls-key-file',
            cert.keyFile,
            '--tls-ca-cert-file',
            cert.caFile,
            '--tls-auth-clients',
            'no',
            '--requirepass',
            PW,
          ],
        });
        const r = new Redis({
          host: '127.0.0.1',
          port,
          password: PW,
          tls: { ca: readFileSync(cert.caFile) },
          retryStrategy: () => null,
        });
        const ids = await seedSessions(r, 300);
        r.disconnect();
        assertSameIds(await drain(s.listAll()), ids);
      } finally {
        await server.stop();
      }
    });

    test('nothing answers (a silent listener): a timeout within its bound, then a real server there: recovery', async () => {
      const sockets = new Set<Socket>();
      const silent = createServer((sock) => {
        sockets.add(sock);
        sock.on('error', () => undefined);
      });
      const port = await freePort();
      await new Promise<void>((res) => silent.listen(port, '127.0.0.1', res));
      const s = scanner(`tcp://127.0.0.1:${port}?auth=${PW}`);
      try {
        const { err, ms } = await timedFailure(s.listPage());
        assert.ok(err.code === 'COMMAND_TIMEOUT' || err.code === 'ETIMEDOUT', `${err.code}: ${err.message}`);
        assert.ok(ms < bounds.connectTimeoutMs + bounds.commandTimeoutMs + SLACK_MS, `error after ${ms} ms`);
      } finally {
        for (const sock of sockets) sock.destroy();
        await new Promise((res) => silent.close(res));
      }
      const server = await startRedis({ port, args: ['--requirepass', PW] });
      try {
        const r = admin(server, PW);
        const ids = await seedSessions(r, 400);
        r.disconnect();
        assertSameIds((await allPages(s)).flat(), ids);
      } finally {
        await server.stop();
      }
    });
  });
});
