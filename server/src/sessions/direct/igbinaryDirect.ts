// The `igbinary` session format straight to canonical JSON: igbinary's binary grammar
// (igbinary/igbinary src/php7/igbinary.c) for the values sessions are made of (null, bools,
// integers, doubles, strings by value or by string id, arrays, and objects of stdClass or
// application classes). It reads exactly what igbinary.ts + decodeIgbinarySession read, and gives
// up (see directWriter.ts) on everything the tree path would read differently, mark or note:
// PHP references (&), shared objects (objref), Serializable payloads, enums, PHP's other classes,
// integer keys at the root, an object root, bytes after the value, and anything malformed.
//
// An array igbinary saw before (same zend_array: copy-on-write sharing, the empty array above all)
// is written as ref8..32 to it. That is a copy, not a PHP reference, and the tree prints the array
// again in full: so do we, by reading its bytes again ("replay") without registering its strings
// and containers a second time. The writer's node and size limits bound what replays can add.
import { IGBINARY_MAX_DEPTH, hasIgbinaryHeader } from '../igbinary.ts';
import { mangledClassLength } from '../decodeCommon.ts';
import { ByteCursor } from './byteCursor.ts';
import { bail, canonicalIntKey, plainClassName, type DirectWriter } from './directWriter.ts';

/** Frame kinds: the session's array (its string keys are the variables), an array, an object, a replay. */
const ROOT = 0;
const ARRAY = 1;
const OBJECT = 2;
/** Where a replayed array's bytes were entered from: popped, reading resumes there. */
const REPLAY = 3;

const TWO32 = 0x1_0000_0000;
/** A high 32-bit word below this makes a 64-bit integer a safe one (< 2^53). */
const SAFE_HIGH = 0x20_0000;
const TWO63 = 1n << 63n;

/**
 * Scratch shared by every call (a call runs synchronously to its end or its bail, and the next one
 * starts over), in typed arrays that only grow, so a session costs no allocation for them: the
 * string table as byte ranges of the input; per igbinary reference id (arrays and objects in the
 * order igbinary registers them) where a closed array starts, -1 for anything else; per open
 * container its members left, kind, reference id, and for a replay where to resume.
 */
const scratch = {
  strStart: new Int32Array(256),
  strEnd: new Int32Array(256),
  refAt: new Int32Array(256),
  remaining: new Int32Array(64),
  kinds: new Int32Array(64),
  frameRef: new Int32Array(64),
};

class IgbinaryScan extends ByteCursor {
  /** The scratch arrays, held here (a field load is cheaper than a module binding's). */
  private strStart = scratch.strStart;
  private strEnd = scratch.strEnd;
  private refAt = scratch.refAt;
  private remaining = scratch.remaining;
  private kinds = scratch.kinds;
  private frameRef = scratch.frameRef;
  private strings = 0;
  private refs = 0;
  private top = 0;
  /** Replays under way: nothing read then is registered (it was, the first time). */
  private replaying = 0;
  /** The range of the last string read (by value or by id). */
  private s = 0;
  private e = 0;
  /** The words of the last 8-byte big-endian integer read. */
  private hi = 0;
  private lo = 0;

  constructor(
    b: Uint8Array,
    private readonly maxDepth: number,
  ) {
    super(b, 4);
  }

  /** An 8-byte big-endian integer into `hi`/`lo`; returns `hi`. */
  private uint64(): number {
    this.hi = this.uint(4);
    this.lo = this.uint(4);
    return this.hi;
  }

  /** A string by value of type t (string8..64, object8..32 class names): into the table and `s`/`e`. */
  private chars(t: number): void {
    let len: number;
    if (t === 0x11 || t === 0x17) len = this.uint(1);
    else if (t === 0x12 || t === 0x18) len = this.uint(2);
    else if (t === 0x26) {
      // string64: a length past 4 GiB never fits what is left.
      if (this.uint64() !== 0) bail();
      len = this.lo;
    } else len = this.uint(4);
    const p = this.p;
    if (this.end - p < len) bail();
    this.s = p;
    this.e = this.p = p + len;
    if (this.replaying > 0) return;
    const i = this.strings++;
    if (i === this.strStart.length) {
      this.strStart = scratch.strStart = grow(this.strStart, i * 2);
      this.strEnd = scratch.strEnd = grow(this.strEnd, i * 2);
    }
    this.strStart[i] = p;
    this.strEnd[i] = p + len;
  }

