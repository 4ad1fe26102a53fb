// PHP 8 string → number conversions as the engine does them (Zend/zend_operators.c):
// zval_get_long() = _is_numeric_string_ex(allow_errors) + zend_dval_to_lval_cap,
// zval_get_double() = zend_strtod after leading whitespace. phpredis reads every numeric
// session.save_path parameter through one of these, so "2abc" is 2 and "0x10" is 0.
// Strings are taken char-by-char; only ASCII matters, so PHP's byte view and UTF-16 agree.

export const PHP_INT_MAX = 9223372036854775807n;
export const PHP_INT_MIN = -9223372036854775808n;

const WS = ' \t\n\r\v\f';
const isWs = (c: string | undefined): boolean => c !== undefined && c !== '' && WS.includes(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** The prefix zend_strtod() consumes: [sign] digits[.digits] | .digits, then [e[sign]digits]. */
const STRTOD_PREFIX = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;

/** zend_strtod(s, &end) with no whitespace skipping: value and chars consumed (0 = none). */
export function zendStrtod(s: string): { value: number; length: number } {
  const m = STRTOD_PREFIX.exec(s);
  if (!m) return { value: 0, length: 0 };
  // Number() is correctly rounded like zend_strtod; overflow gives ±Infinity, underflow ±0.
  return { value: Number(m[0]), length: m[0].length };
}

export interface NumericPrefix {
  /** 'long' / 'double' as is_numeric_string reports; null: not numeric at all (PHP reads 0). */
  type: 'long' | 'double' | null;
  lval: bigint;
  dval: number;
  /** Something other than whitespace follows the number ("2abc"): PHP 8 warns. */
  trailingData: boolean;
  /** Leading whitespace was skipped. */
  leadingWhitespace: boolean;
}

/** _is_numeric_string_ex(str, len, &lval, &dval, allow_errors = true). */
export function phpNumericPrefix(input: string): NumericPrefix {
  const none: NumericPrefix = { type: null, lval: 0n, dval: 0, trailingData: false, leadingWhitespace: false };
  if (input.length === 0) return none;
  let i = 0;
  while (isWs(input[i])) i++;
  const str = input.slice(i);
  const leadingWhitespace = i > 0;
  const length = str.length;
  let ptr = 0;
  let neg = false;
  if (str[ptr] === '-') {
    neg = true;
    ptr++;
  } else if (str[ptr] === '+') ptr++;

  const MAX_LENGTH_OF_LONG = 20;
  let type: 'long' | 'double';
  let digits = 0;
  let tmp = 0n;
  let dval = 0;
  let toDouble = false;

  if (isDigit(str[ptr])) {
    while (str[ptr] === '0') ptr++;
    type = 'long';
    for (; digits < MAX_LENGTH_OF_LONG; digits++, ptr++) {
      const c = str[ptr];
      if (isDigit(c)) {
        tmp = tmp * 10n + BigInt(c!.charCodeAt(0) - 48);
        continue;
      } else if (c === '.') {
        toDouble = true;
      } else if (c === 'e' || c === 'E') {
        let e = ptr + 1;
        if (str[e] === '-' || str[e] === '+') ptr = e++; // PHP moves ptr onto the sign here
        if (isDigit(str[e])) toDouble = true;
      }
      break;
    }
    if (!toDouble && digits >= MAX_LENGTH_OF_LONG) toDouble = true;
  } else if (str[ptr] === '.' && isDigit(str[ptr + 1])) {
    toDouble = true;
  } else {
    return { ...none, leadingWhitespace };
  }

  if (toDouble) {
    type = 'double';
    const r = zendStrtod(str);
    dval = r.value;
    ptr = r.length;
  } else {
    type = 'long';
  }

  let trailingData = false;
  if (ptr !== length) {
    let end = ptr;
    while (isWs(str[end])) end++;
    if (end !== length) trailingData = true;
  }

  if (type === 'long') {
    if (digits === MAX_LENGTH_OF_LONG - 1) {
      // PHP strcmp()s the digits (and whatever follows) against "9223372036854775808".
      const rest = str.slice(ptr - digits).split('\0')[0]!;
      const cmp = rest < '9223372036854775808' ? -1 : rest === '9223372036854775808' ? 0 : 1;
      if (!(cmp < 0 || (cmp === 0 && str[0] === '-'))) {
        return { type: 'double', lval: 0n, dval: zendStrtod(str).value, trailingData, leadingWhitespace };
      }
    }
    const v = neg ? -tmp : tmp;
    return { type: 'long', lval: BigInt.asIntN(64, v), dval: 0, trailingData, leadingWhitespace };
  }
  return { type: 'double', lval: 0n, dval, trailingData, leadingWhitespace };
}

/** zend_dval_to_lval_cap: saturating double → long, non-finite → 0. */
export function dvalToLvalCap(d: number): bigint {
  if (!Number.isFinite(d)) return 0n;
  if (d >= 9223372036854775808 || d < -9223372036854775808) return d > 0 ? PHP_INT_MAX : PHP_INT_MIN;
  return BigInt(Math.trunc(d));
}

/** zval_get_long() of a string, i.e. (int)$string. */
export function zvalGetLong(s: string): bigint {
  const r = phpNumericPrefix(s);
  if (r.type === null) return 0n;
  if (r.type === 'double') return dvalToLvalCap(r.dval);
  return r.lval;
}

/** zval_get_double() of a string, i.e. (float)$string. */
export function zvalGetDouble(s: string): number {
  let i = 0;
  while (isWs(s[i])) i++;
  return zendStrtod(s.slice(i)).value;
}

/** C's implicit zend_long → int conversion (phpredis stores weight and database in an `int`). */
export function toCInt(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** Exactly an integer, as a human would write it: optional '-', digits, nothing else. */
export function isPlainInteger(s: string): boolean {
  return /^-?[0-9]+$/.test(s);
}

/** Exactly a decimal number: optional '-', digits with optional fraction or `.5`, optional exponent. */
export function isPlainNumber(s: string): boolean {
  return /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s);
}

/** phpredis redis_conf_bool(): true only for "true", "yes" or "1" (case-insensitive); "on" is false. */
export function redisConfBool(s: string): boolean {
  const v = s.toLowerCase();
  return v === 'true' || v === 'yes' || v === '1';
}
