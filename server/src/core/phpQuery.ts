// PHP's query-string parsing as parse_str() and phpredis's save_path do it:
// php_default_treat_data(PARSE_STRING) (main/php_variables.c) splits and url-decodes,
// php_register_variable_ex() turns names like `auth[]` / `stream[verify_peer]` into arrays.
//
// PHP strings are bytes. Decoded keys/values are therefore kept as "binary strings" (one JS
// char per byte, 0-255) — exact, and identical to ordinary text for ASCII — with UTF-8 display
// versions alongside.

import type { Span } from './phpUrl.ts';

// ---------------------------------------------------------------------------------------------
// Bytes

/** UTF-8 bytes of a JS string as a binary string. */
export function strToBin(s: string): string {
  return isAscii(s) ? s : binFromBytes(UTF8.encode(s));
}

const UTF8 = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: false });

/** ASCII text is its own UTF-8 and its own binary string: the common case needs no conversion. */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function binFromBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** A binary string's bytes. */
export function binToBytes(bin: string): Uint8Array {
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i) & 0xff;
  return out;
}

/** Display text of a binary string: UTF-8, invalid sequences as U+FFFD. */
export function binToString(bin: string): string {
  return isAscii(bin) ? bin : UTF8_DECODER.decode(binToBytes(bin));
}

const isXDigit = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102));
const hexVal = (b: number): number => (b <= 57 ? b - 48 : (b | 0x20) - 87);

/** php_url_decode(): `+` → space, `%XX` → byte (a malformed `%` stays). Returns a binary string. */
export function phpUrlDecode(raw: string): string {
  if (isAscii(raw) && !/[+%]/.test(raw)) return raw;
  const src = UTF8.encode(raw);
  const out = new Uint8Array(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x2b) out[o++] = 0x20;
    else if (b === 0x25 && i + 2 < src.length && isXDigit(src[i + 1]) && isXDigit(src[i + 2])) {
      out[o++] = hexVal(src[i + 1]!) * 16 + hexVal(src[i + 2]!);
      i += 2;
    } else out[o++] = b;
  }
  return binFromBytes(out.subarray(0, o));
}

// ---------------------------------------------------------------------------------------------
// PHP arrays

/** An array key: binary string, or an integer (numeric strings like "0" become integers). */
export type PhpKey = string | bigint;
export type PhpValue = string | PhpArray;

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/** ZEND_HANDLE_NUMERIC_STR: canonical decimal integers in zend_long range are integer keys. */
export function symtableKey(bin: string): PhpKey {
  if (!/^(?:0|-?[1-9][0-9]*)$/.test(bin) || bin.length > 20) return bin;
  const v = BigInt(bin);
  return v > LONG_MAX || v < LONG_MIN ? bin : v;
}

/** An ordered PHP array (HashTable) with PHP 8.2's next-free-index rule. */
export class PhpArray {
  // Keyed by the PHP key itself: a Map tells the bigint 1n from the string "1" and compares bigints by value.
  private readonly items = new Map<PhpKey, { key: PhpKey; value: PhpValue; origin?: number }>();
  /** nNextFreeElement: PHP < 8.3 starts at 0 and negative keys never move it. */
  private nextFree = 0n;

  get size(): number {
    return this.items.size;
  }

  /** Exact lookup (zend_hash_find / zend_hash_index_find): no numeric-string normalisation. */
  get(key: PhpKey): PhpValue | undefined {
    return this.items.get(key)?.value;
  }

  has(key: PhpKey): boolean {
    return this.items.has(key);
  }

  /** Index (into the parsed params) of the pair that last stored this key, when built from a query. */
  originOf(key: PhpKey): number | undefined {
    return this.items.get(key)?.origin;
  }

  /** Insert or update in place (an existing key keeps its position). */
  set(key: PhpKey, value: PhpValue, origin?: number): void {
    this.items.set(key, origin === undefined ? { key, value } : { key, value, origin });
    if (typeof key === 'bigint' && key >= this.nextFree) this.nextFree = key < LONG_MAX ? key + 1n : LONG_MAX;
  }

  /** $a[] = value; false when PHP's next index is taken (only possible at PHP_INT_MAX). */
  append(value: PhpValue, origin?: number): boolean {
    if (this.has(this.nextFree)) return false;
    this.set(this.nextFree, value, origin);
    return true;
  }

  delete(key: PhpKey): void {
    this.items.delete(key);
  }

  entries(): [PhpKey, PhpValue][] {
    return [...this.items.values()].map((e) => [e.key, e.value]);
  }

