// The value tree every session decoder produces (serialize, igbinary, msgpack), plus what a tree
// view needs to show it lazily: children of a container, a one-line summary of any node.
// Strings stay raw bytes (PHP strings are byte strings); keys are decoded once, PHP's way.

/** An array key: integers are exact 64-bit, string keys are decoded from UTF-8 (see `decodeUtf8`). */
export type PhpKey = bigint | string;

export interface PhpNull {
  readonly kind: 'null';
  /** Why PHP reads a null here although the bytes hold something else (see PhpObject.phpNote). */
  readonly phpNote?: string;
}
export interface PhpBool {
  readonly kind: 'bool';
  readonly value: boolean;
}
export interface PhpInt {
  readonly kind: 'int';
  readonly value: bigint;
}
export interface PhpFloat {
  readonly kind: 'float';
  /** May be NaN, ±Infinity or -0. */
  readonly value: number;
}
export interface PhpString {
  readonly kind: 'string';
  /** The raw bytes (may be a view into the decoded buffer). */
  readonly bytes: Uint8Array;
}

/**
 * A string the decoders read from their input: it keeps where its bytes are, and makes the view
 * only when asked (a large session holds hundreds of thousands of strings, and a view per string
 * was a fifth of the decoding time and most of its memory). Canonical JSON reads the range.
 */
export class SourceString implements PhpString {
  readonly kind = 'string';
  constructor(
    readonly source: Uint8Array,
    readonly start: number,
    readonly end: number,
  ) {}
  get bytes(): Uint8Array {
    return this.source.subarray(this.start, this.end);
  }
}

/** One array element. Mutable: PHP overwrites a duplicate key in place, keeping its position. */
export interface PhpArrayEntry {
  key: PhpKey;
  /** The key's raw bytes, only when they are not valid UTF-8 (`key` then holds U+FFFD substitutes). */
  keyBytes?: Uint8Array;
  value: PhpValue;
}
export interface PhpArray {
  readonly kind: 'array';
  readonly entries: PhpArrayEntry[];
}

export type PhpVisibility = 'public' | 'protected' | 'private';

/** One object property, name unmangled (`\0*\0x` → protected `x`, `\0Cls\0x` → private `x` of Cls). */
export interface PhpProperty {
  name: string;
  visibility: PhpVisibility;
  /** The class that declares a private property. */
  declaringClass?: string;
  /** The mangled name's raw bytes, only when they are not valid UTF-8. */
  rawName?: Uint8Array;
  value: PhpValue;
}
/**
 * Marks a decoder puts on a value PHP treats specially. `phpUnreadable` is PHP's own reason for
 * refusing the whole payload because of this value (the data is still shown: PHP's
 * "Unserialization of 'SplFileObject' is not allowed", "Cannot instantiate enum Suit"…);
 * `phpNote` says what PHP does with the value that the data alone does not show.
 */
export interface PhpMarks {
  phpUnreadable?: string;
  phpNote?: string;
}
export interface PhpObject extends PhpMarks {
  readonly kind: 'object';
  /** PHP's own spelling for PHP's built-in classes (`stdClass`), else as stored. */
  className: string;
  readonly properties: PhpProperty[];
}
export interface PhpEnum extends PhpMarks {
  readonly kind: 'enum';
  readonly className: string;
  readonly caseName: string;
}
/** `C:` (Serializable::serialize()) data, kept raw: only the class can read it. */
export interface PhpCustom extends PhpMarks {
  readonly kind: 'custom';
  readonly className: string;
  readonly payload: Uint8Array;
}
/**
 * A later occurrence of an already decoded value. `target` is that value itself (the same JS
 * object), so a cycle is a reference whose target is one of its ancestors; walkers must track the
 * containers on their path. A target is never itself a reference.
 */
export interface PhpReference {
  readonly kind: 'reference';
  /** The format's 1-based id of the referenced value (serialize slot, igbinary/msgpack index + 1). */
  readonly slot: number;
  /** True for a PHP reference (`&`, `R:`), false for a shared object handle (`r:`). */
  readonly phpReference: boolean;
  readonly target: PhpValue;
}

export type PhpValue =
  PhpNull | PhpBool | PhpInt | PhpFloat | PhpString | PhpArray | PhpObject | PhpEnum | PhpCustom | PhpReference;

/** Where a decoder stores a value; array entries, properties and session variables are cells. */
export interface PhpCell {
  value: PhpValue;
}

