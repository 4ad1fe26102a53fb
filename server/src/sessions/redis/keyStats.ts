// Sizes, TTLs and locks of scanned keys: a short server-side script per 500 keys where scripting
// is allowed, a pipeline of STRLEN + PTTL otherwise; lock keys folded into their session.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isSessionKey, LOCK_SUFFIX } from '../connectionTarget.ts';
import type { RedisHandle } from './redisHandle.ts';
import { sessionInfo, type SessionInfo, type SessionLock } from './sessionInfo.ts';

/** Keys per script call: about a millisecond of server time, so other clients barely wait. */
const SCRIPT_CHUNK = 500;
// Size and PTTL of each key (size -1 when the key is not a string; any other error is returned).
const STATS_SCRIPT = `local out = {}
for i = 1, #KEYS do
  local size = redis.pcall('STRLEN', KEYS[i])
  if type(size) == 'table' then
    if string.sub(size.err, 1, 9) ~= 'WRONGTYPE' then return size end
    size = -1
  end
  out[2 * i - 1] = size
  out[2 * i] = redis.call('PTTL', KEYS[i])
end
return out`;
const STATS_SHA = createHash('sha1').update(STATS_SCRIPT).digest('hex');

interface KeyStats {
  /** size, pttl per key, in order. */
  stats: number[];
  /** The groups of keys among which at least one lock key exists. */
  lockedChunks: string[][];
}

/** Describes keys for one target; remembers whether the server refused the stats script. */
export class KeyDescriber {
  /** Set once the server refused the stats script: the pipeline is used from then on. */
  private scripts: 'unknown' | 'denied' = 'unknown';

  constructor(private readonly prefix: string) {}

  /** Sizes, TTLs and locks of scanned keys, fetched on the node that holds them. */
  async describe(
    h: RedisHandle,
    node: Redis,
    nodeId: string,
    keys: readonly string[],
    preferScript = false,
  ): Promise<SessionInfo[]> {
    const cluster = h.target.kind === 'cluster';
    const sessionKeys: string[] = [];
    const lockKeys: string[] = [];
    for (const k of keys) {
      // (a framework's layout: its other keys under the prefix, a Laravel cache's entries, are not sessions)
      if (isSessionKey(h.target, k)) (k.endsWith(LOCK_SUFFIX) ? lockKeys : sessionKeys).push(k);
    }

    // [size, pttl] per session key (size -1: not a string), and which chunks hold a lock.
    let stats: number[] = [];
    let lockedChunks: string[][] = [];
    if (sessionKeys.length) {
      const viaScript =
        preferScript && !cluster && this.scripts !== 'denied' ? await this.statsByScript(node, sessionKeys) : undefined;
      ({ stats, lockedChunks } = viaScript ?? (await statsByPipeline(node, sessionKeys, !cluster)));
    }
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

  /** `statsByPipeline`'s answer from the server-side script, or undefined when scripts are refused. */
  private async statsByScript(node: Redis, keys: readonly string[]): Promise<KeyStats | undefined> {
    const chunks: string[][] = [];
    for (let i = 0; i < keys.length; i += SCRIPT_CHUNK) chunks.push(keys.slice(i, i + SCRIPT_CHUNK));
    // Per chunk: the script, then one EXISTS over the chunk's lock keys (cheaper outside the script).
    const run = async (): Promise<[Error | null, unknown][]> => {
      const p = node.pipeline();
      for (const c of chunks) p.evalsha(STATS_SHA, c.length, ...c).exists(...c.map((k) => k + LOCK_SUFFIX));
      return (await p.exec()) ?? [];
    };
    // Scripting off for this user or server (NOPERM, a proxy without EVAL…): pipeline from now on.
    const refused = (err: Error): boolean => /NOPERM|unknown command|not allowed|disabled|NOSCRIPT/i.test(err.message);
    let replies = await run();
    try {
      if (replies.some(([err]) => err && /^NOSCRIPT/.test(err.message))) {
        await node.script('LOAD', STATS_SCRIPT);
        replies = await run();
      }
    } catch (err) {
      if (!(err instanceof Error) || !refused(err)) throw err;
      replies = [[err, null]];
    }
    const failed = replies.find(([err]) => err)?.[0];
    if (failed) {
      if (!refused(failed)) throw failed;
      this.scripts = 'denied';
      return undefined;
    }
    const stats: number[] = [];
    const lockedChunks: string[][] = [];
    chunks.forEach((chunk, i) => {
      for (const v of replies[2 * i][1] as number[]) stats.push(v);
      if (Number(replies[2 * i + 1][1]) > 0) lockedChunks.push(chunk);
    });
    return { stats, lockedChunks };
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
