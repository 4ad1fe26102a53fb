// Shared bits of the Redis integration tests: seeding sessions, draining listings, secret checks.
import assert from 'node:assert/strict';
import { Redis, type Cluster } from 'ioredis';
import type { SessionInfo, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import type { RedisServer } from '../helpers/redisServer.ts';

/** A 32-hex-char session id, as PHP's default generator makes them. */
export function sid(i: number, salt = 0): string {
  return (salt.toString(16) + i.toString(16)).padStart(32, '0');
}

/** A direct client for setting up and checking state (not the code under test). */
export function admin(server: RedisServer, password?: string, db = 0): Redis {
  return new Redis({
    host: server.host,
    port: server.port,
    password,
    db,
    lazyConnect: false,
    retryStrategy: () => null,
  });
}

/** SETEX `count` sessions `prefix + sid(i)` in pipelined chunks; returns their ids. */
export async function seedSessions(
  client: Redis,
  count: number,
  options: { prefix?: string; ttl?: number; salt?: number; value?: (i: number) => string | Buffer } = {},
): Promise<string[]> {
  const prefix = options.prefix ?? 'PHPREDIS_SESSION:';
  const ids: string[] = [];
  for (let start = 0; start < count; start += 2000) {
    const p = client.pipeline();
    for (let i = start; i < Math.min(count, start + 2000); i++) {
      const id = sid(i, options.salt);
      ids.push(id);
      p.setex(prefix + id, options.ttl ?? 1440, options.value ? options.value(i) : `user|a:1:{s:2:"id";i:${i};}`);
    }
    await p.exec();
  }
  return ids;
}

/** The same through a cluster client (keys spread over the masters). */
export async function seedClusterSessions(cluster: Cluster, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const id = sid(i);
      ids.push(id);
      batch.push(cluster.setex(prefix + id, 1440, `v|i:${i};`));
    }
    await Promise.all(batch);
  }
  return ids;
}

/** Every page of a paged listing. */
export async function allPages(
  scanner: SessionScanner,
  options: { pattern?: string; pageSize?: number } = {},
): Promise<SessionInfo[][]> {
  const pages: SessionInfo[][] = [];
  let page = await scanner.listPage(options);
  pages.push(page.sessions);
  while (!page.done) {
    page = await scanner.listPage({ ...options, state: page.state });
    pages.push(page.sessions);
  }
  return pages;
}

export async function drain(iterable: AsyncIterable<SessionInfo[]>): Promise<SessionInfo[]> {
  const out: SessionInfo[] = [];
  for await (const batch of iterable) out.push(...batch);
  return out;
}

/** Asserts the ids are exactly `expected`, each once. */
export function assertSameIds(actual: readonly SessionInfo[], expected: readonly string[]): void {
  const ids = actual.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length, 'no session listed twice');
  assert.deepEqual([...ids].sort(), [...expected].sort());
}

/** The error's message and every enumerable property as text: none may contain a secret. */
export function assertNoSecret(err: unknown, secrets: readonly string[]): void {
  const text =
    err instanceof Error ? `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err)}` : JSON.stringify(err);
  for (const s of secrets) assert.ok(!text.includes(s), `a secret leaked into: ${text.split('\n')[0]}`);
}

/** Rejects with the error the promise rejected with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  assert.fail('expected a rejection');
}