  /** A plain, JSON-friendly view for tests and debugging: [[key, value], ...], ints as "i:N". */
  toPairs(): [string, unknown][] {
    return this.entries().map(([k, v]) => [
      typeof k === 'bigint' ? `i:${k}` : `s:${k}`,
      v instanceof PhpArray ? v.toPairs() : v,
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// Query parsing

export interface QueryParam {
  /** The whole `key=value` piece in the parsed string. */
  span: Span;
  keySpan: Span;
  /** null when the piece has no `=` (PHP then uses the empty string). */
  valueSpan: Span | null;
  rawKey: string;
  rawValue: string | null;
  /** url-decoded key and value as binary strings (exact bytes). */
  keyBin: string;
  valueBin: string;
  /** url-decoded key and value as display text (UTF-8). */
  key: string;
  value: string;
  /** The variable name PHP registers (binary string: `.`/space → `_`, leading spaces dropped). */
  name: string;
  /** Bracket sub-keys in order (binary strings); null = `[]` (append). */
  path: (string | null)[];
  /** Set when PHP does not store this pair; 'nesting-level' also deletes `name`. */
  ignored?: 'empty-name' | 'max-input-vars' | 'nesting-level';
}

export interface QueryOptions {
  /** arg_separator.input: every char is a separator (default "&"). */
  separators?: string;
  /** max_input_vars (default 1000). */
  maxInputVars?: number;
  /** max_input_nesting_level (default 64). */
  maxNestingLevel?: number;
  /** Where the query starts in the text the spans are given in (default 0). */
  offset?: number;
}

interface Registered {
  name: string;
  path: (string | null)[];
  ignored?: QueryParam['ignored'];
}

/** What php_register_variable_ex() rewrites in a name: NUL, ' ', '.', '['. An empty name is ignored. */
const PLAIN_NAME_STOPS = /^$|[\0 .[]/;

/** php_register_variable_ex()'s name handling, on a decoded key. */
export function registerVariableName(keyBin: string, maxNestingLevel = 64): Registered {
  // A plain name (the common case) is registered as it is.
  if (!PLAIN_NAME_STOPS.test(keyBin)) return { name: keyBin, path: [] };
  // Not binary safe: the name ends at the first NUL.
  let k = keyBin.split('\0')[0]!;
  let i = 0;
  while (k[i] === ' ') i++;
  k = k.slice(i);

  let base = '';
  let bracket = -1;
  for (let j = 0; j < k.length; j++) {
    const c = k[j]!;
    if (c === ' ' || c === '.') base += '_';
    else if (c === '[') {
      bracket = j;
      break;
    } else base += c;
  }
  if (base === '') return { name: '', path: [], ignored: 'empty-name' };
  if (bracket < 0) return { name: base, path: [] };

  const path: (string | null)[] = [];
  let ip = bracket;
  for (let nest = 1; ; nest++) {
    if (nest > maxNestingLevel) return { name: base, path, ignored: 'nesting-level' };
    ip++;
    const indexS = ip;
    // One isspace() char before ']' still means `[]`.
    if (k[ip] !== undefined && ' \t\n\v\f\r'.includes(k[ip]!)) ip++;
    if (k[ip] === ']') {
      path.push(null);
    } else {
      const close = k.indexOf(']', ip);
      if (close < 0) {
        // Unbalanced `[`: at the first level it is part of a plain name, later levels are dropped.
        if (path.length === 0) return { name: `${base}_${k.slice(indexS).replace(/[ .[]/g, '_')}`, path: [] };
        return { name: base, path };
      }
      path.push(k.slice(indexS, close));
      ip = close;
    }
    ip++;
    if (k[ip] !== '[') return { name: base, path };
  }
}

/** Splits and decodes a query string exactly as treat_data(PARSE_STRING) does. */
export function parsePhpQuery(query: string, opts: QueryOptions = {}): QueryParam[] {
  const seps = opts.separators ?? '&';
  const maxVars = opts.maxInputVars ?? 1000;
  const maxNest = opts.maxNestingLevel ?? 64;
  const at = opts.offset ?? 0;
  // treat_data works on a C string.
  const nul = query.indexOf('\0');
  const str = nul >= 0 ? query.slice(0, nul) : query;

  const out: QueryParam[] = [];
  let count = 0;
  let i = 0;
  while (i < str.length) {
    // strtok: skip separators, then take up to the next one; empty pieces never appear.
    while (i < str.length && seps.includes(str[i]!)) i++;
    if (i >= str.length) break;
    let j = i;
    while (j < str.length && !seps.includes(str[j]!)) j++;
    const piece = str.slice(i, j);
    const eq = piece.indexOf('=');
    const rawKey = eq >= 0 ? piece.slice(0, eq) : piece;
    const rawValue = eq >= 0 ? piece.slice(eq + 1) : null;
    const keyBin = phpUrlDecode(rawKey);
    const valueBin = rawValue === null ? '' : phpUrlDecode(rawValue);
    const reg = registerVariableName(keyBin, maxNest);
    const param: QueryParam = {
      span: { start: at + i, end: at + j },
      keySpan: { start: at + i, end: at + i + rawKey.length },
      valueSpan: eq >= 0 ? { start: at + i + eq + 1, end: at + j } : null,
      rawKey,
      rawValue,
      keyBin,
      valueBin,
      key: binToString(keyBin),
      value: binToString(valueBin),
      name: reg.name,
      path: reg.path,
    };
    if (++count > maxVars) param.ignored = 'max-input-vars';
    else if (reg.ignored) param.ignored = reg.ignored;
    out.push(param);
    i = j;
  }
  return out;
}

/** Stores one pair like php_register_variable_ex() does. */
function registerInto(top: PhpArray, p: QueryParam, origin: number): void {
  if (p.ignored === 'nesting-level') {
    top.delete(symtableKey(p.name));
    return;
  }
  if (p.ignored) return;
  let table = top;
  let index: PhpKey | null = symtableKey(p.name);
  for (const sub of p.path) {
    let container: PhpArray;
    if (index === null) {
      container = new PhpArray();
      if (!table.append(container, origin)) return;
    } else {
      const cur = table.get(index);
      if (cur instanceof PhpArray) container = cur;
      else {
        // A scalar already there is replaced by an array, in place.
        container = new PhpArray();
        table.set(index, container, origin);
      }
    }
    table = container;
    index = sub === null ? null : symtableKey(sub);
  }
  if (index === null) table.append(p.valueBin, origin);
  else table.set(index, p.valueBin, origin);
}

/**
 * The array parse_str() would produce from these params (later duplicates win, `[]` appends).
 * Each stored entry remembers the index of the param that wrote it (PhpArray.originOf).
 */
export function buildPhpArray(params: readonly QueryParam[]): PhpArray {
  const top = new PhpArray();
  params.forEach((p, i) => {
    if (p.ignored !== 'max-input-vars') registerInto(top, p, i);
  });
  return top;
}
