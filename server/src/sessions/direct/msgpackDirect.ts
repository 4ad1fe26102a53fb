// The `msgpack` session format straight to canonical JSON: msgpack-php's php_only encoding
// (msgpack/msgpack-php msgpack_unpack.c) of the values sessions are made of: nil, bool, ints,
// floats, str/bin, arrays (lists), maps (PHP arrays with other keys) and maps marked nil → "Class"
// (stdClass or application objects). The nil → 1 mark of a PHP reference is skipped, as
// msgpack.ts skips it (the session encoder writes $_SESSION itself with it). Other nil directives
// (references to earlier containers, Serializable objects, __serialize() data), ext types, PHP's
// own classes, enum-like objects, integer or numeric keys at the root, and anything malformed or
// truncated give up (see directWriter.ts): msgpack.ts then decodes them, with msgpack-php's
// notes and marks.
import { mangledClassLength } from '../decodeCommon.ts';
import { MSGPACK_MAX_DEPTH } from '../msgpack.ts';
import { ByteCursor } from './byteCursor.ts';
import { bail, canonicalIntKey, plainClassName, type DirectWriter } from './directWriter.ts';

const NIL = 0xc0;
const TWO_32 = 4294967296;

/** Frame kinds: the session's own map, an array written as msgpack array, a map, an object. */
const ROOT = 0;
const LIST = 1;
const MAP = 2;
const OBJECT = 3;

class MsgpackScan extends ByteCursor {
  private readonly maxDepth: number;
  /** Open containers: kind, members left, and (lists) their length for the index. */
  private readonly kind: number[] = [];
  private readonly left: number[] = [];
  private readonly size: number[] = [];
  private top = 0;
  /** The last class read was an application class (not stdClass). */
  private app = false;

  constructor(b: Uint8Array, maxDepth: number) {
    super(b, 0);
    this.maxDepth = maxDepth;
  }

  /** The session: a map of variables (an empty array, `90`, is the empty session). */
  session(w: DirectWriter): void {
    const h = this.b[0]!;
    w.beginSession();
    this.p = 1;
    if (h === 0x90 || ((h === 0xdc || h === 0xdd) && this.uint(h === 0xdc ? 2 : 4) === 0)) {
      // The variables of an array are its string keys: an empty one has none.
      w.end();
      return;
    }
    // A non-empty list (integer keys only, values still read) or an object root: the tree's.
    if (h >= 0x80 && h <= 0x8f) this.map(w, h & 0x0f, ROOT);
    else if (h === 0xde || h === 0xdf) this.map(w, this.uint(h === 0xde ? 2 : 4), ROOT);
    else bail();
    this.members(w);
  }

  /**
   * The integer of header `h` (0xcc-0xd3) after `p`, which moves past it: a safe integer, or NaN
   * for a 64-bit one beyond 2^53 (read again exactly by wideInt).
   */
  private int(h: number): number {
    switch (h) {
      case 0xcc:
        return this.uint(1);
      case 0xcd:
        return this.uint(2);
      case 0xce:
        return this.uint(4);
      case 0xd0:
        return (this.uint(1) << 24) >> 24;
      case 0xd1:
        return (this.uint(2) << 16) >> 16;
      case 0xd2:
        return this.uint(4) | 0;
      default: {
        // 0xcf, 0xd3: hi * 2^32 + lo is exact whenever the result is a safe integer.
        const hi = this.uint(4);
        const v = (h === 0xd3 ? hi | 0 : hi) * TWO_32 + this.uint(4);
        return Number.isSafeInteger(v) ? v : NaN;
      }
    }
  }

  /** A 64-bit integer beyond 2^53 ending at `p`: its digits (a string past PHP_INT_MAX, as msgpack-php makes it). */
  private wideInt(w: DirectWriter, h: number): void {
    const b = this.b;
    const p = this.p - 8;
    let v = 0n;
    for (let i = p; i < p + 8; i++) v = (v << 8n) | BigInt(b[i]!);
    if (h === 0xd3) v = BigInt.asIntN(64, v);
    if (v >= 1n << 63n) w.out.ascii(`"${v}"`);
    else w.bigInt(v);
  }

