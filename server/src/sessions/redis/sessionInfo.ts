// What the listing knows of one session: id, TTL, size, lock.

export interface SessionLock {
  /** Remaining lock time in ms; -1 when the lock has no expiry (a stuck lock after a crash). */
  ttlMs: number;
  /** True when the lock has no TTL: it stays until someone deletes it. */
  noExpiry: boolean;
  /** The lock value phpredis writes: `"<hostname>|<pid>"`. */
  owner: string | null;
}

export interface SessionInfo {
  /** Session id (the key without the prefix). */
  id: string;
  key: string;
  /** Remaining TTL in seconds (rounded up); -1 when the key has no expiry. */
  ttl: number;
  ttlMs: number;
  /** Value length in bytes (STRLEN). 0 for a lock-only entry. */
  size: number;
  locked: boolean;
  lock?: SessionLock;
  /** Only a lock key exists (a request that never wrote its session, typically a crashed one). */
  lockOnly?: boolean;
  /** The node (`host:port`) holding the key; set for clusters. */
  node?: string;
}

/** The info of `key` under `prefix` (no lock yet). */
export function sessionInfo(key: string, prefix: string, size: number, pttl: number): SessionInfo {
  return {
    id: key.slice(prefix.length),
    key,
    ttl: pttl < 0 ? pttl : Math.ceil(pttl / 1000),
    ttlMs: pttl,
    size,
    locked: false,
  };
}
