// How many sessions a connection holds: an estimate from how far a paged listing's SCAN got (the
// tree's first figure), and the exact count from a SCAN of every node (bounded in time).
import type { Redis } from 'ioredis';
import { LOCK_SUFFIX } from '../connectionTarget.ts';
import { throwIfAborted } from './redisError.ts';
import type { RedisHandle } from './redisHandle.ts';

/**
 * The share of a node's keyspace a SCAN cursor has covered. Redis walks its hash table in
 * reverse-binary bucket order (dictScan in dict.c: `v = rev(v); v++; v = rev(v)` under the table's
 * mask), so the cursor read with its bits reversed is the share of buckets already visited, for
 * any table size. Keys are hashed over the buckets uniformly: the share of keys is about the same.
 */
export function scanCoverage(cursor: string, done: boolean): number {
  if (done) return 1;
  let v: bigint;
  try {
    v = BigInt(cursor);
  } catch {
    return 0;
  }
  if (v === 0n) return 0;
  let reversed = 0n;
  for (let i = 0; i < 64; i++) {
    reversed = (reversed << 1n) | (v & 1n);
    v >>= 1n;
  }
  return Number(reversed) / 2 ** 64;
}

/**
 * Sessions expected in the whole keyspace, from `found` sessions after the nodes' cursors reached
 * their coverage (each node holding an equal share, as cluster masters and a lone server do).
 * Undefined while too little was scanned to say (under 1 % of the keyspace).
 */
export function estimateSessions(
  found: number,
  nodes: readonly { cursor: string; done: boolean }[],
): number | undefined {
  if (nodes.length === 0) return undefined;
  const covered = nodes.reduce((sum, n) => sum + scanCoverage(n.cursor, n.done), 0) / nodes.length;
  if (covered >= 1) return found;
  if (covered < 0.01) return undefined;
  return Math.max(found, Math.round(found / covered));
}

export interface CountResult {
  /** Session keys under the prefix (lock keys not counted). */
  count: number;
  /** False when the count stopped at its time budget: `count` is then a lower bound. */
  complete: boolean;
}

/** SCAN COUNT of a count: large, so few round trips; SCAN stays incremental on the server. */
const COUNT_SCAN = 5_000;

/** Counts the keys matching `match` (lock keys aside) on every node, within `budgetMs`. */
export async function countSessions(
  handle: RedisHandle,
  match: string,
  budgetMs: number,
  signal?: AbortSignal,
): Promise<CountResult> {
  const stopAt = Date.now() + budgetMs;
  let count = 0;
  for (const node of handle.scanNodes()) {
    const r = await countNode(node, match, stopAt, signal);
    count += r.count;
    if (!r.complete) return { count, complete: false };
  }
  return { count, complete: true };
}

async function countNode(node: Redis, match: string, stopAt: number, signal?: AbortSignal): Promise<CountResult> {
  // SCAN may return a key twice (while the table is resized): count each once.
  const seen = new Set<string>();
  let cursor = '0';
  do {
    throwIfAborted(signal);
    if (Date.now() > stopAt) return { count: seen.size, complete: false };
    const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', COUNT_SCAN);
    cursor = next;
    for (const k of keys) if (!k.endsWith(LOCK_SUFFIX)) seen.add(k);
  } while (cursor !== '0');
  return { count: seen.size, complete: true };
}

/** DBSIZE of every node (the keys of the selected database, sessions or not). */
export async function keyCount(handle: RedisHandle): Promise<number> {
  const sizes = await Promise.all(handle.scanNodes().map((n) => n.dbsize()));
  return sizes.reduce((a, b) => a + b, 0);
}
