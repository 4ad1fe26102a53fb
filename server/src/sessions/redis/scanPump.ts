// The streaming SCAN loop of whole-keyspace operations (list all, search, delete all): the next
// SCAN is on the wire while the previous batch is being worked on.
import type { Redis } from 'ioredis';
import { throwIfAborted } from './redisError.ts';

/** SCAN COUNT of whole-keyspace loops: large, so few round trips. */
export const DEFAULT_SCAN_COUNT = 10_000;
/** SCANs (and their batches) in flight ahead of the consumer: bounds memory for a slow reader. */
const SCAN_AHEAD = 3;

/**
 * SCANs one node to the end and runs `work` on each fresh (deduplicated) batch of keys, yielding
 * the results in order. The next SCAN is sent as soon as the previous one answers, before the
 * batch's work, and up to SCAN_AHEAD batches run ahead of the consumer.
 */
export async function* pumpScan<T>(
  node: Redis,
  match: string,
  count: number,
  work: (keys: string[]) => Promise<T>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const results: Promise<T>[] = [];
  const seen = new Set<string>();
  let cursor: string | null = '0';
  let scanning = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const scanNext = (): void => {
    if (scanning || cursor === null || stopped || failure || results.length >= SCAN_AHEAD) return;
    scanning = true;
    node.scan(cursor, 'MATCH', match, 'COUNT', count).then(
      ([next, keys]) => {
        scanning = false;
        cursor = next === '0' ? null : next;
        scanNext();
        const fresh = keys.filter((k) => !seen.has(k) && (seen.add(k), true));
        if (fresh.length && !stopped) {
          const r = work(fresh);
          r.catch(() => undefined);
          results.push(r);
        }
        notify();
      },
      (error: unknown) => {
        scanning = false;
        failure = { error };
        notify();
      },
    );
  };
  try {
    scanNext();
    for (;;) {
      throwIfAborted(signal);
      const r = results.shift();
      if (r) {
        scanNext();
        yield await r;
        continue;
      }
      if (failure) throw failure.error;
      if (cursor === null && !scanning) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stopped = true;
  }
}
