// A stored session value → its variables, as PHP's session decoders read it. Undoes phpredis
// compression, then the session serializer (php, php_binary, php_serialize: php-src
// ext/session/session.c; igbinary: igbinary src/php7/igbinary.c; msgpack: msgpack-php msgpack.c;
// configured or detected from the bytes), and recognises Symfony and Laravel stores.
import { decompress, detectCompression, type SessionCompression } from './compression.ts';
import { SCAN_LIMIT, SessionDecodeError } from './decodeCommon.ts';
import { hasIgbinaryHeader, readIgbinary } from './igbinary.ts';
import { looksLikeMsgpackSession, readMsgpack } from './msgpack.ts';
import { PhpUnserializer, unserialize } from './phpSerialize.ts';
import {
  PHP_NULL,
  decodeUtf8,
  deref,
  findPhpUnreadable,
  type PhpArray,
  type PhpCell,
  type PhpObject,
  type PhpValue,
} from './phpValue.ts';

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
  /** The configured (or named) session.serialize_handler; detected from the bytes when absent. */
  serializer?: SessionSerializer;
  /**
   * The user named `serializer`: decode with it alone and fail where PHP configured with it fails.
   * Default false: the configured serializer is tried first and detection is the fallback (a
   * keyspace can hold values written by other code), the session then marked phpUnreadable.
   */
  serializerOnly?: boolean;
  /** The configured redis.session.compression; zstd and lz4 are detected when absent. */
  compression?: SessionCompression;
  /**
   * Maximum nesting of arrays/objects. Default: each format's own limit (unserialize_max_depth's
   * 4096, msgpack-php's 1024; igbinary has none, so as deep as PHP survives, 32,768).
   */
  maxDepth?: number;
  /** The Redis key, when known: an `sf_s` prefix marks a Symfony session. */
  key?: string;
  /** Cap on the decompressed size. Default 64 MiB. */
  maxDecompressedBytes?: number;
}

/** Why PHP cannot read a session back: PHP's own message, or what PHP does instead. */
export interface PhpUnreadable {
  reason: string;
}

