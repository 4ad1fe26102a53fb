// Sizes, TTLs, locks (and optionally the first bytes, or the whole values) of scanned keys over a
// RespLane: per session STRLEN + PTTL (+ GETRANGE), or GET + PTTL, and one EXISTS over the lock
// keys of every LOCK_PROBE sessions, written as one block of raw commands; locks found are read in
// a second round trip. The same answers as keyStats.ts's pipeline, for a fraction of the client CPU.
import { LOCK_SUFFIX } from '../connectionTarget.ts';
import { KeyCommand, RespError, RespWriter, name, type RespValue } from './resp.ts';
import type { RespLane } from './respLane.ts';
import { sessionInfo, type SessionInfo, type SessionLock } from './sessionInfo.ts';

/** Sessions per lock probe: a lock usually exists for none of them, and one EXISTS answers for all. */
const LOCK_PROBE = 500;

const STRLEN = new KeyCommand('STRLEN');
const PTTL = new KeyCommand('PTTL');
const GET = new KeyCommand('GET');
const EXISTS = name('EXISTS');
const EXISTS_ONE = new KeyCommand('EXISTS');
const SUFFIX = Buffer.from(LOCK_SUFFIX);

function isLockKey(k: Buffer): boolean {
  const n = k.length - SUFFIX.length;
  if (n < 0) return false;
  for (let i = 0; i < SUFFIX.length; i++) if (k[n + i] !== SUFFIX[i]) return false;
  return true;
}

/** A failed command: WRONGTYPE means "not a string, so not a session"; anything else is thrown. */
function isWrongType(v: RespValue): boolean {
  if (!(v instanceof RespError)) return false;
  if (/^WRONGTYPE/.test(v.message)) return true;
  throw v;
}

/**
 * The describer of one lane: `(keys) → their sessions`. `headBytes` > 0 adds each value's first
 * bytes (what the serializer column is detected from); Infinity, the whole value. `isSession`
 * keeps a framework's layout (a Laravel cache store also keeps its own entries under the prefix).
 */
export function laneDescriber(
  lane: RespLane,
  prefix: string,
  headBytes: number,
  isSession?: (key: string) => boolean,
): (keys: Buffer[]) => Promise<SessionInfo[]> {
  const whole = headBytes === Infinity;
  const getRange = new KeyCommand('GETRANGE', '0', String(headBytes - 1));
  const w = new RespWriter();
  return async (keys) => {
    const sessions: Buffer[] = [];
    const lockKeys: Buffer[] = [];
    for (const k of keys) {
      if (isSession && !isSession(k.toString('utf8'))) continue;
      (isLockKey(k) ? lockKeys : sessions).push(k);
    }
    for (const k of sessions) {
      if (whole) w.keyed(GET, k).keyed(PTTL, k);
      else {
        w.keyed(STRLEN, k).keyed(PTTL, k);
        if (headBytes > 0) w.keyed(getRange, k);
      }
    }
    const probes = Math.ceil(sessions.length / LOCK_PROBE);
    for (let c = 0; c < probes; c++) {
      const chunk = sessions.slice(c * LOCK_PROBE, (c + 1) * LOCK_PROBE);
      w.head(chunk.length + 1, EXISTS);
      for (const k of chunk) w.arg(k, SUFFIX);
    }
    // Lock keys SCAN returned: listed alone when their session is gone (to be released).
    for (const l of lockKeys) w.keyed(EXISTS_ONE, l.subarray(0, l.length - SUFFIX.length));
    const per = headBytes > 0 && !whole ? 3 : 2;
    const replies = await lane.call(w.take(), sessions.length * per + probes + lockKeys.length);

    // Locks to read: those of the probed chunks that found one, and the lone lock keys.
    const toRead: Buffer[] = [];
    for (let c = 0; c < probes; c++) {
      if (Number(replies[sessions.length * per + c]) > 0)
        for (const k of sessions.slice(c * LOCK_PROBE, (c + 1) * LOCK_PROBE)) toRead.push(Buffer.concat([k, SUFFIX]));
    }
    const lone = lockKeys.filter((_, i) => replies[sessions.length * per + probes + i] === 0);
    toRead.push(...lone);
    const locks = toRead.length ? await readLocks(lane, w, toRead) : undefined;

    const out: SessionInfo[] = [];
    for (let i = 0; i < sessions.length; i++) {
      const first = replies[i * per]!;
      const pttl = replies[i * per + 1]!;
      if (isWrongType(first)) continue;
      if (pttl instanceof RespError) throw pttl;
      // Expired since SCAN saw it.
      if (pttl === -2 || first === null) continue;
      const keyBytes = sessions[i]!;
      const key = keyBytes.toString();
      const value = whole ? (first as Buffer) : undefined;
      const info = sessionInfo(key, prefix, value ? value.length : (first as number), pttl as number);
      info.keyBytes = keyBytes;
      if (value) info.head = value;
      else if (headBytes > 0) {
        const head = replies[i * per + 2]!;
        if (!isWrongType(head)) info.head = head as Buffer;
      }
      const lock = locks?.get(key + LOCK_SUFFIX);
      if (lock) {
        info.locked = true;
        info.lock = lock;
      }
      out.push(info);
    }
    for (const l of lone) {
      const lockKey = l.toString();
      const lock = locks?.get(lockKey);
      if (!lock) continue;
      const info = sessionInfo(lockKey.slice(0, -LOCK_SUFFIX.length), prefix, 0, -2);
      info.ttl = lock.noExpiry ? -1 : Math.ceil(lock.ttlMs / 1000);
      info.ttlMs = lock.ttlMs;
      info.locked = true;
      info.lock = lock;
      info.lockOnly = true;
      out.push(info);
    }
    return out;
  };
}

/** PTTL and owner of the lock keys that exist, among `lockKeys`, by key (decoded). */
async function readLocks(
  lane: RespLane,
  w: RespWriter,
  lockKeys: readonly Buffer[],
): Promise<Map<string, SessionLock>> {
  for (const k of lockKeys) w.keyed(PTTL, k).keyed(GET, k);
  const replies = await lane.call(w.take(), 2 * lockKeys.length);
  const out = new Map<string, SessionLock>();
  for (let i = 0; i < lockKeys.length; i++) {
    const pttl = replies[2 * i];
    if (typeof pttl !== 'number' || pttl === -2) continue;
    const owner = replies[2 * i + 1];
    out.set(lockKeys[i]!.toString(), {
      ttlMs: pttl,
      noExpiry: pttl === -1,
      owner: Buffer.isBuffer(owner) ? owner.toString() : null,
    });
  }
  return out;
}
