// Reads and writes of single sessions (value, TTL, lock), and the bulk delete; every write is
// refused on a read-only connection.
import type { Redis } from 'ioredis';
import { isSessionKey, LOCK_SUFFIX, sessionMatchPattern } from '../connectionTarget.ts';
import { readLocks } from './keyStats.ts';
import type { LiveConnection } from './liveConnection.ts';
import type { RedisHandle } from './redisHandle.ts';
import { RedisSessionError } from './redisError.ts';
import { pumpScan } from './scanPump.ts';
import { sessionInfo, type SessionInfo } from './sessionInfo.ts';

export interface DeleteAllOptions {
  /** Defaults to the target's prefix. An empty prefix means every key: refused unless allowed. */
  prefix?: string;
  allowEmptyPrefix?: boolean;
  signal?: AbortSignal;
  onProgress?: (deleted: number) => void;
}

/** Keys per UNLINK pipeline. */
const DELETE_BATCH = 500;

export class SessionAccess {
  /** UNLINK frees memory off the main thread; Redis < 4 only has DEL. */
  private deleteCommand: 'unlink' | 'del' = 'unlink';

  constructor(
    private readonly live: LiveConnection,
    private readonly options: { readOnly: boolean; scanCount: number },
  ) {}

  /** The raw stored value (bytes as phpredis wrote them), or null when the session is gone. */
  async getSession(id: string): Promise<Buffer | null> {
    return this.live.guard((h) => h.client.getBuffer(this.key(id)));
  }

  /** Raw values of several sessions in one round trip per node (null for a missing one). */
  async getSessions(ids: readonly string[]): Promise<(Buffer | null)[]> {
    if (ids.length === 0) return [];
    return this.live.guard(async (h) => {
      const keys = ids.map((id) => this.key(id));
      // MGET fails across cluster slots: per-key GETs, which the cluster client routes.
      if (h.target.kind === 'cluster') return Promise.all(keys.map((k) => h.client.getBuffer(k)));
      return (h.client as Redis).mgetBuffer(...keys);
    });
  }

  /** Size, TTL and lock of one session, or null when it does not exist. */
  async getSessionInfo(id: string): Promise<SessionInfo | null> {
    return this.live.guard(async (h) => {
      const key = this.key(id);
      const [size, pttl] = await Promise.all([h.client.strlen(key), h.client.pttl(key)]);
      if (pttl === -2) return null;
      const info = sessionInfo(key, this.live.target.prefix, size, pttl);
      const lock = (await readLocks(h.client, [key + LOCK_SUFFIX])).get(key + LOCK_SUFFIX);
      if (lock) {
        info.locked = true;
        info.lock = lock;
      }
      return info;
    });
  }

  /** The connection for a write its caller runs itself (the safe edit): refused on a read-only connection. */
  async writableConnection(): Promise<RedisHandle> {
    this.assertWritable();
    return this.live.guard(async (h) => h);
  }

  /** Deletes the session (and its lock). True when the session existed. */
  async deleteSession(id: string): Promise<boolean> {
    this.assertWritable();
    return this.live.guard(async (h) => {
      const key = this.key(id);
      // Separate commands: in a cluster the two keys live in different slots.
      const [n] = await Promise.all([h.client.del(key), h.client.del(key + LOCK_SUFFIX)]);
      return n > 0;
    });
  }

  /** Sets the remaining lifetime in seconds; null removes the expiry. False when the session is gone. */
  async setTtl(id: string, seconds: number | null): Promise<boolean> {
    this.assertWritable();
    if (seconds !== null && (!Number.isInteger(seconds) || seconds <= 0)) {
      throw new RedisSessionError(`TTL must be a whole number of seconds > 0, not ${seconds}.`, 'INVALID');
    }
    return this.live.guard(async (h) => {
      const key = this.key(id);
      const n = seconds === null ? await h.client.persist(key) : await h.client.expire(key, seconds);
      // PERSIST answers 0 for a key without expiry too: tell that apart from a missing key.
      return n === 1 || (seconds === null && (await h.client.exists(key)) === 1);
    });
  }

  /**
   * Deletes the session's lock. With `expectedOwner`, only if the lock still holds that value
   * (phpredis's own release script), so a lock taken again since it was shown is left alone.
   */
  async releaseLock(id: string, expectedOwner?: string): Promise<boolean> {
    this.assertWritable();
    return this.live.guard(async (h) => {
      const lockKey = this.key(id) + LOCK_SUFFIX;
      if (expectedOwner === undefined) return (await h.client.del(lockKey)) > 0;
      const script = 'if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end';
      try {
        return Number(await h.client.eval(script, 1, lockKey, expectedOwner)) > 0;
      } catch (err) {
        // An ACL user without scripting: compare then delete (a narrow race, better than nothing).
        if (!/NOPERM|unknown command/i.test(String((err as Error).message))) throw err;
        if ((await h.client.get(lockKey)) !== expectedOwner) return false;
        return (await h.client.del(lockKey)) > 0;
      }
    });
  }

  /** SCAN + UNLINK (DEL before Redis 4) in batches; never KEYS nor FLUSHDB. Returns keys deleted. */
  async deleteAllSessions(options: DeleteAllOptions = {}): Promise<number> {
    this.assertWritable();
    const prefix = options.prefix ?? this.live.target.prefix;
    if (prefix === '' && !options.allowEmptyPrefix) {
      throw new RedisSessionError(
        'The prefix is empty: deleting "all sessions" would delete every key. Refused.',
        'INVALID',
      );
    }
    const h = await this.live.guard(async (c) => c);
    const match = sessionMatchPattern(prefix);
    let deleted = 0;
    for (const node of h.scanNodes()) {
      // Under a framework's prefix only its sessions go (a Laravel cache keeps its entries there too).
      const target = this.live.target;
      const ours = (keys: string[]): string[] =>
        prefix === target.prefix ? keys.filter((k) => isSessionKey(target, k)) : keys;
      const batches = pumpScan(
        node,
        match,
        this.options.scanCount,
        (keys) => this.unlink(node, ours(keys)),
        options.signal,
      );
      try {
        for (;;) {
          const next = await this.live.settle(h, batches.next());
          if (next.done) break;
          deleted += next.value;
          options.onProgress?.(deleted);
        }
      } finally {
        await batches.return(undefined);
      }
    }
    return deleted;
  }

  /** UNLINK each key (one command per key: multi-key commands fail across cluster slots). */
  private async unlink(node: Redis, keys: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const slice = keys.slice(i, i + DELETE_BATCH);
      const run = async (command: 'unlink' | 'del'): Promise<[Error | null, unknown][]> => {
        const p = node.pipeline();
        for (const k of slice) p[command](k);
        return (await p.exec()) ?? [];
      };
      let replies = await run(this.deleteCommand);
      if (this.deleteCommand === 'unlink' && replies.some(([e]) => e && /unknown command/i.test(e.message))) {
        this.deleteCommand = 'del';
        replies = await run('del');
      }
      for (const [err, n] of replies) {
        if (err) throw err;
        deleted += Number(n);
      }
    }
    return deleted;
  }

  private key(id: string): string {
    return this.live.target.prefix + id;
  }

  private assertWritable(): void {
    if (this.options.readOnly) throw new RedisSessionError('This connection is read-only.', 'READ_ONLY');
  }
}
