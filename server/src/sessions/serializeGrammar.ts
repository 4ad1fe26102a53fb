// The byte values of serialize()'s grammar (php-src ext/standard/var_unserializer.re), shared by the
// value-tree reader (phpSerialize.ts) and the direct JSON reader (direct/serializeDirect.ts), and
// how both read a double's text.
import { latin1 } from './decodeCommon.ts';

export const QUOTE = 0x22;
export const PLUS = 0x2b;
export const MINUS = 0x2d;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const NINE = 0x39;
export const COLON = 0x3a;
export const SEMI = 0x3b;
export const BACKSLASH = 0x5c;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;

/** zend_is_valid_class_name: [A-Za-z0-9_\\] and any byte >= 0x80. */
export function isClassNameByte(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= ZERO && c <= NINE) ||
    c === 0x5f ||
    c === BACKSLASH ||
    c >= 0x80
  );
}

/** Where the run of ASCII digits from `i` ends (at most `end`). */
export function digitsEnd(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i]!;
    if (c < ZERO || c > NINE) break;
    i++;
  }
  return i;
}

/** 10^0 … 10^15, all exact doubles. */
const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => Number(`1e${i}`));

/**
 * The double of a `d:` number's text `b[start, end)` (sign, digits, optional fraction and
 * exponent; `digits` counted, `exponent` seen by the caller's scan). Up to 15 digits and no
 * exponent: the digits as an integer (exact below 2^53) divided by an exact power of ten, one
 * correctly rounded operation, so the same double as parsing the text (Clinger's fast path)
 * without making it; else the text itself.
 */
export function serializedDouble(b: Uint8Array, start: number, end: number, digits: number, exponent: boolean): number {
  if (digits > 15 || exponent) return Number(latin1(b, start, end));
  let i = start;
  const neg = b[i] === MINUS;
  if (neg || b[i] === PLUS) i++;
  let m = 0;
  let scale = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === DOT) scale = end - i - 1;
    else m = m * 10 + (c - ZERO);
  }
  const v = m / POW10[scale]!;
  return neg ? -v : v;
}
