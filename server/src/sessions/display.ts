// How a listing shows a session's TTL and size: the same words in the tree view and the CLI.

/** `45s`, `12m`, `5h`, `3d`; `noTtl` (default "no TTL") for a key without expiry. */
export function formatTtl(seconds: number, noTtl = 'no TTL'): string {
  if (seconds < 0) return noTtl;
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** `512 B`, `1.5 KB`, `2.0 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** How the tree orders the sessions it has loaded. */
export type SessionOrder = 'scan' | 'id' | 'ttl' | 'ttl-desc' | 'size';

/**
 * The sessions in `order`: SCAN's own (as loaded), by id, by TTL shortest first (no TTL last) or
 * longest first (no TTL first), or by size largest first. Ties keep their loaded order.
 */
export function sortSessions<T extends { id: string; ttl: number; size: number }>(
  sessions: readonly T[],
  order: SessionOrder,
): T[] {
  const ttl = (s: T): number => (s.ttl < 0 ? Infinity : s.ttl);
  const compare: Record<SessionOrder, ((a: T, b: T) => number) | undefined> = {
    scan: undefined,
    id: (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    ttl: (a, b) => ttl(a) - ttl(b),
    'ttl-desc': (a, b) => ttl(b) - ttl(a),
    size: (a, b) => b.size - a.size,
  };
  const by = compare[order];
  return by ? [...sessions].sort((a, b) => by(a, b) || 0) : [...sessions];
}

/** A session id short enough to leave room for its TTL and size: the first 8 and last 4 characters of a long one. */
export function compactId(id: string): string {
  return id.length > 20 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}

/** `50,000`; an estimate reads `≈ 49,800`. */
export function formatCount(count: number, exact = true): string {
  const text = count.toLocaleString('en-US');
  return exact ? text : `≈ ${text}`;
}
