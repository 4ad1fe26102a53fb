// What every session decoder (serialize, igbinary, msgpack) shares: the error they throw, PHP's
// depth limit, PHP's integer and array-key rules, and the unmangling of property names.
import {
  decodeUtf8,
  isValidUtf8,
  PHP_NULL,
  type PhpArrayEntry,
  type PhpCell,
  type PhpInt,
  type PhpKey,
  type PhpProperty,
  type PhpVisibility,
} from './phpValue.ts';

/** Any refusal to decode: malformed, truncated or hostile bytes. `offset` is where it went wrong. */
export class SessionDecodeError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'SessionDecodeError';
    this.offset = offset;
  }
}

/**
 * PHP's own nesting limit: the default of unserialize_max_depth (php-src ext/standard/basic_functions.c,
 * "4096"). The decoders are iterative, so this is PHP's rule, not a guard for the JS stack.
 */
export const DEFAULT_MAX_DEPTH = 4096;

const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const INT64_MAX = (1n << 63n) - 1n;

/** Shared immutable ints for the common small values (keys 0..255 mostly). */
const SMALL_INTS: PhpInt[] = Array.from({ length: 256 }, (_, i) => Object.freeze({ kind: 'int', value: BigInt(i) }));
export const SMALL_BIGINTS: readonly bigint[] = SMALL_INTS.map((i) => i.value);

export function phpInt(v: bigint): PhpInt {
  return v >= 0n && v < 256n ? SMALL_INTS[Number(v)]! : { kind: 'int', value: v };
}

/** The same from a safe integer (no BigInt made for the shared small ones). */
export function phpIntOf(n: number): PhpInt {
  return n >= 0 && n < 256 ? SMALL_INTS[n]! : { kind: 'int', value: BigInt(n) };
}

/** An integer array index as the bigint key (shared below 256). */
export function indexKey(n: number): bigint {
  return n < 256 ? SMALL_BIGINTS[n]! : BigInt(n);
}

/** The bytes as a latin1 string: an exact, hashable key for byte strings. */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * The rule of a string array key PHP stores as an integer (ZEND_HANDLE_NUMERIC_STR: an optional
 * '-', digits, no leading zero, no "-0"), without a BigInt: the key's value when it has at most 15
 * digits, ±Infinity when it has 16-19 (numericStringKey reads those exactly), NaN when it stays a
 * string.
 */
export function numericKeyValue(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len === 0 || len > 20) return NaN;
  let i = start;
  const neg = b[i] === MINUS;
  if (neg) i++;
  if (i >= end || (b[i] === ZERO && len > 1)) return NaN;
  let n = 0;
  for (let k = i; k < end; k++) {
    const c = b[k]!;
    if (c < ZERO || c > NINE) return NaN;
    n = n * 10 + (c - ZERO);
  }
  const digits = end - i;
  if (digits > 19) return NaN;
  if (digits > 15) return neg ? -Infinity : Infinity;
  return neg ? -n : n;
}

/** The same key as PHP stores it: the integer (within the 64-bit range), or null when it stays a string. */
export function numericStringKey(b: Uint8Array, start: number, end: number): bigint | null {
  const n = numericKeyValue(b, start, end);
  if (n !== n) return null;
  if (n !== Infinity && n !== -Infinity) return n >= 0 && n < 256 ? SMALL_BIGINTS[n]! : BigInt(n);
  const v = BigInt(latin1(b, start, end));
  return v > INT64_MAX || v < -INT64_MAX - 1n ? null : v;
}

/**
 * parse_iv on the digits `b[start, end)` (sign already read): out-of-range values clamp to the
 * 64-bit bounds, as PHP's "Numerical result out of range" does.
 */
export function parseIv(b: Uint8Array, start: number, end: number, neg: boolean): bigint {
  let i = start;
  while (i < end && b[i] === ZERO) i++;
  const digits = end - i;
  if (digits <= 15) {
    let n = 0;
    for (let k = i; k < end; k++) n = n * 10 + (b[k]! - ZERO);
    return neg ? -BigInt(n) : n < 256 ? SMALL_BIGINTS[n]! : BigInt(n);
  }
  if (digits > 19) return neg ? -INT64_MAX - 1n : INT64_MAX;
  const v = BigInt(latin1(b, i, end));
  if (neg) return v > INT64_MAX + 1n ? -INT64_MAX - 1n : -v;
  return v > INT64_MAX ? INT64_MAX : v;
}

/**
 * The length of a mangled property name's class part (`*` for protected, the class for private),
 * or -1 for a public name (zend_unmangle_property_name_ex): the name itself starts 2 bytes later.
 */
