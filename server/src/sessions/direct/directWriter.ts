// Canonical JSON written while a session's bytes are read, without the value tree: the
// formatting, list detection, duplicate keys and limits of canonicalJson.ts, kept in a few
// integer stacks. A reader calls it member by member. An array is written as a list from a first
// key 0 and rewritten as a map if a later key breaks the sequence; whatever the tree would print
// differently (a repeated key or label, a limit) makes it give up with `bail()`, and the caller
// then decodes the tree way. Only what the tree path prints the same is written here.
import { MAX_NODES, MAX_OUTPUT_BYTES, formatPhpFloat } from '../canonicalJson.ts';
import { numericKeyValue } from '../decodeCommon.ts';
import { JsonBytes } from '../jsonBytes.ts';
import { phpClass } from '../phpClasses.ts';
import { validUtf8Text } from '../phpValue.ts';

/** Thrown by bail(): a plain object (no stack to capture), never seen outside this folder. */
const BAILED = Object.freeze({ direct: 'bail' });

/** Gives up on the direct path (the tree path then decodes, reports or refuses the value). */
export function bail(): never {
  throw BAILED;
}

/** Frame modes. */
const SESSION = 0;
/** An array whose first key is not read yet: it becomes a list or a map. */
const PENDING = 1;
const LIST = 2;
const MAP = 3;
const OBJECT = 4;

/** Keys of a container up to this many are compared by scanning; a larger one gets a Set. */
const SCAN_KEYS = 16;
/** Key kinds in the key stack. */
const INT_KEY = 0;
const BYTES_KEY = 1;

/**
 * The value of a string key PHP stores as an integer (numericKeyValue's rule), NaN when it stays
 * a string; a 16-19 digit one, past a safe integer, makes the caller bail.
 */
export function canonicalIntKey(b: Uint8Array, start: number, end: number): number {
  const n = numericKeyValue(b, start, end);
  if (n === Infinity || n === -Infinity) bail();
  return n;
}

/**
 * The class name `b[start, end)` as the tree prints it: stdClass (PHP's spelling) or an
 * application class. PHP's other classes (the tree checks, rebuilds or refuses them), an empty
 * name and invalid UTF-8 bail. Both lookups are cached where they live (validUtf8Text, phpClass).
 */
export function plainClassName(b: Uint8Array, start: number, end: number): string {
  const name = validUtf8Text(b, start, end);
  if (name === undefined || name === '') bail();
  const info = phpClass(name);
  if (info && info.name !== 'stdClass') bail();
  return info ? info.name : name;
}

export class DirectWriter {
  readonly out = new JsonBytes();
  private readonly spaces: number;
  private readonly pretty: boolean;
  /** Per open container: mode, members written, where its keys start in the key stack. */
  private mode: number[] = [];
  private count: number[] = [];
  private keyBase: number[] = [];
  /** The keys of a container that outgrew a scan. */
  private keySets: (Set<string> | null)[] = [];
  /** Per container, the bits of its keys (see remember). */
  private bloom: number[] = [];
  /** Where a list's `[` is. */
  private listAt: number[] = [];
  private depth = 0;
  /** Keys of the open containers: kind, then an integer, or a start and end in `source`. */
  private keyKind: number[] = [];
  private keyA: number[] = [];
  private keyB: number[] = [];
  /** The bytes every string key is a range of (the session's own). */
  private source: Uint8Array | null = null;
  private keyTop = 0;
  private nodes = 0;

  /** `spaces`: indentation per level, 0 for compact JSON (as JSON.stringify's number). */
  constructor(spaces: number) {
    this.spaces = Math.max(0, Math.min(10, Math.floor(spaces)));
    this.pretty = this.spaces > 0;
  }

  get openContainers(): number {
    return this.depth;
  }

  // -- containers ------------------------------------------------------------------------------

  /** The session: a JSON object of its variables (`{}` when it has none). */
  beginSession(): void {
    this.push(SESSION);
  }

  /** An array of `n` elements (`[]` at once when empty; else a list or a map from its first key). */
  beginArray(n: number): void {
    if (n === 0) {
      this.out.ascii('[]');
      return;
    }
    this.push(PENDING);
  }

