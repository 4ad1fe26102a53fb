// Starts a real redis-server on a free loopback port for a test, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Redis } from 'ioredis';

export interface RedisServer {
  port: number;
  host: string;
  dir: string;
  /** Extra arguments it was started with (to restart it the same way). */
  args: string[];
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A port the OS says is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, host: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const sock = connect({ port, host });
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${host}:${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

export interface StartOptions {
  /** Extra redis-server arguments, e.g. ['--requirepass', 'x']. */
  args?: string[];
  port?: number;
  /** Set when the server listens only on TLS or a unix socket: skip the TCP readiness probe. */
  readiness?: () => Promise<void>;
}

const running = new Set<RedisServer>();
process.once('exit', () => {
  for (const s of running) s.process.kill('SIGKILL');
});

export async function startRedis(options: StartOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'prs-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    host,
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(options.args ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: RedisServer = {
    port,
    host,
    dir,
    args,
    process: child,
    async stop() {
      running.delete(server);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(server);
  try {
    await Promise.race([
      options.readiness ? options.readiness() : waitForPort(port, host, 10_000),
      exited.then(() => {
        throw new Error(`redis-server exited: ${stderr.trim()}`);
      }),
    ]);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/**
 * A redis-server and an ioredis client connected to it, for the tests of one file: started in a
 * `before` hook (when `enabled`), then `setup` runs, stopped in `after`. Read `server` and `redis`
 * inside the tests. (Node 20 runs a file's top-level `before` hooks side by side: a second hook
 * would not see the server yet, hence `setup`.)
 */
export function redisForTests(
  enabled = true,
  setup?: (server: RedisServer, redis: Redis) => Promise<void>,
): { readonly server: RedisServer; readonly redis: Redis } {
  const state = {} as { server: RedisServer; redis: Redis };
  before(async () => {
    if (!enabled) return;
    state.server = await startRedis();
    state.redis = new Redis({ port: state.server.port, lazyConnect: true });
    await state.redis.connect();
    await setup?.(state.server, state.redis);
  });
  after(async () => {
    state.redis?.disconnect();
    await state.server?.stop();
  });
  return state;
}
