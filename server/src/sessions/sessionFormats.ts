// A stored session value → its variables. Undoes phpredis compression, then the session
// serializer (php, php_binary, php_serialize, igbinary, msgpack: configured or detected from the
// bytes, reference §4.2), and recognises Symfony and Laravel stores (§4.4).
import { decompress, detectCompression, type SessionCompression } from './compression.ts';
import { decodeIgbinary, hasIgbinaryHeader } from './igbinary.ts';
import { decodeMsgpack, looksLikeMsgpackSession } from './msgpack.ts';
import { PhpUnserializer, SessionDecodeError, unserialize } from './phpSerialize.ts';
import { decodeUtf8, type PhpCell, type PhpValue } from './phpValue.ts';

export { SessionDecodeError };
export type { SessionCompression };

export type SessionSerializer = 'php' | 'php_binary' | 'php_serialize' | 'igbinary' | 'msgpack';
export type SessionFramework = 'symfony' | 'laravel';

export const SESSION_SERIALIZERS: readonly SessionSerializer[] = [
  'php',
  'php_binary',
  'php_serialize',
  'igbinary',
  'msgpack',
];

export interface DecodeSessionOptions {
  /** The configured session.serialize_handler; detected from the bytes when absent. */
  serializer?: SessionSerializer;
  /** The configured redis.session.compression; zstd and lz4 are detected when absent. */
  compression?: SessionCompression;
  /** Maximum nesting of arrays/objects. Default 512. */
  maxDepth?: number;
  /** The Redis key, when known: an `sf_s` prefix marks a Symfony session. */
  key?: string;
  /** Cap on the decompressed size. Default 64 MiB. */
  maxDecompressedBytes?: number;
}

export interface DecodedSession {
  serializer: SessionSerializer;
  /** The envelope actually removed ('none' when a configured one did not apply, like phpredis). */
  compression: SessionCompression;
  framework?: SessionFramework;
  /** The session variables in order ($_SESSION's keys; integer keys as decimal strings). */
  variables: [name: string, value: PhpValue][];
}

type Decoded = Omit<DecodedSession, 'compression'>;

const PIPE = 0x7c;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const TYPE_CHARS = new Set(Array.from('NbidsaOCErRS', (c) => c.charCodeAt(0)));

/** `<letter>:<digits>:<open>` at the start (a:3:{ and s:12:"). */
function startsWithHeader(b: Uint8Array, letter: number, open: number): boolean {
  if (b[0] !== letter || b[1] !== 0x3a || !isDigit(b[2])) return false;
  let i = 3;
  while (isDigit(b[i])) i++;
  return b[i] === 0x3a && b[i + 1] === open;
}

/** `name|` followed by a serialize() type letter, with no '|' in the name. */
function looksLikePhp(b: Uint8Array): boolean {
  const pipe = b.indexOf(PIPE);
  if (pipe < 0) return false;
  const t = b[pipe + 1];
  const sep = b[pipe + 2];
  return t !== undefined && TYPE_CHARS.has(t) && (sep === 0x3a || sep === 0x3b);
}

/** A length byte (< 0x80) then that many name bytes, then a serialize() type letter. */
function looksLikePhpBinary(b: Uint8Array): boolean {
  const len = b[0];
  if (len === undefined || len >= 0x80) return false;
  const t = b[len + 1];
  const sep = b[len + 2];
  return t !== undefined && TYPE_CHARS.has(t) && (sep === 0x3a || sep === 0x3b);
}

function looksLikeIgbinary(b: Uint8Array): boolean {
  return hasIgbinaryHeader(b) && b[4]! >= 0x14 && b[4]! <= 0x16;
}

/** Which serializer the bytes look like (signatures only, nothing parsed), in §4.2's order. */
export function detectSessionSerializer(b: Uint8Array): SessionSerializer | null {
  if (looksLikeIgbinary(b)) return 'igbinary';
  if (looksLikeMsgpackSession(b)) return 'msgpack';
  if (startsWithHeader(b, 0x61, 0x7b)) return 'php_serialize';
  if (looksLikePhp(b)) return 'php';
  if (looksLikePhpBinary(b)) return 'php_binary';
  return null;
}