export function mangledClassLength(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (!(len >= 3 && b[start] === 0 && b[start + 1] !== 0)) return -1;
  let cn = 0; // zend_strnlen(name + 1, len - 2)
  while (cn < len - 2 && b[start + 1 + cn] !== 0) cn++;
  if (!(cn < len - 2 && b[start + 1 + cn] === 0)) return -1;
  // An anonymous class name contains a NUL of its own: the class part then runs to the next one.
  let anon = 0;
  while (anon < len - cn - 2 && b[start + cn + 2 + anon] !== 0) anon++;
  if (cn + anon + 2 !== len) cn += anon + 1;
  return cn;
}

/** Splits a mangled property name: `\0*\0x` protected, `\0Class\0x` private, else public. */
export function unmangleProperty(b: Uint8Array, start: number, end: number): PhpProperty {
  const cn = mangledClassLength(b, start, end);
  let visibility: PhpVisibility = 'public';
  let declaringClass: string | undefined;
  if (cn >= 0) {
    if (cn === 1 && b[start + 1] === 0x2a) visibility = 'protected';
    else {
      visibility = 'private';
      declaringClass = decodeUtf8(b, start + 1, start + 1 + cn);
    }
  }
  const prop: PhpProperty = {
    name: decodeUtf8(b, cn >= 0 ? start + cn + 2 : start, end),
    visibility,
    value: PHP_NULL,
  };
  if (declaringClass !== undefined) prop.declaringClass = declaringClass;
  if (!isValidUtf8(b, start, end)) prop.rawName = b.slice(start, end);
  return prop;
}

/** Containers up to this size find duplicate keys by scanning instead of a Map. */
export const SCAN_LIMIT = 16;

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Same mangled name: the same property slot of the object. */
export function sameProperty(a: PhpProperty, b: PhpProperty): boolean {
  return (
    a.name === b.name &&
    a.visibility === b.visibility &&
    a.declaringClass === b.declaringClass &&
    sameBytes(a.rawName, b.rawName)
  );
}

function utf8Latin1(s: string): string {
  const b = new TextEncoder().encode(s);
  return latin1(b, 0, b.length);
}

/** The latin1 form of a property's mangled name, for duplicate detection. */
export function mangledKey(p: PhpProperty): string {
  if (p.rawName) return latin1(p.rawName, 0, p.rawName.length);
  const name = utf8Latin1(p.name);
  if (p.visibility === 'public') return name;
  return `\0${p.visibility === 'protected' ? '*' : utf8Latin1(p.declaringClass ?? '')}\0${name}`;
}

/** An array key as exact bytes for a Map: the integer, or the string's bytes. */
function entryKey(e: { key: PhpKey; keyBytes?: Uint8Array }): bigint | string {
  return typeof e.key === 'bigint' ? e.key : e.keyBytes ? latin1(e.keyBytes, 0, e.keyBytes.length) : e.key;
}

/**
 * The members of a container being read, found by key the way PHP's hash table finds them (exact
 * bytes): scanned while the container is small, through a Map made on first need after that (a
 * Map and a key string per member dominated the decoding of large sessions).
 */
export class Members {
  private index: Map<bigint | string, PhpCell> | null = null;
  /** The keys so far are 0..n-1 (a list): key n is new, no index needed yet. */
  private list = true;

  /** The array entry with this key, if any. */
  entry(entries: readonly PhpArrayEntry[], key: PhpKey, keyBytes: Uint8Array | undefined): PhpArrayEntry | undefined {
    if (this.list) {
      if (typeof key === 'bigint' && Number(key) === entries.length) return undefined;
      this.list = false;
    }
    if (this.index === null && entries.length < SCAN_LIMIT) {
      for (const e of entries) if (e.key === key && sameBytes(e.keyBytes, keyBytes)) return e;
      return undefined;
    }
    if (this.index === null) {
      this.index = new Map();
      for (const e of entries) this.index.set(entryKey(e), e);
    }
    return this.index.get(entryKey({ key, ...(keyBytes ? { keyBytes } : {}) })) as PhpArrayEntry | undefined;
  }

  /** A new entry (after `entry` found none). */
  addEntry(entries: PhpArrayEntry[], e: PhpArrayEntry): void {
    entries.push(e);
    this.index?.set(entryKey(e), e);
  }

  /** The property with this mangled name, if any. */
  property(props: readonly PhpProperty[], p: PhpProperty): PhpProperty | undefined {
    if (this.index === null && props.length < SCAN_LIMIT) {
      for (const q of props) if (sameProperty(q, p)) return q;
      return undefined;
    }
    if (this.index === null) {
      this.index = new Map();
      for (const q of props) this.index.set(mangledKey(q), q);
    }
    return this.index.get(mangledKey(p)) as PhpProperty | undefined;
  }

  addProperty(props: PhpProperty[], p: PhpProperty): void {
    props.push(p);
    this.index?.set(mangledKey(p), p);
  }
}
