// What a stored session looks like from its first bytes: serializer and compression envelope,
// for listings (the CLI's --json, the tree's tooltip) without downloading whole values.
import { detectCompression } from '../compression.ts';
import type { RedisHandle } from './redisHandle.ts';
import { detectSessionSerializer, type SessionSerializer } from '../sessionFormats.ts';

export interface SessionShape {
  serializer: SessionSerializer | null;
  compression: 'zstd' | 'lz4' | null;
}

/** Enough bytes to see a compression header, a php `name|` prefix or an igbinary header. */
const SNIFF_BYTES = 256;

export function shapeOf(head: Uint8Array): SessionShape {
  const compression = detectCompression(head);
  return { compression, serializer: compression ? null : detectSessionSerializer(head) };
}

/**
 * The shape of each key's value. Commands are issued together, so ioredis pipelines them on one
 * socket (and routes each to its node on a cluster).
 */
export async function sniffSessions(handle: RedisHandle, keys: readonly string[]): Promise<Map<string, SessionShape>> {
  const heads = await Promise.all(keys.map((k) => handle.client.getrangeBuffer(k, 0, SNIFF_BYTES - 1)));
  return new Map(keys.map((k, i) => [k, shapeOf(heads[i])]));
}
