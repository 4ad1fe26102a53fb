// Finding sessions by their decoded contents (`sessions --where`, "Find Sessions by Value…"): over
// a listing that carries each whole value, every session is decompressed, skipped when its bytes
// cannot hold a match (sessionQuery.ts's `mayMatch`), else decoded and tested. A session that
// does not decode is counted, never fatal. Read-only: nothing here writes.
import { decompress, detectCompression } from './compression.ts';
import { hasIgbinaryHeader } from './igbinary.ts';
import { decodeSession, type DecodeSessionOptions } from './sessionFormats.ts';
import type { SessionQuery } from './sessionQuery.ts';

/** A listed session with its whole value (the Redis listing with `headBytes: Infinity`). */
export interface ValuedSession {
  readonly key: string;
  readonly head?: Uint8Array;
  readonly lockOnly?: boolean;
}

export interface SearchProgress {
  /** Sessions looked at so far. */
  scanned: number;
  matched: number;
  /** Sessions whose value is in no format the decoder knows (or is damaged). */
  undecodable: number;
}

export type SearchDecodeOptions = Pick<DecodeSessionOptions, 'serializer' | 'compression' | 'maxDecompressedBytes'>;

/**
 * True when `payload` is certainly what the serializer wrote, so the quick test may look into it:
 * it came out of an envelope, or it cannot be lzf (which has no signature, and which the decoder
 * tries last). lzf output starts with a literal-run byte below 0x20, which no serializer's first
 * byte is except php_binary's name length (left to the decoder) and igbinary's header, whose
 * 00 00 00 0x lzf cannot write (two one-byte literal runs in a row are always one run).
 */
function isPlain(value: Uint8Array, payload: Uint8Array): boolean {
  return payload !== value || value.length === 0 || value[0]! >= 0x20 || hasIgbinaryHeader(value);
}

/** Whether one stored value matches; 'undecodable' when it cannot be decoded. */
export function matchValue(
  value: Uint8Array,
  key: string,
  query: SessionQuery,
  options: SearchDecodeOptions = {},
): boolean | 'undecodable' {
  // The bytes the serializer wrote: what the quick test looks into.
  const codec = options.compression && options.compression !== 'none' ? options.compression : detectCompression(value);
  let payload = value;
  if (codec) {
    try {
      payload = decompress(value, codec, { maxOutputBytes: options.maxDecompressedBytes });
    } catch {
      payload = value;
    }
  }
  if (isPlain(value, payload) && !query.mayMatch(payload)) return false;
  let decoded;
  try {
    decoded = decodeSession(payload, {
      ...options,
      compression: payload !== value ? 'none' : options.compression,
      key,
    });
  } catch {
    // SessionDecodeError, or anything else a damaged value provokes: counted, never fatal.
    return 'undecodable';
  }
  return query.matches(decoded);
}

/**
 * The sessions of each batch that match, with the running counts, batch by batch (a caller shows
 * matches as they come, and stops by no longer reading).
 */
export async function* searchSessions<T extends ValuedSession>(
  batches: AsyncIterable<T[]>,
  query: SessionQuery,
  options: SearchDecodeOptions = {},
): AsyncGenerator<{ matches: T[]; progress: SearchProgress }> {
  const progress: SearchProgress = { scanned: 0, matched: 0, undecodable: 0 };
  for await (const batch of batches) {
    const matches: T[] = [];
    for (const s of batch) {
      if (s.lockOnly || !s.head) continue;
      progress.scanned++;
      const r = matchValue(s.head, s.key, query, options);
      if (r === 'undecodable') progress.undecodable++;
      else if (r) matches.push(s);
    }
    progress.matched += matches.length;
    yield { matches, progress: { ...progress } };
  }
}
