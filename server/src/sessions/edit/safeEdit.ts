// The safe edit against Redis: read the session, change one variable, encode it with the
// session's own serializer and compression, and write it back in one Lua script that keeps the
// TTL and writes only if the stored bytes are still the ones read and no request holds the
// session's lock (`<key>_LOCK`, phpredis's redis_session.c lock_acquire).
import { compress } from '../encode/compress.ts';
import { encodeSession } from '../encode/sessionEncode.ts';
import { detachSharedScalars } from '../encode/sharedScalars.ts';
import { SessionEncodeError } from '../encode/valueTree.ts';
import { toCanonicalJson } from '../canonicalJson.ts';
import type { SessionCompression } from '../compression.ts';
import { LOCK_SUFFIX } from '../connectionTarget.ts';
import type { PhpValue } from '../phpValue.ts';
import type { RedisHandle } from '../redis/index.ts';
import { decodeSession, SessionDecodeError, type SessionSerializer } from '../sessionFormats.ts';
import { SessionEditError, setVariable } from './setVariable.ts';

export type EditRefusal =
  'missing' | 'locked' | 'changed' | 'undecodable' | 'unreadable' | 'unencodable' | 'ambiguous' | 'path' | 'verify';

/** Why nothing was written. The session is untouched whenever this is thrown. */
export class SessionEditRefused extends Error {
  constructor(
    readonly reason: EditRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'SessionEditRefused';
  }
}

export interface EditRequest {
  id: string;
  /** Variable name, then keys into arrays and properties. */
  path: readonly string[];
  value: PhpValue;
  /** The configured session.serialize_handler / redis.session.compression (detected when absent). */
  serializer?: SessionSerializer;
  compression?: SessionCompression;
}

export interface EditResult {
  key: string;
  serializer: SessionSerializer;
  compression: SessionCompression;
  /** Remaining TTL in ms when it was written, -1 for none. */
  ttlMs: number;
  bytes: number;
}

// KEYS[1] session, KEYS[2] its lock (absent on a cluster: the cluster handler never locks, and a
// script cannot touch two slots). ARGV[1] the bytes read, ARGV[2] the new bytes.
// Returns 1 written, 0 changed since read, -1 locked, -2 gone.
const WRITE_IF_UNCHANGED = `
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local cur = redis.call('GET', KEYS[1])
if not cur then return -2 end
if cur ~= ARGV[1] then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 then redis.call('SET', KEYS[1], ARGV[2])
elseif ttl > 0 then redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
else return -2 end
return 1`;

async function lockHeld(handle: RedisHandle, lockKey: string): Promise<string | null> {
  const client = handle.client;
  const [owner, pttl] = await Promise.all([client.get(lockKey), client.pttl(lockKey)]);
  if (owner === null) return null;
  const expiry =
    pttl < 0 ? 'it has no expiry (a request died holding it?)' : `it expires in ${Math.ceil(pttl / 1000)} s`;
  return `the session is locked by a running request (${owner}); ${expiry}`;
}

/** Edits one variable of one session. Throws SessionEditRefused (nothing written) or a Redis error. */
export async function editSession(handle: RedisHandle, prefix: string, req: EditRequest): Promise<EditResult> {
  const key = prefix + req.id;
  const lockKey = key + LOCK_SUFFIX;
  const cluster = handle.target.kind === 'cluster';
  const client = handle.client;
  const stored = await client.getBuffer(key);
  if (stored === null)
    throw new SessionEditRefused('missing', `No session "${req.id}" under ${JSON.stringify(prefix)}`);
  if (!cluster) {
    const lock = await lockHeld(handle, lockKey);
    if (lock) throw new SessionEditRefused('locked', `Not written: ${lock}.`);
  }
  const original = new Uint8Array(stored);
  let decoded;
  try {
    decoded = decodeSession(original, { serializer: req.serializer, compression: req.compression, key });
  } catch (err) {
    if (err instanceof SessionDecodeError)
      throw new SessionEditRefused('undecodable', `Not written: the session cannot be decoded (${err.message}).`);
    throw err;
  }
  // Re-encoding writes what PHP reads; where that differs from what is stored, an edit would lose
  // the difference (or store again what PHP cannot read).
  const caveat = decoded.phpUnreadable?.reason ?? decoded.notes?.[0];
  if (caveat)
    throw new SessionEditRefused(
      'unreadable',
      `Not written: PHP does not read this session as it is stored (${caveat}); fix it with PHP or delete it.`,
    );
  if (!detachSharedScalars(decoded))
    throw new SessionEditRefused(
      'ambiguous',
      'Not written: this igbinary session holds a PHP reference to a scalar whose place cannot be told apart from an equal neighbour.',
    );
  try {
    setVariable(decoded, req.path, req.value);
  } catch (err) {
    if (err instanceof SessionEditError) throw new SessionEditRefused('path', `Not written: ${err.message}.`);
    throw err;
  }
  let bytes: Uint8Array;
  try {
    bytes = compress(encodeSession(decoded), decoded.compression);
  } catch (err) {
    if (err instanceof SessionEncodeError) throw new SessionEditRefused('unencodable', `Not written: ${err.message}.`);
    throw err;
  }
  // What is written must read back as the edited document.
  const again = decodeSession(bytes, { serializer: decoded.serializer, compression: decoded.compression, key });
  if (toCanonicalJson(again) !== toCanonicalJson(decoded))
    throw new SessionEditRefused('verify', 'Not written: the re-encoded session does not read back the same.');
  const keys = cluster ? [key] : [key, lockKey];
  const result = Number(await client.eval(WRITE_IF_UNCHANGED, keys.length, ...keys, stored, Buffer.from(bytes)));
  if (result === -1) {
    const lock = (await lockHeld(handle, lockKey)) ?? 'the session was locked';
    throw new SessionEditRefused('locked', `Not written: ${lock}.`);
  }
  if (result === -2)
    throw new SessionEditRefused('missing', `Not written: session "${req.id}" expired or was deleted.`);
  if (result === 0)
    throw new SessionEditRefused(
      'changed',
      'Not written: the session changed since it was read (a request wrote it); try again.',
    );
  const ttlMs = await client.pttl(key);
  return { key, serializer: decoded.serializer, compression: decoded.compression, ttlMs, bytes: bytes.length };
}