  /** The length of a str/bin header `h` after `p` (which moves past it), or -1 when `h` is no string. */
  private strLength(h: number): number {
    if (h >= 0xa0 && h <= 0xbf) return h & 0x1f;
    if (h === 0xd9 || h === 0xc4) return this.uint(1);
    if (h === 0xda || h === 0xc5) return this.uint(2);
    if (h === 0xdb || h === 0xc6) return this.uint(4);
    return -1;
  }

  /** Reads members until the root is closed. */
  private members(w: DirectWriter): void {
    while (this.top > 0) {
      const t = this.top - 1;
      const left = this.left[t]!;
      if (left === 0) {
        this.top = t;
        w.end();
        continue;
      }
      this.left[t] = left - 1;
      const kind = this.kind[t]!;
      if (kind === LIST) w.intKey(this.size[t]! - left);
      else this.key(w, kind);
      this.value(w);
    }
  }

  private push(kind: number, n: number): void {
    const t = this.top++;
    this.kind[t] = kind;
    this.left[t] = n;
    this.size[t] = n;
  }

  /** msgpack_unpack.c's checks on a container's start, in its order: size, then stack depth. */
  private checkOpen(n: number, pairs: boolean): void {
    if ((pairs ? n * 2 : n) > this.end - this.p) bail();
    if (this.maxDepth > 0 && this.top >= this.maxDepth) bail();
  }

  private list(w: DirectWriter, n: number): void {
    this.checkOpen(n, false);
    w.beginArray(n);
    if (n > 0) this.push(LIST, n);
  }

  /** A map: its leading nil directives, then an array's, an object's or the session's pairs. */
  private map(w: DirectWriter, n: number, kind: number): void {
    this.checkOpen(n, true);
    const b = this.b;
    if (n === 0) {
      // msgpack-php makes an empty map a stdClass object (PHP writes an empty array as 90).
      if (kind === ROOT) bail();
      w.beginObject('stdClass');
      w.end();
      return;
    }
    let className: string | null = null;
    while (n > 0 && this.p < this.end && b[this.p] === NIL) {
      n--;
      if (this.p + 1 < this.end && b[this.p + 1] === 0x01) {
        // TYPE_REFERENCE: the container is a PHP reference (&), which changes nothing shown.
        this.p += 2;
        continue;
      }
      // nil → "Class" makes the map an object; a second one, or one on the session, is the tree's.
      if (className !== null || kind === ROOT) bail();
      this.p++;
      className = this.className();
    }
    if (className !== null) {
      w.beginObject(className);
      // msgpack-php writes an enum case as an object holding `name` (and `value`) and cannot read
      // it back: msgpack.ts marks such objects of application classes unreadable.
      if (this.app && n <= 2 && n > 0 && this.keyIsName()) bail();
      if (n === 0) w.end();
      else this.push(OBJECT, n);
      return;
    }
    if (kind === ROOT) this.push(ROOT, n);
    else {
      w.beginArray(n);
      if (n > 0) this.push(MAP, n);
    }
  }

  /** A class name string at `p`: stdClass (canonical spelling) or an application class, else bail. */
  private className(): string {
    const b = this.b;
    if (this.p >= this.end) bail();
    const len = this.strLength(b[this.p++]!);
    const s = this.p;
    const e = s + len;
    if (len < 0 || e > this.end) bail();
    this.p = e;
    const name = plainClassName(b, s, e);
    this.app = name !== 'stdClass';
    return name;
  }

  /** The key at `p` is the string "name" (in any str/bin encoding); `p` stays. */
  private keyIsName(): boolean {
    const b = this.b;
    const at = this.p;
    if (at >= this.end) return false;
    this.p++;
    const len = this.strLength(b[at]!);
    const s = this.p;
    this.p = at;
    return (
      len === 4 && s + 4 <= this.end && b[s] === 0x6e && b[s + 1] === 0x61 && b[s + 2] === 0x6d && b[s + 3] === 0x65
    );
  }

