// Sizes, TTLs and locks of scanned keys through ioredis (a page of the tree, a cluster's listing):
// a pipeline of STRLEN + PTTL; lock keys folded into their session. (A standalone server's full
// listing uses laneStats.ts: the same answers in raw RESP.)
import type { Redis } from 'ioredis';
import { isSessionKey, LOCK_SUFFIX } from '../connectionTarget.ts';
import type { RedisHandle } from './redisHandle.ts';
import { sessionInfo, type SessionInfo, type SessionLock } from './sessionInfo.ts';

interface KeyStats {
  /** size, pttl per key, in order. */
  stats: number[];
  /** The groups of keys among which at least one lock key exists. */
  lockedChunks: string[][];
}

/** Describes keys for one target. */
export class KeyDescriber {
  constructor(private readonly prefix: string) {}

  /** Sizes, TTLs and locks of scanned keys, fetched on the node that holds them. */
  async describe(h: RedisHandle, node: Redis, nodeId: string, keys: readonly string[]): Promise<SessionInfo[]> {
    const cluster = h.target.kind === 'cluster';
    const sessionKeys: string[] = [];
    const lockKeys: string[] = [];
    for (const k of keys) {
      // (a framework's layout: its other keys under the prefix, a Laravel cache's entries, are not sessions)
      if (isSessionKey(h.target, k)) (k.endsWith(LOCK_SUFFIX) ? lockKeys : sessionKeys).push(k);
    }

    // [size, pttl] per session key (size -1: not a string), and which chunks hold a lock.
    const { stats, lockedChunks } = sessionKeys.length
      ? await statsByPipeline(node, sessionKeys, !cluster)
      : { stats: [], lockedChunks: [] };
    const locks = new Map<string, SessionLock>();
    for (const chunk of lockedChunks) {
      const found = await readLocks(
        node,
        chunk.map((k) => k + LOCK_SUFFIX),
      );
      for (const [lockKey, lock] of found) locks.set(lockKey.slice(0, -LOCK_SUFFIX.length), lock);
    }

    const out: SessionInfo[] = [];
    for (let i = 0; i < sessionKeys.length; i++) {
      const size = stats[2 * i] ?? -1;
      const pttl = stats[2 * i + 1] ?? -2;
      // Not a string, so not a session; or expired since SCAN saw it.
      if (size < 0 || pttl === -2) continue;
      const key = sessionKeys[i];
      const info = sessionInfo(key, this.prefix, size, pttl);
      const lock = locks.get(key);
      if (lock) {
        info.locked = true;
        info.lock = lock;
      }
      if (cluster) info.node = nodeId;
      out.push(info);
    }
    if (lockKeys.length) out.push(...(await this.orphanLocks(h, node, nodeId, lockKeys)));
    return out;
  }

  /**
   * Lock keys SCAN returned: when their session exists it reports the lock itself (it is listed
   * in this or another batch), otherwise the lock is listed alone so it can be released.
   */
  private async orphanLocks(
    h: RedisHandle,
    node: Redis,
    nodeId: string,
    lockKeys: readonly string[],
  ): Promise<SessionInfo[]> {
    const cluster = h.target.kind === 'cluster';
    const owners = lockKeys.map((k) => k.slice(0, -LOCK_SUFFIX.length));
    let sessionExists: boolean[];
    if (cluster) {
      // The session may live on another node: let the cluster client route each EXISTS.
      sessionExists = await Promise.all(owners.map(async (k) => (await h.client.exists(k)) > 0));
    } else {
      const p = node.pipeline();
      for (const k of owners) p.exists(k);
      sessionExists = ((await p.exec()) ?? []).map(([err, n]) => !err && Number(n) > 0);
    }
    const alone = lockKeys.filter((_, i) => !sessionExists[i]);
    if (alone.length === 0) return [];
    const locks = await readLocks(node, alone);
    const out: SessionInfo[] = [];
    for (const lockKey of alone) {
      const lock = locks.get(lockKey);
      if (!lock) continue;
      const key = lockKey.slice(0, -LOCK_SUFFIX.length);
      const info = sessionInfo(key, this.prefix, 0, -2);
      info.ttl = lock.noExpiry ? -1 : Math.ceil(lock.ttlMs / 1000);
      info.ttlMs = lock.ttlMs;
      info.locked = true;
      info.lock = lock;
      info.lockOnly = true;
      if (cluster) info.node = nodeId;
      out.push(info);
    }
    return out;
  }
}

/** PTTL and owner of the lock keys that exist, among `lockKeys`. */
export async function readLocks(
  node: Redis | RedisHandle['client'],
  lockKeys: readonly string[],
): Promise<Map<string, SessionLock>> {
  const p = node.pipeline();
  for (const k of lockKeys) p.pttl(k).get(k);
  const replies = (await p.exec()) ?? [];
  const out = new Map<string, SessionLock>();
  for (let i = 0; i < lockKeys.length; i++) {
    const pttl = Number(replies[2 * i]?.[1] ?? -2);
    if (pttl === -2) continue;
    const owner = replies[2 * i + 1]?.[1];
    out.set(lockKeys[i], { ttlMs: pttl, noExpiry: pttl === -1, owner: typeof owner === 'string' ? owner : null });
  }
  return out;
}

/** STRLEN + PTTL per key in one pipeline, with one EXISTS over the lock keys when they share the node. */
async function statsByPipeline(node: Redis, keys: readonly string[], probeLocks: boolean): Promise<KeyStats> {
  const p = node.pipeline();
  for (const k of keys) p.strlen(k).pttl(k);
  // The usual answer is 0: one command instead of one per session. In a cluster a session and its
  // lock live in different slots (and phpredis does not lock there): no probe.
  if (probeLocks) p.exists(...keys.map((k) => k + LOCK_SUFFIX));
  const replies = (await p.exec()) ?? [];
  const stats: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const [sizeErr, size] = replies[2 * i] ?? [];
    const [ttlErr, pttl] = replies[2 * i + 1] ?? [];
    // WRONGTYPE on STRLEN: not a string, so not a session. Anything else (NOPERM…) is a failure.
    if (sizeErr && !/^WRONGTYPE/.test(sizeErr.message)) throw sizeErr;
    if (ttlErr) throw ttlErr;
    stats.push(sizeErr ? -1 : Number(size), Number(pttl));
  }
  const probe = probeLocks ? replies[2 * keys.length] : undefined;
  if (probe?.[0]) throw probe[0];
  return { stats, lockedChunks: probe && Number(probe[1]) > 0 ? [[...keys]] : [] };
}