  /** An object: `{"__class": name` then its properties. */
  beginObject(className: string): void {
    this.out.byte(0x7b);
    this.push(OBJECT);
    this.pad(this.depth);
    this.out.string('__class');
    this.colon();
    this.out.string(className);
    this.count[this.depth - 1] = 1;
  }

  /** Closes the innermost container. */
  end(): void {
    const d = --this.depth;
    const mode = this.mode[d]!;
    this.keyTop = this.keyBase[d]!;
    this.keySets[d] = null;
    // The tree checks the size after each member; a member is always followed by this or the next one.
    if (this.out.len > MAX_OUTPUT_BYTES) bail();
    if (this.count[d] === 0) {
      // Only a session can be empty here (arrays say so up front, objects have "__class").
      this.out.ascii('{}');
      return;
    }
    this.pad(d);
    this.out.byte(mode === LIST ? 0x5d : 0x7d);
  }

  private push(mode: number): void {
    const d = this.depth++;
    this.mode[d] = mode;
    this.count[d] = 0;
    this.keyBase[d] = this.keyTop;
    this.keySets[d] = null;
    this.bloom[d] = 0;
  }

  // -- keys ------------------------------------------------------------------------------------

  /** An integer array key or property name. */
  intKey(n: number): void {
    const d = this.depth - 1;
    let mode = this.open(d, n === 0);
    if (mode === LIST) {
      if (n === this.count[d]) {
        this.member(d);
        // Where each element's value starts, in case the list turns into a map (see toMap).
        this.keyA[this.keyTop++] = this.out.len;
        return;
      }
      mode = this.toMap(d);
    }
    this.remember(d, INT_KEY, n, 0, null);
    this.member(d);
    const out = this.out;
    out.byte(0x22);
    out.integerNumber(n);
    out.byte(0x22);
    this.colon();
  }

  /**
   * A string key, its bytes `b[start, end)`. In an array a canonical decimal string is the
   * integer key PHP makes of it; session variable names and property labels stay strings.
   */
  bytesKey(b: Uint8Array, start: number, end: number): void {
    const d = this.depth - 1;
    let mode = this.mode[d]!;
    if (mode === PENDING || mode === LIST || mode === MAP) {
      const n = canonicalIntKey(b, start, end);
      if (n === n) {
        this.intKey(n);
        return;
      }
      mode = this.open(d, false);
      if (mode === LIST) mode = this.toMap(d);
    }
    // The tree compares variable names and labels as text: equal bytes, or equal integer text.
    const n = mode === SESSION || mode === OBJECT ? canonicalIntKey(b, start, end) : NaN;
    if (n === n) this.remember(d, INT_KEY, n, 0, null);
    else this.remember(d, BYTES_KEY, start, end, b);
    this.member(d);
    if (!this.out.utf8String(b, start, end)) bail();
    this.colon();
  }

  /** Opens a pending array as a list (first key 0) or a map; returns the frame's mode. */
  private open(d: number, zero: boolean): number {
    const mode = this.mode[d]!;
    if (mode !== PENDING) return mode;
    const now = zero ? LIST : MAP;
    this.mode[d] = now;
    this.listAt[d] = this.out.len;
    this.out.byte(zero ? 0x5b : 0x7b);
    return now;
  }

  /**
   * A list meets a key out of sequence (an element was unset, keys came in another order): what
   * was written as `[v0,v1…` is rewritten as `{"0": v0,"1": v1…`, the way the tree prints it.
   */
  private toMap(d: number): number {
    const out = this.out;
    const base = this.keyBase[d]!;
    const n = this.keyTop - base;
    const starts = this.keyA.slice(base, this.keyTop);
    const from = this.listAt[d]! + 1;
    const written = out.copy(from, out.len);
    // Between two values: a comma and the indentation of the next one.
    const gap = 1 + (this.pretty ? 1 + (d + 1) * this.spaces : 0);
    out.len = from - 1;
    out.byte(0x7b);
    this.mode[d] = MAP;
    this.keyTop = base;
    for (let i = 0; i < n; i++) {
      if (i > 0) out.byte(0x2c);
      this.pad(d + 1);
      out.byte(0x22);
      out.integerNumber(i);
      out.byte(0x22);
      this.colon();
      out.raw(written.subarray(starts[i]! - from, i + 1 < n ? starts[i + 1]! - gap - from : written.length));
      this.remember(d, INT_KEY, i, 0, null);
    }
    return MAP;
  }