/** $_SESSION semantics: a repeated name keeps its first position and takes the later value. */
class Variables {
  readonly list: [string, PhpValue][] = [];
  private readonly at = new Map<string, number>();
  set(name: string, value: PhpValue): void {
    const i = this.at.get(name);
    if (i !== undefined) this.list[i]![1] = value;
    else {
      this.at.set(name, this.list.length);
      this.list.push([name, value]);
    }
  }
}

/** `php`: name|value name|value …, one slot table across all variables. */
function decodePhp(b: Uint8Array, maxDepth: number | undefined): Decoded {
  const reader = new PhpUnserializer(b, 0, b.length, { maxDepth });
  const vars = new Variables();
  let p = 0;
  while (p < b.length) {
    const pipe = b.indexOf(PIPE, p);
    if (pipe < 0) throw new SessionDecodeError("Missing '|' after a session variable name", p);
    reader.pos = pipe + 1;
    const cell: PhpCell = { value: { kind: 'null' } };
    reader.readInto(cell);
    vars.set(decodeUtf8(b, p, pipe), cell.value);
    p = reader.pos;
  }
  return { serializer: 'php', variables: vars.list };
}

/** `php_binary`: [len & 0x7f] name value …, one slot table across all variables. */
function decodePhpBinary(b: Uint8Array, maxDepth: number | undefined): Decoded {
  const reader = new PhpUnserializer(b, 0, b.length, { maxDepth });
  const vars = new Variables();
  let p = 0;
  while (p < b.length) {
    const len = b[p]! & 0x7f; // bit 7 is the legacy "undefined" flag, ignored since PHP 7
    if (p + len >= b.length) throw new SessionDecodeError(`Variable name of ${len} bytes runs past the end`, p);
    reader.pos = p + 1 + len;
    const cell: PhpCell = { value: { kind: 'null' } };
    reader.readInto(cell);
    vars.set(decodeUtf8(b, p + 1, p + 1 + len), cell.value);
    p = reader.pos;
  }
  return { serializer: 'php_binary', variables: vars.list };
}

/** The session array's entries as variables. */
function variablesOf(root: PhpValue, serializer: SessionSerializer): Decoded {
  if (root.kind !== 'array')
    throw new SessionDecodeError(`A ${serializer} session must hold an array, found ${root.kind}`, 0);
  return { serializer, variables: root.entries.map((e) => [String(e.key), e.value]) };
}

/** Laravel: serialize() of the payload string, itself serialize() of the attributes array. */
function decodeLaravel(b: Uint8Array, maxDepth: number | undefined): Decoded {
  const outer = unserialize(b, { maxDepth });
  if (outer.kind !== 'string') throw new SessionDecodeError('Not a Laravel session payload', 0);
  let inner: PhpValue;
  try {
    inner = unserialize(outer.bytes, { maxDepth });
  } catch {
    // Encrypted (session.encrypt) or JSON (session.serialization=json) payloads stay one string.
    return { serializer: 'php_serialize', framework: 'laravel', variables: [['payload', outer]] };
  }
  return { ...variablesOf(inner, 'php_serialize'), framework: 'laravel' };
}

function decodeWith(
  serializer: SessionSerializer,
  b: Uint8Array,
  maxDepth: number | undefined,
  strict: boolean,
): Decoded {
  if (b.length === 0) return { serializer, variables: [] };
  switch (serializer) {
    case 'php':
      return decodePhp(b, maxDepth);
    case 'php_binary':
      return decodePhpBinary(b, maxDepth);
    case 'php_serialize': {
      // PHP ignores bytes after the array; detection insists on a clean parse.
      const root = unserialize(b, { maxDepth, allowTrailing: !strict });
      if (root.kind === 'string') return decodeLaravel(b, maxDepth);
      return variablesOf(root, 'php_serialize');
    }
    case 'igbinary':
      return variablesOf(decodeIgbinary(b, { maxDepth, allowTrailing: !strict }), 'igbinary');
    case 'msgpack':
      return variablesOf(decodeMsgpack(b, { maxDepth, allowTrailing: !strict }), 'msgpack');
  }
}