  /** A string id of `size` bytes: the earlier string into `s`/`e`; returns the id. */
  private stringId(size: number): number {
    const i = this.uint(size);
    if (i >= this.strings) bail();
    this.s = this.strStart[i]!;
    this.e = this.strEnd[i]!;
    return i;
  }

  /** A string of any form (type byte t) into `s`/`e`, or false when t is no string. */
  private string(t: number): boolean {
    switch (t) {
      case 0x11: // string8
      case 0x12: // string16
      case 0x13: // string32
      case 0x26: // string64
        this.chars(t);
        return true;
      case 0x0e: // string_id8
        this.stringId(1);
        return true;
      case 0x0f: // string_id16
        this.stringId(2);
        return true;
      case 0x10: // string_id32
        this.stringId(4);
        return true;
      case 0x0d: // string_empty: not in the string table
        this.s = this.e = this.p;
        return true;
    }
    return false;
  }

  /** A long8p..long64n as a safe integer; NaN for a 64-bit one beyond that (its words in `hi`/`lo`). */
  private long(t: number): number {
    let v: number;
    if (t === 0x20 || t === 0x21) {
      if (this.uint64() >= SAFE_HIGH) return NaN;
      v = this.hi * TWO32 + this.lo;
    } else v = this.uint(t < 0x08 ? 1 : t < 0x0a ? 2 : 4);
    // The n(egative) variants are the odd type bytes; 0 - v keeps "-0" out.
    return (t & 1) === 1 ? 0 - v : v;
  }

  /** The session: header, one array whose string-keyed members are the variables, nothing after. */
  session(w: DirectWriter): void {
    const b = this.b;
    if (!hasIgbinaryHeader(b)) bail();
    this.p = 5;
    const n = this.count(b[4]!);
    w.beginSession();
    this.push(ROOT, n, this.register(4));
    while (this.top > 0) {
      const d = this.top - 1;
      if (this.remaining[d] === 0) {
        this.top = d;
        const kind = this.kinds[d]!;
        if (kind === REPLAY) {
          this.p = this.frameRef[d]!;
          this.replaying--;
          continue;
        }
        // Closed: from now on a ref to it is a copy of its bytes (an object's stays the tree's).
        const ref = this.frameRef[d]!;
        if (ref >= 0 && kind === ARRAY) this.refAt[ref] = -this.refAt[ref]! - 2;
        w.end();
        continue;
      }
      this.remaining[d]!--;
      if (this.key(w, this.kinds[d]!)) this.value(w);
    }
    if (this.p !== this.end) bail(); // the tree notes trailing bytes
  }

  /**
   * Registers the array (type byte at `at`) or object (`at` -1) being read as the next reference
   * id, stored as -at-2 while it is open; returns the id, -1 in a replay (registered already).
   */
  private register(at: number): number {
    if (this.replaying > 0) return -1;
    const i = this.refs++;
    if (i === this.refAt.length) this.refAt = scratch.refAt = grow(this.refAt, i * 2);
    this.refAt[i] = at < 0 ? -1 : -at - 2;
    return i;
  }

  /** An array's member count after its type byte t (array8..32; anything else bails). */
  private count(t: number): number {
    const n = t === 0x14 ? this.uint(1) : t === 0x15 ? this.uint(2) : t === 0x16 ? this.uint(4) : bail();
    if (n > this.end - this.p) bail();
    return n;
  }

  /** Opens a frame; a container's nesting limited as igbinary.ts limits it (not again in a replay). */
  private push(kind: number, n: number, ref: number): void {
    const d = this.top;
    if ((kind === ARRAY || kind === OBJECT) && this.replaying === 0 && this.maxDepth > 0 && d >= this.maxDepth) bail();
    if (d === this.remaining.length) {
      this.remaining = scratch.remaining = grow(this.remaining, d * 2);
      this.kinds = scratch.kinds = grow(this.kinds, d * 2);
      this.frameRef = scratch.frameRef = grow(this.frameRef, d * 2);
    }
    this.remaining[d] = n;
    this.kinds[d] = kind;
    this.frameRef[d] = ref;
    this.top = d + 1;
  }
  /** A member's key; false for a null key (an uninitialized typed property: no value follows). */
  private key(w: DirectWriter, kind: number): boolean {
    if (this.p === this.end) bail();
    const t = this.b[this.p++]!;
    if (this.string(t)) {
      const s = this.s;
      const e = this.e;
      if (kind === OBJECT) {
        // A property's label is its name without the visibility mangling.
        const cn = mangledClassLength(this.b, s, e);
        w.bytesKey(this.b, cn >= 0 ? s + cn + 2 : s, e);
      } else {
        // igbinary keeps a numeric string key a string; the writer would make it an integer.
        if (kind === ARRAY && s < e) {
          const c = this.b[s]!;
          if (((c >= 0x30 && c <= 0x39) || c === 0x2d) && intText(this.b, s, e)) bail();
        }
        w.bytesKey(this.b, s, e);
      }
      return true;
    }
    if (t === 0) {
      // Skipped by the tree; in an array all of them skipped would print [] where the writer prints {}.
      if (kind === ARRAY) bail();
      return false;
    }
    // Integer keys: at the root they are no variables (the tree skips them, values and all).
    if (t < 0x06 || (t > 0x0b && t !== 0x20 && t !== 0x21) || kind === ROOT) bail();
    const n = this.long(t);
    if (n !== n) bail();
    w.intKey(n);
    return true;
  }

