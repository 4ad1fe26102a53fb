// TLS: a redis-server with only a TLS port and a throwaway CA; verification off and on, and the
// failures (unknown CA, wrong name, a plain server or a silent one behind tls://).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { testConnection, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { freePort, startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { makeTlsCert, type TlsFiles } from '../helpers/tlsCert.ts';
import { assertNoSecret, assertSameIds, drain, rejection, seedSessions } from './fixtures.ts';

const PW = 'tls-Secret-pw-9';
const noEnv = { env: {} };
const bounds = { connectTimeoutMs: 800, commandTimeoutMs: 1500 };

describe('TLS', () => {
  let cert: TlsFiles;
  let tlsServer: RedisServer;
  let plainServer: RedisServer;
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();
  let ids: string[];
  const scanners: SessionScanner[] = [];
  const scanner = (input: string, overrides = {}): SessionScanner => {
    const s = new SessionScanner(parseConnectionTarget(input, { ...noEnv, ...overrides }), bounds);
    scanners.push(s);
    return s;
  };

  before(async () => {
    cert = makeTlsCert();
    const port = await freePort();
    tlsServer = await startRedis({
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
    const client = new Redis({ host: '127.0.0.1', port, password: PW, tls: { ca: readFileSync(cert.caFile) } });
    ids = await seedSessions(client, 300);
    client.disconnect();
    plainServer = await startRedis();
    // Accepts connections and never says a word: a TLS handshake that never completes.
    silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    silentPort = await freePort();
    await new Promise<void>((r) => silent.listen(silentPort, '127.0.0.1', r));
  });
  after(async () => {
    for (const s of scanners) s.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent?.close(r));
    await tlsServer?.stop();
    await plainServer?.stop();
    cert?.cleanup();
  });

  test('tls:// with stream[verify_peer]=0 (verification off)', async () => {
    const s = scanner(`tls://127.0.0.1:${tlsServer.port}?auth=${PW}&stream[verify_peer]=0`);
    assertSameIds(await drain(s.listAll()), ids);
  });

  test('tls:// with stream[cafile] (verified against the throwaway CA)', async () => {
    const target = parseConnectionTarget(
      `tls://127.0.0.1:${tlsServer.port}?auth=${PW}&stream[cafile]=${cert.caFile}`,
      noEnv,
    );
    const r = await testConnection(target, bounds);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.sessionCount, 300);
    // localhost is in the certificate too, and is sent as SNI.
    const byName = scanner(`tls://localhost:${tlsServer.port}?auth=${PW}&stream[cafile]=${cert.caFile}`);
    assert.equal((await byName.listPage({ pageSize: 50 })).sessions.length, 50);
  });

  test('rediss:// URL with a CA given in the settings', async () => {
    const s = scanner(`rediss://:${PW}@127.0.0.1:${tlsServer.port}`, { tls: { caFile: cert.caFile } });
    assertSameIds((await s.listPage({ pageSize: 1000 })).sessions, ids);
  });

  test('verification on, CA unknown: a TLS error, not a hang', async () => {
    const r = await testConnection(parseConnectionTarget(`rediss://:${PW}@127.0.0.1:${tlsServer.port}`, noEnv), bounds);
    assert.ok(!r.ok && r.code === 'TLS', JSON.stringify(r));
    assert.match(!r.ok ? r.error : '', /^TLS error: .*(self[- ]signed|unable to verify|issuer)/i);
    assertNoSecret(r, [PW]);
  });

  test('peer_name that the certificate does not name: a TLS error', async () => {
    const err = await rejection(
      scanner(
        `tls://127.0.0.1:${tlsServer.port}?auth=${PW}&stream[cafile]=${cert.caFile}&stream[peer_name]=other.example`,
      ).listPage(),
    );
    assert.equal(err.code, 'TLS');
    assert.match(err.message, /other\.example/);
  });

  test('a plain server behind tls://: a clear TLS error within the bound', async () => {
    const t0 = Date.now();
    const r = await testConnection(
      parseConnectionTarget(`tls://127.0.0.1:${plainServer.port}?auth=${PW}&stream[verify_peer]=0`, noEnv),
      bounds,
    );
    const elapsed = Date.now() - t0;
    assert.ok(!r.ok, JSON.stringify(r));
    assert.match(r.error, /TLS/);
    assert.ok(elapsed < bounds.connectTimeoutMs + 1000, `took ${elapsed} ms`);
    assertNoSecret(r, [PW]);
  });

  test('a server that never answers the handshake: connect ETIMEDOUT within the bound', async () => {
    const t0 = Date.now();
    const r = await testConnection(
      parseConnectionTarget(`tls://127.0.0.1:${silentPort}?auth=${PW}&stream[verify_peer]=0`, noEnv),
      bounds,
    );
    const elapsed = Date.now() - t0;
    assert.ok(!r.ok && r.code === 'ETIMEDOUT', JSON.stringify(r));
    assert.match(r.error, /connect ETIMEDOUT.*is the server speaking TLS/);
    assert.ok(
      elapsed >= bounds.connectTimeoutMs - 50 && elapsed < bounds.connectTimeoutMs + 1000,
      `took ${elapsed} ms`,
    );
  });
});