export const PHP_NULL: PhpNull = Object.freeze({ kind: 'null' });
export const PHP_TRUE: PhpBool = Object.freeze({ kind: 'bool', value: true });
export const PHP_FALSE: PhpBool = Object.freeze({ kind: 'bool', value: false });

/** Follows a reference to the value it points at. */
export function deref(value: PhpValue): PhpValue {
  return value.kind === 'reference' ? value.target : value;
}

// ---------------------------------------------------------------------------------------------
// UTF-8, the way PHP's json_encode sees it (php_next_utf8_char in ext/standard/html.c).

const isTrail = (c: number): boolean => c >= 0x80 && c <= 0xbf;
const isLead = (c: number): boolean => c < 0x80 || (c >= 0xc2 && c <= 0xf4);

/**
 * Decodes one code point at `pos`. Returns the code point and the next position; on an invalid
 * sequence returns cp -1 and advances exactly as PHP does (so U+FFFD counts match json_encode's
 * JSON_INVALID_UTF8_SUBSTITUTE, which differs from the WHATWG decoder on surrogates/overlongs).
 */
function nextCodePoint(b: Uint8Array, pos: number, end: number): { cp: number; next: number } {
  const c = b[pos]!;
  const avail = end - pos;
  if (c < 0x80) return { cp: c, next: pos + 1 };
  if (c < 0xc2) return { cp: -1, next: pos + 1 };
  if (c < 0xe0) {
    if (avail < 2) return { cp: -1, next: pos + 1 };
    const c1 = b[pos + 1]!;
    if (!isTrail(c1)) return { cp: -1, next: pos + (isLead(c1) ? 1 : 2) };
    return { cp: ((c & 0x1f) << 6) | (c1 & 0x3f), next: pos + 2 };
  }
  if (c < 0xf0) {
    if (avail < 3 || !isTrail(b[pos + 1]!) || !isTrail(b[pos + 2]!)) {
      if (avail < 2 || isLead(b[pos + 1]!)) return { cp: -1, next: pos + 1 };
      if (avail < 3 || isLead(b[pos + 2]!)) return { cp: -1, next: pos + 2 };
      return { cp: -1, next: pos + 3 };
    }
    const cp = ((c & 0x0f) << 12) | ((b[pos + 1]! & 0x3f) << 6) | (b[pos + 2]! & 0x3f);
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return { cp: -1, next: pos + 3 };
    return { cp, next: pos + 3 };
  }
  if (c < 0xf5) {
    if (avail < 4 || !isTrail(b[pos + 1]!) || !isTrail(b[pos + 2]!) || !isTrail(b[pos + 3]!)) {
      if (avail < 2 || isLead(b[pos + 1]!)) return { cp: -1, next: pos + 1 };
      if (avail < 3 || isLead(b[pos + 2]!)) return { cp: -1, next: pos + 2 };
      if (avail < 4 || isLead(b[pos + 3]!)) return { cp: -1, next: pos + 3 };
      return { cp: -1, next: pos + 4 };
    }
    const cp = ((c & 0x07) << 18) | ((b[pos + 1]! & 0x3f) << 12) | ((b[pos + 2]! & 0x3f) << 6) | (b[pos + 3]! & 0x3f);
    if (cp < 0x10000 || cp > 0x10ffff) return { cp: -1, next: pos + 4 };
    return { cp, next: pos + 4 };
  }
  return { cp: -1, next: pos + 1 };
}

/** True when the bytes are well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
export function isValidUtf8(b: Uint8Array, start = 0, end = b.length): boolean {
  // Same acceptance as nextCodePoint, written without allocation: it runs over every string value.
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
    } else if (c < 0xc2) {
      return false;
    } else if (c < 0xe0) {
      if (i + 1 >= end || (b[i + 1]! & 0xc0) !== 0x80) return false;
      i += 2;
    } else if (c < 0xf0) {
      if (i + 2 >= end) return false;
      const c1 = b[i + 1]!;
      if ((c1 & 0xc0) !== 0x80 || (b[i + 2]! & 0xc0) !== 0x80) return false;
      if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) return false; // overlong, surrogate
      i += 3;
    } else if (c < 0xf5) {
      if (i + 3 >= end) return false;
      const c1 = b[i + 1]!;
      if ((c1 & 0xc0) !== 0x80 || (b[i + 2]! & 0xc0) !== 0x80 || (b[i + 3]! & 0xc0) !== 0x80) return false;
      if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return false; // overlong, > U+10FFFF
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

const utf8 = new TextDecoder('utf-8');

/** Recently made short ASCII strings, by a hash of their bytes: keys repeat (every cart line's "sku"). */
const RECENT = new Array<string | undefined>(4096);