/** Tries each format whose signature matches; null when none decodes. Keeps the first error. */
function detect(b: Uint8Array, maxDepth: number | undefined, errors: SessionDecodeError[]): Decoded | null {
  if (b.length === 0) return { serializer: 'php', variables: [] };
  const attempts: Array<[boolean, () => Decoded]> = [
    [looksLikeIgbinary(b), () => decodeWith('igbinary', b, maxDepth, true)],
    [looksLikeMsgpackSession(b), () => decodeWith('msgpack', b, maxDepth, true)],
    [startsWithHeader(b, 0x61, 0x7b), () => decodeWith('php_serialize', b, maxDepth, true)],
    [startsWithHeader(b, 0x73, 0x22), () => decodeLaravel(b, maxDepth)],
    [looksLikePhp(b), () => decodePhp(b, maxDepth)],
    [looksLikePhpBinary(b), () => decodePhpBinary(b, maxDepth)],
  ];
  for (const [matches, run] of attempts) {
    if (!matches) continue;
    try {
      return run();
    } catch (err) {
      if (!(err instanceof SessionDecodeError)) throw err;
      errors.push(err);
    }
  }
  return null;
}

function describeStart(b: Uint8Array): string {
  return Array.from(b.subarray(0, 8), (c) => c.toString(16).padStart(2, '0')).join(' ');
}

/** Removes the envelope the way phpredis does: on failure the raw bytes are the value. */
function unwrap(
  b: Uint8Array,
  options: DecodeSessionOptions,
): { payload: Uint8Array; compression: SessionCompression } {
  const wanted = options.compression ?? detectCompression(b) ?? 'none';
  if (wanted === 'none') return { payload: b, compression: 'none' };
  try {
    return { payload: decompress(b, wanted, { maxOutputBytes: options.maxDecompressedBytes }), compression: wanted };
  } catch (err) {
    if (!(err instanceof SessionDecodeError)) throw err;
    return { payload: b, compression: 'none' };
  }
}

function recogniseFramework(decoded: Decoded, key: string | undefined): Decoded {
  if (decoded.framework) return decoded;
  const symfony =
    key?.startsWith('sf_s') || decoded.variables.some(([name]) => name === '_sf2_attributes' || name === '_sf2_meta');
  return symfony ? { ...decoded, framework: 'symfony' } : decoded;
}

/**
 * Decodes one stored session value. A configured serializer is tried first and detection is the
 * fallback (a keyspace can hold values written by other code). Throws SessionDecodeError.
 */
export function decodeSession(bytes: Uint8Array, options: DecodeSessionOptions = {}): DecodedSession {
  const { maxDepth } = options;
  const { payload, compression } = unwrap(bytes, options);
  const errors: SessionDecodeError[] = [];
  let decoded: Decoded | null = null;
  if (options.serializer) {
    try {
      decoded = decodeWith(options.serializer, payload, maxDepth, false);
    } catch (err) {
      if (!(err instanceof SessionDecodeError)) throw err;
      errors.push(err);
      decoded = detect(payload, maxDepth, []);
    }
  } else {
    decoded = detect(payload, maxDepth, errors);
  }
  let usedCompression = compression;
  if (decoded === null && compression === 'none') {
    // Last resorts, reported as such: a value compressed although 'none' is configured (written
    // before a config change), and lzf, which has no signature to detect.
    const detected = options.compression === 'none' ? detectCompression(bytes) : null;
    const fallbacks: SessionCompression[] = detected ? [detected, 'lzf'] : ['lzf'];
    for (const codec of fallbacks) {
      try {
        const inflated = decompress(bytes, codec, { maxOutputBytes: options.maxDecompressedBytes });
        decoded = options.serializer
          ? decodeWith(options.serializer, inflated, maxDepth, false)
          : detect(inflated, maxDepth, []);
      } catch (err) {
        if (!(err instanceof SessionDecodeError)) throw err;
      }
      if (decoded) {
        usedCompression = codec;
        break;
      }
    }
  }
  if (decoded === null) {
    const first = errors[0];
    if (first) throw first;
    throw new SessionDecodeError(
      `Not a PHP session value in any known format (starts with ${describeStart(payload)})`,
      0,
    );
  }
  return { ...recogniseFramework(decoded, options.key), compression: usedCompression };
}