  /** One value: a scalar written, or a non-empty container opened. */
  private value(w: DirectWriter): void {
    if (this.p === this.end) bail();
    const t = this.b[this.p++]!;
    switch (t) {
      case 0x00: // null
        w.null();
        return;
      case 0x04: // false
        w.bool(false);
        return;
      case 0x05: // true
        w.bool(true);
        return;
      case 0x06: // long8p
      case 0x07: // long8n
      case 0x08: // long16p
      case 0x09: // long16n
      case 0x0a: // long32p
      case 0x0b: // long32n
      case 0x20: // long64p
      case 0x21: {
        // long64n
        const n = this.long(t);
        if (n === n) w.int(n);
        else w.bigInt(bigLong(this.hi, this.lo, t === 0x21));
        return;
      }
      case 0x0c: // double, big-endian
        w.float(this.float(8));
        return;
      case 0x14: // array8
      case 0x15: // array16
      case 0x16: {
        // array32
        const at = this.p - 1;
        const n = this.count(t);
        const ref = this.register(at);
        w.beginArray(n);
        if (n > 0) this.push(ARRAY, n, ref);
        else if (ref >= 0) this.refAt[ref] = at;
        return;
      }
      case 0x01: // ref8
      case 0x02: // ref16
      case 0x03: {
        // ref32: a shared array, closed before (anything else, and objref8..32, is the tree's)
        const i = this.uint(t === 0x01 ? 1 : t === 0x02 ? 2 : 4);
        if (i >= this.refs || this.refAt[i]! < 0) bail();
        this.push(REPLAY, 0, this.p);
        this.replaying++;
        this.p = this.refAt[i]!;
        this.value(w);
        return;
      }
      case 0x17: // object8
      case 0x18: // object16
      case 0x19: // object32
      case 0x1a: // object_id8
      case 0x1b: // object_id16
      case 0x1c: // object_id32
        this.object(w, t);
        return;
    }
    // Strings; anything else (references, unknown types) is the tree's.
    if (!this.string(t)) bail();
    w.string(this.b, this.s, this.e);
  }

  /** An object: its class name, then a property array (Serializable payloads and enums bail). */
  private object(w: DirectWriter, t: number): void {
    if (t > 0x19) this.stringId(t === 0x1a ? 1 : t === 0x1b ? 2 : 4);
    else this.chars(t);
    const name = plainClassName(this.b, this.s, this.e);
    const ref = this.register(-1);
    if (this.p === this.end) bail();
    const n = this.count(this.b[this.p++]!);
    w.beginObject(name);
    if (n === 0) w.end();
    else this.push(OBJECT, n, ref);
  }
}

/** Whether `b[s, e)` is a key PHP would store as an integer (or one the writer bails on itself). */
function intText(b: Uint8Array, s: number, e: number): boolean {
  const n = canonicalIntKey(b, s, e);
  return n === n;
}

function grow(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(size);
  bigger.set(a);
  return bigger;
}

/** A 64-bit integer beyond 2^53 as igbinary.ts reads it: one past PHP_INT_MAX is stored as 0. */
function bigLong(hi: number, lo: number, neg: boolean): bigint {
  let v = (BigInt(hi) << 32n) | BigInt(lo);
  if (v >= TWO63 && (v > TWO63 || !neg)) v = 0n;
  return neg ? -v : v;
}

/** igbinary's session format: header, then the array of the session's variables. */
export function directIgbinary(w: DirectWriter, b: Uint8Array, maxDepth?: number): void {
  // Ranges of the input live in Int32Arrays.
  if (b.length > 0x7fff_ffff) bail();
  new IgbinaryScan(b, maxDepth ?? IGBINARY_MAX_DEPTH).session(w);
}
