// The first bytes of stored sessions, for listings that show each one's serializer and compression
// (the CLI's --json) without downloading whole values. What the bytes mean is sessionShape.ts's
// business: redis/ does no decoding (see eslint.config.mjs).
import type { RedisHandle } from './redisHandle.ts';

/**
 * The first `length` bytes of each key's value. Commands are issued together, so ioredis pipelines
 * them on one socket (and routes each to its node on a cluster).
 */
export async function readSessionHeads(
  handle: RedisHandle,
  keys: readonly string[],
  length: number,
): Promise<Map<string, Buffer>> {
  const heads = await Promise.all(keys.map((k) => handle.client.getrangeBuffer(k, 0, length - 1)));
  return new Map(keys.map((k, i) => [k, heads[i]]));
}
