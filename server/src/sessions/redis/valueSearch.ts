// Value search: the sessions whose stored bytes contain a text, scanned with MGET batches behind a
// streaming SCAN, cancellable and bounded.
import type { Redis } from 'ioredis';
import { isSessionKey, LOCK_SUFFIX, sessionMatchPattern } from '../connectionTarget.ts';
import type { LiveConnection } from './liveConnection.ts';
import { RedisSessionError, throwIfAborted } from './redisError.ts';
import { pumpScan } from './scanPump.ts';

export interface SearchOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { scanned: number; matched: number }) => void;
  /** Stop after this many matches. */
  limit?: number;
  /** Sessions whose id matches this glob only. */
  pattern?: string;
}

export interface SessionMatch {
  id: string;
  key: string;
  size: number;
}

/** Values fetched per MGET. */
const VALUE_BATCH = 200;

/** Sessions whose raw value contains `text` (bytes, as stored: compressed values do not match). */
export async function findSessionsContaining(
  live: LiveConnection,
  text: string | Uint8Array,
  options: SearchOptions & { scanCount: number },
): Promise<SessionMatch[]> {
  const needle = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
  if (needle.length === 0) throw new RedisSessionError('Nothing to search for.', 'INVALID');
  const h = await live.guard(async (c) => c);
  const match = sessionMatchPattern(live.target.prefix, options.pattern);
  const matches: SessionMatch[] = [];
  const signal = options.signal;
  let scanned = 0;
  for (const node of h.scanNodes()) {
    const search = async (keys: string[]): Promise<{ scanned: number; found: SessionMatch[] }> => {
      const sessions = keys.filter((k) => !k.endsWith(LOCK_SUFFIX) && isSessionKey(live.target, k));
      const found: SessionMatch[] = [];
      for (let i = 0; i < sessions.length; i += VALUE_BATCH) {
        if (signal?.aborted) break;
        const slice = sessions.slice(i, i + VALUE_BATCH);
        // MGET fails across cluster slots: per-key GETs in one pipeline there.
        const values = h.target.kind === 'cluster' ? await getBuffers(node, slice) : await node.mgetBuffer(...slice);
        slice.forEach((key, j) => {
          const v = values[j];
          if (v && v.includes(needle)) found.push({ id: key.slice(live.target.prefix.length), key, size: v.length });
        });
      }
      return { scanned: sessions.length, found };
    };
    const batches = pumpScan(node, match, options.scanCount, search, signal);
    try {
      for (;;) {
        const next = await live.settle(h, batches.next());
        if (next.done) break;
        throwIfAborted(signal);
        scanned += next.value.scanned;
        matches.push(...next.value.found);
        options.onProgress?.({ scanned, matched: matches.length });
        if (options.limit !== undefined && matches.length >= options.limit) return matches.slice(0, options.limit);
      }
    } finally {
      await batches.return(undefined);
    }
  }
  return matches;
}

async function getBuffers(node: Redis, keys: readonly string[]): Promise<(Buffer | null)[]> {
  const p = node.pipeline();
  for (const k of keys) p.getBuffer(k);
  const replies = (await p.exec()) ?? [];
  return replies.map(([err, v]) => (err ? null : (v as Buffer | null)));
}
