// The streaming SCAN loop over a RespLane (every session listed, every value searched). SCAN
// replies are read where they arrive, so the next SCAN goes on the wire before this batch's own
// commands: the server works on the batch while the next SCAN's answer travels, and is never idle
// waiting for the client. That is what bounds a listing: the server spends about a microsecond
// per key scanned, the client less per session.
import { KeySet } from './keySet.ts';
import { RespWriter } from './resp.ts';
import type { RespLane } from './respLane.ts';
import { pumpBatches, type ScanStep } from './scanPump.ts';

/**
 * SCANs the lane's server to the end and runs `work` on each fresh (deduplicated) batch of keys,
 * yielding the results in order. Keys are their bytes as the server sent them: ready to be
 * written back in commands.
 */
export function scanOverLane<T>(
  lane: RespLane,
  match: string,
  count: number,
  work: (keys: Buffer[]) => Promise<T>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const seen = new KeySet();
  const writer = new RespWriter();
  const countArg = String(count);
  const step: ScanStep<Buffer> = (cursor, answer) =>
    lane.send(writer.command('SCAN', cursor, 'MATCH', match, 'COUNT', countArg).take(), 1, (replies) => {
      const reply = replies instanceof Error ? replies : replies[0];
      if (reply instanceof Error || !Array.isArray(reply)) {
        answer({ error: reply instanceof Error ? reply : new Error('Protocol error: not a SCAN reply') });
        return;
      }
      const [next, keys] = reply as [Buffer, Buffer[]];
      answer({ next: next.toString('latin1'), keys: keys.filter((k) => seen.add(k)) });
    });
  return pumpBatches(step, work, signal);
}