/** ASCII-only fast path: most keys and class names are short ASCII, and the same ones again. */
function asciiString(b: Uint8Array, start: number, end: number): string | null {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x80) return null;
    h = Math.imul(h ^ c, 16777619);
  }
  const slot = (h >>> 20) & 4095;
  const recent = RECENT[slot];
  if (recent !== undefined && recent.length === end - start) {
    let same = true;
    for (let i = start; i < end; i++)
      if (recent.charCodeAt(i - start) !== b[i]) {
        same = false;
        break;
      }
    if (same) return recent;
  }
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  RECENT[slot] = s;
  return s;
}

/**
 * The text of well-formed UTF-8 bytes; undefined when they are not (a key then keeps its bytes:
 * decodeUtf8's text alone could stand for other bytes too). Short ASCII needs no validity check.
 */
export function validUtf8Text(b: Uint8Array, start = 0, end = b.length): string | undefined {
  if (end - start <= 64) {
    const a = asciiString(b, start, end);
    if (a !== null) return a;
  }
  return isValidUtf8(b, start, end) ? utf8.decode(b.subarray(start, end)) : undefined;
}

/** Decodes UTF-8; invalid sequences become U+FFFD exactly where PHP's json_encode substitutes them. */
export function decodeUtf8(b: Uint8Array, start = 0, end = b.length): string {
  const valid = validUtf8Text(b, start, end);
  if (valid !== undefined) return valid;
  let s = '';
  let i = start;
  while (i < end) {
    const r = nextCodePoint(b, i, end);
    s += r.cp < 0 ? '\uFFFD' : String.fromCodePoint(r.cp);
    i = r.next;
  }
  return s;
}

/** Bytes of a JS string as UTF-8 (handy for building PHP strings in tests and tools). */
export function encodeUtf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Shorthand constructors, mainly for tests and tools. */
export const php = {
  null: (): PhpNull => PHP_NULL,
  bool: (v: boolean): PhpBool => (v ? PHP_TRUE : PHP_FALSE),
  int: (v: bigint | number): PhpInt => ({ kind: 'int', value: BigInt(v) }),
  float: (v: number): PhpFloat => ({ kind: 'float', value: v }),
  string: (v: string | Uint8Array): PhpString => ({ kind: 'string', bytes: typeof v === 'string' ? encodeUtf8(v) : v }),
  array: (entries: Array<[PhpKey | number, PhpValue]>): PhpArray => ({
    kind: 'array',
    entries: entries.map(([key, value]) => ({ key: typeof key === 'number' ? BigInt(key) : key, value })),
  }),
};

// ---------------------------------------------------------------------------------------------
// Tree view helpers.

/** One child row of an expandable node. */
export interface PhpChild {
  /** The array key or property name as shown (`0`, `name`, `"0"` is never quoted). */
  label: string;
  /** `protected`, `private Base`, or undefined for array entries and public properties. */
  detail?: string;
  value: PhpValue;
}

/** True when the node (after following a reference) has children to expand. */
export function phpHasChildren(value: PhpValue): boolean {
  const v = deref(value);
  return (v.kind === 'array' && v.entries.length > 0) || (v.kind === 'object' && v.properties.length > 0);
}

/**
 * The names an object's properties are shown under (canonical JSON keys, tree labels): the
 * unmangled name, unless several properties share it (a private property of a parent class and
 * the child's own, say). Then the one `$this->name` means in the object's class keeps the name
 * (public, else protected, else the class's own private one) and each other is qualified with
 * where it is declared: `Base::id` for a private property of Base, `*::id` for a protected one.
 */
export function propertyLabels(object: PhpObject): string[] {
  const props = object.properties;
  const labels = props.map((p) => p.name);
  if (props.length < 2 || !hasDuplicate(labels)) return labels;
  const own = object.className.toLowerCase();
  const rank = (p: PhpProperty): number =>
    p.visibility === 'public' ? 0 : p.visibility === 'protected' ? 1 : p.declaringClass?.toLowerCase() === own ? 2 : 3;
  const groups = new Map<string, number[]>();
  labels.forEach((name, i) => {
    const g = groups.get(name);
    if (g) g.push(i);
    else groups.set(name, [i]);
  });
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    let plain = members[0]!;
    for (const i of members) if (rank(props[i]!) < rank(props[plain]!)) plain = i;
    for (const i of members) {
      const p = props[i]!;
      if (i !== plain) labels[i] = `${p.visibility === 'protected' ? '*' : (p.declaringClass ?? '')}::${p.name}`;
    }
  }
  return labels;
}