  /** A map key: a string (a label, unmangled, in an object) or an integer (not a variable name). */
  private key(w: DirectWriter, kind: number): void {
    const b = this.b;
    const p = this.p;
    if (p >= this.end) bail();
    const h = b[p]!;
    this.p = p + 1;
    const len = this.strLength(h);
    if (len < 0) {
      // Integer keys: only string keys become session variables, and nil, bool and float keys
      // (directives, PHP's key conversions) are the tree's.
      if (kind === ROOT) bail();
      let n: number;
      if (h <= 0x7f) n = h;
      else if (h >= 0xe0) n = h - 256;
      else if (h >= 0xcc && h <= 0xd3) n = this.int(h);
      else bail();
      if (n !== n) bail();
      w.intKey(n);
      return;
    }
    const s = this.p;
    const e = s + len;
    if (e > this.end) bail();
    this.p = e;
    if (kind === OBJECT) {
      // A property's label is its name without the visibility mangling.
      const cn = mangledClassLength(b, s, e);
      w.bytesKey(b, cn >= 0 ? s + cn + 2 : s, e);
      return;
    }
    // A numeric string key at the root is an integer key in PHP's array: no variable.
    if (kind === ROOT) {
      const n = canonicalIntKey(b, s, e);
      if (n === n) bail();
    }
    w.bytesKey(b, s, e);
  }

  /** One value at `p`: a scalar written, or a container opened. */
  private value(w: DirectWriter): void {
    const b = this.b;
    const p = this.p;
    if (p >= this.end) bail();
    const h = b[p]!;
    this.p = p + 1;
    if (h <= 0x7f) {
      w.int(h);
      return;
    }
    if (h >= 0xa0 && h <= 0xbf) {
      const e = p + 1 + (h & 0x1f);
      if (e > this.end) bail();
      w.string(b, p + 1, e);
      this.p = e;
      return;
    }
    if (h >= 0xe0) {
      w.int(h - 256);
      return;
    }
    if (h <= 0x8f) {
      this.map(w, h & 0x0f, MAP);
      return;
    }
    if (h <= 0x9f) {
      this.list(w, h & 0x0f);
      return;
    }
    switch (h) {
      case NIL:
        w.null();
        return;
      case 0xc2:
        w.bool(false);
        return;
      case 0xc3:
        w.bool(true);
        return;
      case 0xca:
      case 0xcb:
        w.float(this.float(h === 0xca ? 4 : 8));
        return;
      case 0xdc:
      case 0xdd:
        this.list(w, this.uint(h === 0xdc ? 2 : 4));
        return;
      case 0xde:
      case 0xdf:
        this.map(w, this.uint(h === 0xde ? 2 : 4), MAP);
        return;
    }
    if (h >= 0xcc && h <= 0xd3) {
      const n = this.int(h);
      if (n === n) w.int(n);
      else this.wideInt(w, h);
      return;
    }
    // str 8/16/32 and bin 8/16/32 are all PHP strings; 0xc1 and ext types are the tree's.
    const len = this.strLength(h);
    const s = this.p;
    if (len < 0 || s + len > this.end) bail();
    w.string(b, s, s + len);
    this.p = s + len;
  }
}

/**
 * msgpack: msgpack-php's session encoding of $_SESSION (a map, marked as a PHP reference).
 * `strict` (detecting): no bytes may follow the map, which msgpack-php's session decoder ignores.
 */
export function directMsgpack(w: DirectWriter, b: Uint8Array, strict: boolean, maxDepth?: number): void {
  const scan = new MsgpackScan(b, maxDepth ?? MSGPACK_MAX_DEPTH);
  scan.session(w);
  if (strict && scan.p !== b.length) bail();
}
