// The streaming SCAN loop of whole-keyspace operations (list all, search, delete all): the next
// SCAN is on the wire while the previous batch is being worked on. One driver, two transports:
// ioredis (a cluster's masters, the bulk delete) and a RespLane (laneScan.ts).
import type { Redis } from 'ioredis';
import { throwIfAborted } from './redisError.ts';

/** SCAN COUNT of whole-keyspace loops: large, so few round trips. */
export const DEFAULT_SCAN_COUNT = 10_000;
/** SCANs (and their batches) in flight ahead of the consumer: bounds memory for a slow reader. */
const SCAN_AHEAD = 3;

/** One SCAN call: from `cursor`, answers the next cursor ('0' at the end) and the fresh keys. */
export type ScanStep<K> = (
  cursor: string,
  answer: (result: { next: string; keys: K[] } | { error: unknown }) => void,
) => void;

/**
 * Runs `step` from cursor 0 to the end and `work` on each batch of keys, yielding the results in
 * order. The next SCAN is sent as soon as the previous one answers, before the batch's work, and
 * up to SCAN_AHEAD batches run ahead of the consumer.
 */
export async function* pumpBatches<K, T>(
  step: ScanStep<K>,
  work: (keys: K[]) => Promise<T>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const results: Promise<T>[] = [];
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
    step(cursor, (result) => {
      scanning = false;
      if ('error' in result) failure = { error: result.error };
      else {
        cursor = result.next === '0' ? null : result.next;
        scanNext();
        if (result.keys.length && !stopped) {
          const r = work(result.keys);
          r.catch(() => undefined);
          results.push(r);
        }
      }
      notify();
    });
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

/** `pumpBatches` over an ioredis node, SCAN's duplicates dropped. */
export function pumpScan<T>(
  node: Redis,
  match: string,
  count: number,
  work: (keys: string[]) => Promise<T>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const seen = new Set<string>();
  const step: ScanStep<string> = (cursor, answer) =>
    node.scan(cursor, 'MATCH', match, 'COUNT', count).then(
      ([next, keys]) => answer({ next, keys: keys.filter((k) => !seen.has(k) && (seen.add(k), true)) }),
      (error: unknown) => answer({ error }),
    );
  return pumpBatches(step, work, signal);
}
