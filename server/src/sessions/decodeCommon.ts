// What every session decoder (serialize, igbinary, msgpack) shares: the error they throw, PHP's
// depth limit, PHP's integer and array-key rules, and the unmangling of property names.
import { decodeUtf8, isValidUtf8, PHP_NULL, type PhpInt, type PhpProperty, type PhpVisibility } from './phpValue.ts';

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

/** The bytes as a latin1 string: an exact, hashable key for byte strings. */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * A string array key that PHP stores as an integer (ZEND_HANDLE_NUMERIC_STR): an optional '-',
 * no leading zero, no "-0", within the 64-bit range. Returns null when it stays a string.
 */
export function numericStringKey(b: Uint8Array, start: number, end: number): bigint | null {
  const len = end - start;
  if (len === 0 || len > 20) return null;
  let i = start;
  const neg = b[i] === MINUS;
  if (neg) i++;
  if (i >= end) return null;
  if (b[i] === ZERO && len > 1) return null;
  for (let k = i; k < end; k++) {
    const c = b[k]!;
    if (c < ZERO || c > NINE) return null;
  }
  const digits = end - i;
  if (digits > 19) return null;
  if (digits <= 15) {
    let n = 0;
    for (let k = i; k < end; k++) n = n * 10 + (b[k]! - ZERO);
    return neg ? -BigInt(n) : n < 256 ? SMALL_BIGINTS[n]! : BigInt(n);
  }
  const v = BigInt(latin1(b, i, end));
  if (neg ? v > INT64_MAX + 1n : v > INT64_MAX) return null;
  return neg ? -v : v;
}

/** Splits a mangled property name: `\0*\0x` protected, `\0Class\0x` private, else public (zend_unmangle_property_name_ex). */
export function unmangleProperty(b: Uint8Array, start: number, end: number): PhpProperty {
  const len = end - start;
  let visibility: PhpVisibility = 'public';
  let declaringClass: string | undefined;
  let nameStart = start;
  if (len > 0 && b[start] === 0 && len >= 3 && b[start + 1] !== 0) {
    let cn = 0; // zend_strnlen(name + 1, len - 2)
    while (cn < len - 2 && b[start + 1 + cn] !== 0) cn++;
    if (cn < len - 2 && b[start + 1 + cn] === 0) {
      // An anonymous class name contains a NUL of its own: the class part then runs to the next one.
      let anon = 0;
      while (anon < len - cn - 2 && b[start + cn + 2 + anon] !== 0) anon++;
      if (cn + anon + 2 !== len) cn += anon + 1;
      nameStart = start + cn + 2;
      if (cn === 1 && b[start + 1] === 0x2a) visibility = 'protected';
      else {
        visibility = 'private';
        declaringClass = decodeUtf8(b, start + 1, start + 1 + cn);
      }
    }
  }
  const prop: PhpProperty = { name: decodeUtf8(b, nameStart, end), visibility, value: PHP_NULL };
  if (declaringClass !== undefined) prop.declaringClass = declaringClass;
  if (!isValidUtf8(b, start, end)) prop.rawName = b.slice(start, end);
  return prop;
}