export interface DecodedSession {
  serializer: SessionSerializer;
  /** The envelope actually removed ('none' when a configured one did not apply, like phpredis). */
  compression: SessionCompression;
  framework?: SessionFramework;
  /** The session variables in order ($_SESSION's keys; integer keys as decimal strings). */
  variables: [name: string, value: PhpValue][];
  /**
   * The array $_SESSION is, for php_serialize: a PHP reference back to it is a cycle right there.
   * (igbinary's and msgpack-php's session decoders copy the variables out of their array.)
   */
  root?: PhpArray;
  /**
   * Set when real PHP (8.2 with phpredis, igbinary and msgpack-php, configured with this
   * serializer) cannot read the session back although it decodes here: session_start() then fails
   * or throws and the session is lost. `variables` still show what the bytes hold, and the values
   * PHP refuses carry `phpUnreadable` themselves (see PhpMarks). Absent when PHP reads it. This is
   * what a health report counts as a PHP-unreadable session.
   */
  phpUnreadable?: PhpUnreadable;
  /** What PHP does with these bytes that the variables alone do not show (one sentence each). */
  notes?: string[];
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

/** Which serializer the bytes look like (signatures only, nothing parsed), most distinctive first. */
export function detectSessionSerializer(b: Uint8Array): SessionSerializer | null {
  if (looksLikeIgbinary(b)) return 'igbinary';
  if (looksLikeMsgpackSession(b)) return 'msgpack';
  if (startsWithHeader(b, 0x61, 0x7b)) return 'php_serialize';
  // Laravel's envelope: serialize() of the payload that serialize() made of the attributes.
  if (startsWithHeader(b, 0x73, 0x22)) return 'php_serialize';
  if (looksLikePhp(b)) return 'php';
  if (looksLikePhpBinary(b)) return 'php_binary';
  return null;
}

/** $_SESSION semantics: a repeated name keeps its first position and takes the later value. */
class Variables {
  readonly list: [string, PhpValue][] = [];
  /** Made when the list outgrows a scan (a Map per session was a cost of its own). */
  private at: Map<string, number> | null = null;
  set(name: string, value: PhpValue): void {
    const list = this.list;
    if (this.at === null && list.length >= SCAN_LIMIT) {
      this.at = new Map();
      for (let k = 0; k < list.length; k++) this.at.set(list[k]![0], k);
    }
    let i: number | undefined;
    if (this.at !== null) i = this.at.get(name);
    else for (let k = 0; k < list.length && i === undefined; k++) if (list[k]![0] === name) i = k;
    if (i !== undefined) list[i]![1] = value;
    else {
      this.at?.set(name, list.length);
      list.push([name, value]);
    }
  }
}

function unreadable(reason: string | null): Pick<Decoded, 'phpUnreadable'> {
  return reason === null ? {} : { phpUnreadable: { reason } };
}

/** `php`: name|value name|value …, one slot table across all variables (session.c PS_SERIALIZER_DECODE_FUNC(php)). */
function decodePhp(b: Uint8Array, maxDepth: number | undefined): Decoded {
  const reader = new PhpUnserializer(b, 0, b.length, { maxDepth });
  const vars = new Variables();
  let p = 0;
  while (p < b.length) {
    const pipe = b.indexOf(PIPE, p);
    if (pipe < 0) throw new SessionDecodeError("Missing '|' after a session variable name", p);
    reader.pos = pipe + 1;
    const cell: PhpCell = { value: PHP_NULL };
    reader.readInto(cell);
    vars.set(decodeUtf8(b, p, pipe), cell.value);
    p = reader.pos;
  }
  return { serializer: 'php', variables: vars.list, ...unreadable(reader.phpUnreadable) };
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
    const cell: PhpCell = { value: PHP_NULL };
    reader.readInto(cell);
    vars.set(decodeUtf8(b, p + 1, p + 1 + len), cell.value);
    p = reader.pos;
  }
  return { serializer: 'php_binary', variables: vars.list, ...unreadable(reader.phpUnreadable) };
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
  if (inner.kind !== 'array') throw new SessionDecodeError('A Laravel session payload must hold an array', 0);
  return {
    serializer: 'php_serialize',
    framework: 'laravel',
    variables: inner.entries.map((e) => [String(e.key), e.value]),
    ...unreadable(findPhpUnreadable(inner)),
  };
}

/** `php_serialize`: serialize($_SESSION); PHP ignores bytes after the array unless detecting. */
function decodePhpSerialize(b: Uint8Array, maxDepth: number | undefined, strict: boolean): Decoded {
  const reader = new PhpUnserializer(b, 0, b.length, { maxDepth });
  const root = reader.readValue();
  if (strict && reader.pos !== b.length)
    throw new SessionDecodeError(`${b.length - reader.pos} unexpected bytes after the value`, reader.pos);
  if (root.kind === 'string') return decodeLaravel(b, maxDepth);
  if (root.kind !== 'array')
    throw new SessionDecodeError(`A php_serialize session must hold an array, found ${root.kind}`, 0);
  return {
    serializer: 'php_serialize',
    root,
    variables: root.entries.map((e) => [String(e.key), e.value]),
    ...unreadable(reader.phpUnreadable),
    ...(reader.referencesFirst
      ? {
          notes: [
            'R:1 makes $_SESSION a reference to itself: PHP reads it, but writing to $_SESSION then fails ("Cannot use a scalar value as an array")',
          ],
        }
      : {}),
  };
}

/**
 * The igbinary and msgpack session decoders set each string-keyed member of the stored array
 * (or object: its properties, under their mangled names) as a variable and skip integer keys.
 */