  /** Comma, indentation and the node limit before a member. */
  private member(d: number): void {
    if (this.count[d]!++ > 0) this.out.byte(0x2c);
    else if (this.mode[d] === SESSION) this.out.byte(0x7b);
    this.pad(d + 1);
    if (++this.nodes > MAX_NODES || this.out.len > MAX_OUTPUT_BYTES) bail();
  }

  /** Records a key of frame d; a key seen before in it is a duplicate, which the tree handles. */
  private remember(d: number, kind: number, a: number, b: number, source: Uint8Array | null): void {
    if (source !== null && source !== (this.source ??= source)) bail();
    const set = this.keySets[d];
    if (set) {
      const text = keyText(kind, a, b, source);
      if (set.has(text)) bail();
      set.add(text);
      return;
    }
    const base = this.keyBase[d]!;
    const top = this.keyTop;
    // A bit per key of the container from its length and end bytes: a key whose bit is new is new,
    // and most keys are, without a scan.
    const h = kind === INT_KEY ? a : b === a ? 0 : (b - a) * 7 + source![a]! * 31 + source![b - 1]!;
    const bit = 1 << (h & 31);
    const seen = (this.bloom[d]! & bit) !== 0;
    this.bloom[d]! |= bit;
    for (let i = seen ? base : top; i < top; i++) {
      if (this.keyKind[i] !== kind) continue;
      if (kind === INT_KEY ? this.keyA[i] === a : sameRange(this.source!, this.keyA[i]!, this.keyB[i]!, a, b)) bail();
    }
    if (top - base >= SCAN_KEYS) {
      const keys = new Set<string>();
      for (let i = base; i < top; i++) keys.add(keyText(this.keyKind[i]!, this.keyA[i]!, this.keyB[i]!, this.source));
      keys.add(keyText(kind, a, b, source));
      this.keySets[d] = keys;
      return;
    }
    this.keyKind[top] = kind;
    this.keyA[top] = a;
    this.keyB[top] = b;
    this.keyTop = top + 1;
  }

  private colon(): void {
    this.out.byte(0x3a);
    if (this.pretty) this.out.byte(0x20);
  }

  private pad(depth: number): void {
    if (this.pretty) this.out.newline(depth * this.spaces);
  }

  // -- scalars ---------------------------------------------------------------------------------

  null(): void {
    this.out.ascii('null');
  }

  bool(v: boolean): void {
    this.out.ascii(v ? 'true' : 'false');
  }

  /** A safe integer. */
  int(n: number): void {
    this.out.integerNumber(n);
  }

  /** An integer past a safe one. */
  bigInt(v: bigint): void {
    this.out.integer(v);
  }

  float(v: number): void {
    if (!this.out.cents(v)) this.out.ascii(formatPhpFloat(v));
  }

  /** A string's bytes: a JSON string, or `{"__binary": base64}` when they are not UTF-8. */
  string(b: Uint8Array, start: number, end: number): void {
    if (this.out.utf8String(b, start, end)) return;
    const d = this.depth;
    this.out.byte(0x7b);
    this.pad(d + 1);
    this.out.string('__binary');
    this.colon();
    this.out.ascii(`"${Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('base64')}"`);
    this.pad(d);
    this.out.byte(0x7d);
  }

  /** The JSON written (call once every container is closed). */
  bytes(): Buffer {
    return this.out.bytes();
  }
}

function sameRange(x: Uint8Array, xs: number, xe: number, ys: number, ye: number): boolean {
  if (xe - xs !== ye - ys) return false;
  for (let i = 0; i < xe - xs; i++) if (x[xs + i] !== x[ys + i]) return false;
  return true;
}

function keyText(kind: number, a: number, b: number, source: Uint8Array | null): string {
  if (kind === INT_KEY) return `i${a}`;
  let s = 's';
  for (let i = a; i < b; i++) s += String.fromCharCode(source![i]!);
  return s;
}