function hasDuplicate(names: string[]): boolean {
  if (names.length <= 8) {
    for (let i = 1; i < names.length; i++) for (let j = 0; j < i; j++) if (names[i] === names[j]) return true;
    return false;
  }
  return new Set(names).size !== names.length;
}

/** The children of an array or object (references are followed); [] for anything else. */
export function phpChildren(value: PhpValue): PhpChild[] {
  const v = deref(value);
  if (v.kind === 'array') return v.entries.map((e) => ({ label: String(e.key), value: e.value }));
  if (v.kind === 'object') {
    const labels = propertyLabels(v);
    return v.properties.map((p, i) => {
      const child: PhpChild = { label: labels[i]!, value: p.value };
      if (p.visibility === 'protected') child.detail = 'protected';
      else if (p.visibility === 'private') child.detail = `private ${p.declaringClass ?? ''}`.trimEnd();
      return child;
    });
  }
  return [];
}

function quoteForSummary(bytes: Uint8Array, maxLen: number): string {
  if (!isValidUtf8(bytes)) {
    const hex = Array.from(bytes.subarray(0, Math.ceil(maxLen / 3)), (c) => c.toString(16).padStart(2, '0')).join(' ');
    return `binary(${bytes.length}) ${hex}${bytes.length * 3 > maxLen ? '…' : ''}`;
  }
  const s = decodeUtf8(bytes.subarray(0, maxLen * 4));
  const shown = JSON.stringify(s.length > maxLen ? s.slice(0, maxLen) : s);
  return s.length > maxLen ? `${shown.slice(0, -1)}…"` : shown;
}

/**
 * A one-line description of a node: `42`, `"Zoë"`, `array(3)`, `Cart {4}`, `Suit::Hearts`, `&2 → …`,
 * followed by what PHP does with it when that is not plain (`⚠ PHP cannot read this back: …`).
 */
export function phpSummary(value: PhpValue, maxLen = 80): string {
  const marks = 'phpNote' in value || 'phpUnreadable' in value ? (value as PhpMarks) : null;
  const summary = plainSummary(value, maxLen);
  if (marks === null) return summary;
  return `${summary}${marks.phpUnreadable ? ` ⚠ PHP cannot read this back: ${marks.phpUnreadable}` : ''}${marks.phpNote ? ` (${marks.phpNote})` : ''}`;
}

function plainSummary(value: PhpValue, maxLen: number): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'int':
      return value.value.toString();
    case 'float':
      if (Number.isNaN(value.value)) return 'NAN';
      if (!Number.isFinite(value.value)) return value.value > 0 ? 'INF' : '-INF';
      if (Object.is(value.value, -0)) return '-0.0';
      return Number.isInteger(value.value) && Math.abs(value.value) < 1e15
        ? value.value.toFixed(1)
        : String(value.value);
    case 'string':
      return quoteForSummary(value.bytes, maxLen);
    case 'array':
      return `array(${value.entries.length})`;
    case 'object':
      return `${value.className} {${value.properties.length}}`;
    case 'enum':
      return `${value.className}::${value.caseName}`;
    case 'custom':
      return `${value.className} (Serializable, ${value.payload.length} bytes)`;
    case 'reference':
      return `${value.phpReference ? '&' : '#'}${value.slot} → ${phpSummary(value.target, maxLen)}`;
  }
}

/**
 * The first value PHP would refuse (its reason), walking the tree without recursion; null when
 * PHP reads all of it. Shared and cyclic references are visited once.
 */
export function findPhpUnreadable(value: PhpValue): string | null {
  const seen = new Set<PhpValue>();
  const stack: PhpValue[] = [value];
  while (stack.length > 0) {
    const v = deref(stack.pop()!);
    if (seen.has(v)) continue;
    seen.add(v);
    if ((v.kind === 'object' || v.kind === 'custom' || v.kind === 'enum') && v.phpUnreadable) return v.phpUnreadable;
    if (v.kind === 'array') for (let i = v.entries.length - 1; i >= 0; i--) stack.push(v.entries[i]!.value);
    else if (v.kind === 'object') for (let i = v.properties.length - 1; i >= 0; i--) stack.push(v.properties[i]!.value);
  }
  return null;
}