function stringKeyed(root: PhpArray | PhpObject): [string, PhpValue][] {
  if (root.kind === 'array') {
    const variables: [string, PhpValue][] = [];
    for (const e of root.entries) if (typeof e.key === 'string') variables.push([e.key, e.value]);
    return variables;
  }
  return root.properties.map((p) => [
    p.visibility === 'public' ? p.name : `\0${p.visibility === 'protected' ? '*' : p.declaringClass}\0${p.name}`,
    p.value,
  ]);
}

/**
 * igbinary's session decoder: header and one array or object; bytes after it are ignored (the
 * header is signature enough to detect the format with them).
 */
function decodeIgbinarySession(b: Uint8Array, maxDepth: number | undefined): Decoded {
  const { value, end, phpUnreadable } = readIgbinary(b, { maxDepth });
  const root = deref(value);
  if (root.kind !== 'array' && root.kind !== 'object')
    throw new SessionDecodeError(`An igbinary session must hold an array, found ${root.kind}`, 4);
  const trailing = b.length - end;
  return {
    serializer: 'igbinary',
    variables: stringKeyed(root),
    ...unreadable(phpUnreadable),
    ...(trailing > 0
      ? {
          notes: [
            `${trailing} bytes after the value, which igbinary's session decoder ignores (igbinary_unserialize() would refuse them)`,
          ],
        }
      : {}),
  };
}

/**
 * msgpack-php's session decoder never fails: bytes its unpacker rejects, and a value that is not
 * an array or object, leave an empty session; bytes after the value are ignored.
 */
function decodeMsgpackSession(b: Uint8Array, maxDepth: number | undefined, strict: boolean): Decoded {
  let read;
  try {
    read = readMsgpack(b, { maxDepth });
    if (strict && read.end !== b.length)
      throw new SessionDecodeError(`msgpack: ${b.length - read.end} unexpected bytes after the value`, read.end);
  } catch (err) {
    if (strict || !(err instanceof SessionDecodeError)) throw err;
    return {
      serializer: 'msgpack',
      variables: [],
      notes: [`msgpack-php reads these bytes as an empty session: ${err.message}`],
    };
  }
  const root = deref(read.value);
  if (root.kind !== 'array' && root.kind !== 'object') {
    if (strict) throw new SessionDecodeError(`A msgpack session must hold an array, found ${root.kind}`, 0);
    return {
      serializer: 'msgpack',
      variables: [],
      notes: [`msgpack-php reads a session holding ${root.kind} as an empty session`],
    };
  }
  const variables = stringKeyed(root);
  // msgpack-php moves each variable out of the decoded array: a reference to it sees it without them.
  if (root.kind === 'array')
    root.entries.splice(0, root.entries.length, ...root.entries.filter((e) => typeof e.key !== 'string'));
  else root.properties.length = 0;
  return { serializer: 'msgpack', variables, ...unreadable(read.phpUnreadable) };
}

/** The session decoder of `serializer` on the unwrapped bytes; `strict` when detecting. */
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
    case 'php_serialize':
      return decodePhpSerialize(b, maxDepth, strict);
    case 'igbinary':
      return decodeIgbinarySession(b, maxDepth);
    case 'msgpack':
      return decodeMsgpackSession(b, maxDepth, strict);
  }
}

type Attempt = readonly [(b: Uint8Array) => boolean, (b: Uint8Array, maxDepth: number | undefined) => Decoded];

/** The formats in the order detection tries them: made once (not a closure each per value decoded). */
const ATTEMPTS: readonly Attempt[] = [
  [looksLikeIgbinary, (b, maxDepth) => decodeWith('igbinary', b, maxDepth, true)],
  [looksLikeMsgpackSession, (b, maxDepth) => decodeWith('msgpack', b, maxDepth, true)],
  [(b) => startsWithHeader(b, 0x61, 0x7b), (b, maxDepth) => decodeWith('php_serialize', b, maxDepth, true)],
  [(b) => startsWithHeader(b, 0x73, 0x22), decodeLaravel],
  [looksLikePhp, decodePhp],
  [looksLikePhpBinary, decodePhpBinary],
];

