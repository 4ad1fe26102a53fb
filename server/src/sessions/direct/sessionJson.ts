// What `decode` prints and Open Session's JSON view shows: the canonical JSON of a stored session.
// Sessions of plain values (nearly all of them) are written straight from their bytes, with no
// value tree in between: a tree of small objects, all alive until the JSON was written, cost more
// than PHP's own unserialize() + json_encode(). Anything else (references, PHP's own classes,
// malformed bytes, duplicate keys, what PHP would refuse or note) goes through decodeSession and
// canonicalJson.ts, which the direct path is tested to match byte for byte.
import { toCanonicalJsonBytes } from '../canonicalJson.ts';
import {
  decodeUnwrapped,
  detectSessionSerializer,
  unwrap,
  type DecodeSessionOptions,
  type DecodedSession,
  type SessionSerializer,
} from '../sessionFormats.ts';
import { DirectWriter } from './directWriter.ts';
import { directIgbinary } from './igbinaryDirect.ts';
import { directMsgpack } from './msgpackDirect.ts';
import { directPhp, directPhpSerialize } from './serializeDirect.ts';

export interface SessionJson {
  json: Buffer;
  serializer: SessionSerializer;
  /** The decoded session, when it was decoded the tree way (its phpUnreadable and notes apply). */
  decoded?: DecodedSession;
}

/**
 * The canonical JSON of a session written straight from its bytes, or null when it needs the
 * value tree. Non-null only when decodeSession() would read the same variables with neither
 * phpUnreadable nor notes, and the JSON is then byte for byte toCanonicalJsonBytes()'s.
 */
export function directSessionJson(
  bytes: Uint8Array,
  options: DecodeSessionOptions = {},
  spaces = 2,
): { json: Buffer; serializer: SessionSerializer } | null {
  return directPayloadJson(unwrap(bytes, options).payload, options, spaces);
}

/** Canonical JSON of a session (indented by `spaces`), the direct way when it can be. Throws SessionDecodeError. */
export function sessionJson(bytes: Uint8Array, options: DecodeSessionOptions = {}, spaces = 2): SessionJson {
  // Unwrapped once: a compressed session the direct path leaves to the tree is not inflated twice.
  const unwrapped = unwrap(bytes, options);
  const direct = directPayloadJson(unwrapped.payload, options, spaces);
  if (direct) return direct;
  const decoded = decodeUnwrapped(bytes, unwrapped, options);
  return { json: toCanonicalJsonBytes(decoded, spaces), serializer: decoded.serializer, decoded };
}

/** directSessionJson on the bytes without their compression envelope. */
function directPayloadJson(
  payload: Uint8Array,
  options: DecodeSessionOptions,
  spaces: number,
): { json: Buffer; serializer: SessionSerializer } | null {
  const named = options.serializer;
  // No bytes, no variables (what PHP reads from an empty value with any handler).
  if (payload.length === 0) return { json: Buffer.from('{}'), serializer: named ?? 'php' };
  const serializer = named ?? detectSessionSerializer(payload);
  const w = new DirectWriter(spaces);
  try {
    switch (serializer) {
      case 'php_serialize':
        // (A serialized string is Laravel's envelope.)
        if (payload[0] !== 0x61) return null;
        directPhpSerialize(w, payload, named === undefined, options.maxDepth);
        break;
      case 'php':
        directPhp(w, payload, options.maxDepth);
        break;
      case 'msgpack':
        directMsgpack(w, payload, named === undefined, options.maxDepth);
        break;
      case 'igbinary':
        directIgbinary(w, payload, options.maxDepth);
        break;
      default:
        return null;
    }
    if (w.openContainers !== 0) return null;
  } catch {
    // A bail (or any surprise): the tree path decides, with PHP's own errors.
    return null;
  }
  return { json: w.bytes(), serializer };
}