/** Tries each format whose signature matches; null when none decodes. Keeps the first error. */
function detect(b: Uint8Array, maxDepth: number | undefined, errors: SessionDecodeError[]): Decoded | null {
  if (b.length === 0) return { serializer: 'php', variables: [] };
  for (const [matches, run] of ATTEMPTS) {
    if (!matches(b)) continue;
    try {
      return run(b, maxDepth);
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
export function unwrap(
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

/** Marks a Symfony session (the decoded object is this call's own: set in place, not copied). */
function recogniseFramework(decoded: Decoded, key: string | undefined): Decoded {
  if (decoded.framework) return decoded;
  let symfony = key?.startsWith('sf_s') ?? false;
  for (let i = 0; i < decoded.variables.length && !symfony; i++) {
    const name = decoded.variables[i]![0];
    symfony = name === '_sf2_attributes' || name === '_sf2_meta';
  }
  if (symfony) decoded.framework = 'symfony';
  return decoded;
}

/** A session PHP (configured as the caller says) reads as empty: for the configured-but-wrong case. */
function readsAsEmpty(d: Decoded): boolean {
  return d.serializer === 'msgpack' && d.variables.length === 0 && d.notes !== undefined;
}

/**
 * Decodes one stored session value as PHP does. With `serializerOnly`, the named serializer alone
 * (PHP's failure is the error); else a configured serializer is tried first and detection is the
 * fallback, the result then marked phpUnreadable. Throws SessionDecodeError.
 */
export function decodeSession(bytes: Uint8Array, options: DecodeSessionOptions = {}): DecodedSession {
  return decodeUnwrapped(bytes, unwrap(bytes, options), options);
}

/** decodeSession once the envelope is removed (`unwrapped` is unwrap()'s answer for `bytes`). */
export function decodeUnwrapped(
  bytes: Uint8Array,
  unwrapped: { payload: Uint8Array; compression: SessionCompression },
  options: DecodeSessionOptions = {},
): DecodedSession {
  const { maxDepth, serializer } = options;
  const { payload, compression } = unwrapped;
  const errors: SessionDecodeError[] = [];
  let decoded: Decoded | null = null;
  if (serializer) {
    try {
      decoded = decodeWith(serializer, payload, maxDepth, false);
    } catch (err) {
      if (!(err instanceof SessionDecodeError)) throw err;
      errors.push(err);
    }
    if (!options.serializerOnly && (decoded === null || readsAsEmpty(decoded))) {
      const detected = detect(payload, maxDepth, []);
      if (detected && detected.serializer !== serializer) {
        const why = decoded === null ? `it fails: ${errors[0]!.message}` : 'it reads an empty session';
        decoded = {
          ...detected,
          phpUnreadable: {
            reason: `written as ${detected.serializer}; session.serialize_handler=${serializer} cannot read it (${why})`,
          },
        };
      }
    }
  } else {
    decoded = detect(payload, maxDepth, errors);
  }
  let usedCompression = compression;
  if (decoded === null && compression === 'none') {
    // Last resorts, reported as such: a value compressed although 'none' is configured (written
    // before a config change), and lzf, which has no signature to detect (never when the user
    // named the serializer: any bytes might inflate into something).
    const detected = options.compression === 'none' ? detectCompression(bytes) : null;
    const fallbacks: SessionCompression[] = [
      ...(detected ? [detected] : []),
      ...(options.serializerOnly ? [] : ['lzf' as const]),
    ];
    for (const codec of fallbacks) {
      try {
        const inflated = decompress(bytes, codec, { maxOutputBytes: options.maxDecompressedBytes });
        decoded = serializer ? decodeWith(serializer, inflated, maxDepth, false) : detect(inflated, maxDepth, []);
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
  // This call's own object, completed in place (a copy per value decoded was measurable).
  const session = recogniseFramework(decoded, options.key) as DecodedSession;
  session.compression = usedCompression;
  return session;
}
