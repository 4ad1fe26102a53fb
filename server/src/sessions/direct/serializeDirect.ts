// The `php_serialize` and `php` session formats straight to canonical JSON: PHP's unserialize()
// grammar for the values sessions are made of (N, b, i, d, s, a, and O of stdClass or application
// classes). References, `S:`, `C:`, enums, PHP's other classes and anything malformed give up (see
// directWriter.ts): phpSerialize.ts then decodes them, with PHP's exact errors and marks.
import { DEFAULT_MAX_DEPTH, mangledClassLength, parseIv } from '../decodeCommon.ts';
import {
  BACKSLASH,
  COLON,
  DOT,
  LBRACE,
  MINUS,
  NINE,
  PLUS,
  QUOTE,
  RBRACE,
  SEMI,
  ZERO,
  digitsEnd,
  isClassNameByte,
  serializedDouble,
} from '../serializeGrammar.ts';
import { bail, plainClassName, type DirectWriter } from './directWriter.ts';

const PIPE = 0x7c;

const ARRAY = 0;
const OBJECT = 1;

class SerializeScan {
  pos = 0;
  private readonly b: Uint8Array;
  private readonly end: number;
  private readonly maxDepth: number;
  /** Open containers: members left to read, and whether each is an object. */
  private readonly remaining: number[] = [];
  private readonly kind: number[] = [];
  private top = 0;
  /** The value of the last integer read. */
  private int = 0;

  constructor(b: Uint8Array, maxDepth: number) {
    this.b = b;
    this.end = b.length;
    this.maxDepth = maxDepth;
  }

  private at(i: number): number {
    return i < this.end ? this.b[i]! : 0;
  }

  /** Unsigned decimal of at most 15 digits at `start`, into `int`; returns its end. */
  private count(start: number): number {
    const de = digitsEnd(this.b, start, this.end);
    if (de === start || de - start > 15) bail();
    let n = 0;
    for (let i = start; i < de; i++) n = n * 10 + (this.b[i]! - ZERO);
    this.int = n;
    return de;
  }

  /**
   * `[+-]?digits;` at `p` into `int`; returns the position after ';'. With more digits than a safe
   * integer holds, writes the value to `w` when given (a key needs a number: bail).
   */
  private integer(p: number, w?: DirectWriter): number {
    let i = p;
    const sign = this.at(i);
    if (sign === PLUS || sign === MINUS) i++;
    const de = digitsEnd(this.b, i, this.end);
    if (de === i || this.at(de) !== SEMI) bail();
    while (i < de - 1 && this.b[i] === ZERO) i++;
    if (de - i > 15) {
      if (w === undefined) bail();
      w.bigInt(parseIv(this.b, i, de, sign === MINUS));
      this.int = NaN;
      return de + 1;
    }
    let n = 0;
    for (let k = i; k < de; k++) n = n * 10 + (this.b[k]! - ZERO);
    this.int = sign === MINUS ? -n : n;
    return de + 1;
  }

  /** `<len>:"` after a letter and colon: the string's start (its length in `int`). */
  private stringStart(p: number): number {
    const de = this.count(p);
    if (this.at(de) !== COLON || this.at(de + 1) !== QUOTE) bail();
    const start = de + 2;
    if (this.end - start < this.int + 2 || this.b[start + this.int] !== QUOTE) bail();
    return start;
  }

  /** The session's top-level array (php_serialize), its members as the variables. */
  session(w: DirectWriter): void {
    const b = this.b;
    if (b[0] !== 0x61 || b[1] !== COLON) bail();
    const de = this.count(2);
    if (this.at(de) !== COLON || this.at(de + 1) !== LBRACE) bail();
    w.beginSession();
    this.pos = de + 2;
    this.open(ARRAY, this.int);
    this.members(w, 0);
  }

  /** One value at `pos`, containers to their end. */
  value(w: DirectWriter): void {
    const base = this.top;
    this.token(w);
    this.members(w, base);
  }

  /** Reads members until only `base` containers are open. */
  private members(w: DirectWriter, base: number): void {
    while (this.top > base) {
      const t = this.top - 1;
      if (this.remaining[t]! > 0) {
        this.remaining[t]!--;
        this.key(w, this.kind[t]!);
        this.token(w);
        continue;
      }
      if (this.at(this.pos) !== RBRACE) bail();
      this.pos++;
      this.top--;
      w.end();
    }
  }

  private open(kind: number, n: number): void {
    if (n > (this.end - this.pos) / 2) bail();
    if (this.maxDepth > 0 && this.top >= this.maxDepth) bail();
    this.remaining[this.top] = n;
    this.kind[this.top] = kind;
    this.top++;
  }

  private key(w: DirectWriter, kind: number): void {
    const p = this.pos;
    const c = this.at(p);
    if (c === 0x69 && this.at(p + 1) === COLON) {
      this.pos = this.integer(p + 2);
      w.intKey(this.int);
      return;
    }
    if (c !== 0x73 || this.at(p + 1) !== COLON) bail();
    const start = this.stringStart(p + 2);
    const end = start + this.int;
    if (this.at(end + 1) !== SEMI) bail();
    this.pos = end + 2;
    if (kind === OBJECT) {
      // A property's label is its name without the visibility mangling.
      const cn = mangledClassLength(this.b, start, end);
      w.bytesKey(this.b, cn >= 0 ? start + cn + 2 : start, end);
    } else w.bytesKey(this.b, start, end);
  }

  private token(w: DirectWriter): void {
    const b = this.b;
    const p = this.pos;
    const c = this.at(p);
    const c1 = this.at(p + 1);
    if (c === 0x73 && c1 === COLON) {
      const start = this.stringStart(p + 2);
      const end = start + this.int;
      if (this.at(end + 1) !== SEMI) bail();
      w.string(b, start, end);
      this.pos = end + 2;
      return;
    }
    if (c === 0x69 && c1 === COLON) {
      this.pos = this.integer(p + 2, w);
      if (this.int === this.int) w.int(this.int);
      return;
    }
    if (c === 0x61 && c1 === COLON) {
      const de = this.count(p + 2);
      if (this.at(de) !== COLON || this.at(de + 1) !== LBRACE) bail();
      this.pos = de + 2;
      if (this.int === 0) {
        if (this.at(this.pos) !== RBRACE) bail();
        this.pos++;
        w.beginArray(0);
        return;
      }
      this.open(ARRAY, this.int);
      w.beginArray(this.int);
      return;
    }
    if (c === 0x64 && c1 === COLON) {
      this.pos = this.float(w, p + 2);
      return;
    }
    if (c === 0x62 && c1 === COLON) {
      const v = this.at(p + 2);
      if ((v !== ZERO && v !== ZERO + 1) || this.at(p + 3) !== SEMI) bail();
      w.bool(v === ZERO + 1);
      this.pos = p + 4;
      return;
    }
    if (c === 0x4e && c1 === SEMI) {
      w.null();
      this.pos = p + 2;
      return;
    }
    if (c === 0x4f && c1 === COLON) {
      this.object(w, p);
      return;
    }
    bail();
  }

  /** `O:<len>:"<class>":<n>:{`: stdClass or an application class (PHP's own ones need the tree). */
  private object(w: DirectWriter, p: number): void {
    const b = this.b;
    const ns = this.stringStart(p + 2);
    const q = ns + this.int;
    if (q === ns || this.at(q + 1) !== COLON || b[ns] === BACKSLASH) bail();
    for (let i = ns; i < q; i++) if (!isClassNameByte(b[i]!)) bail();
    const name = plainClassName(b, ns, q);
    const de = this.count(q + 2);
    if (this.at(de) !== COLON || this.at(de + 1) !== LBRACE) bail();
    this.pos = de + 2;
    const n = this.int;
    w.beginObject(name);
    if (n === 0) {
      // PHP counts an object's depth even without properties.
      if (this.maxDepth > 0 && this.top >= this.maxDepth) bail();
      if (this.at(this.pos) !== RBRACE) bail();
      this.pos++;
      w.end();
      return;
    }
    this.open(OBJECT, n);
  }

  /** `d:` then a decimal (or NAN, INF, -INF) and ';': writes it, returns the position after ';'. */
  private float(w: DirectWriter, j: number): number {
    const b = this.b;
    const start = j;
    if (this.at(j) === PLUS || this.at(j) === MINUS) j++;
    let digits = 0;
    let dot = false;
    for (; j < this.end; j++) {
      const c = b[j]!;
      if (c >= ZERO && c <= NINE) digits++;
      else if (c === DOT && !dot) dot = true;
      else break;
    }
    if (digits === 0) return this.special(w, start);
    const e = this.at(j);
    const exponent = e === 0x65 || e === 0x45;
    if (exponent) {
      let k = j + 1;
      if (this.at(k) === PLUS || this.at(k) === MINUS) k++;
      const expEnd = digitsEnd(this.b, k, this.end);
      if (expEnd === k) bail();
      j = expEnd;
    }
    if (this.at(j) !== SEMI) bail();
    w.float(serializedDouble(b, start, j, digits, exponent));
    return j + 1;
  }

  /** `NAN;`, `INF;` or `-INF;` at `j`: writes it, returns the position after ';'. */
  private special(w: DirectWriter, j: number): number {
    const neg = this.at(j) === MINUS;
    const word = neg ? INF : this.at(j) === 0x4e ? NAN : INF;
    const at = neg ? j + 1 : j;
    for (let k = 0; k < 4; k++) if (this.at(at + k) !== word[k]) bail();
    w.float(word === NAN ? NaN : neg ? -Infinity : Infinity);
    return at + 4;
  }
}

const NAN = [0x4e, 0x41, 0x4e, SEMI];
const INF = [0x49, 0x4e, 0x46, SEMI];

/** php_serialize: serialize($_SESSION). `strict` (detecting): no bytes may follow the array. */
export function directPhpSerialize(w: DirectWriter, b: Uint8Array, strict: boolean, maxDepth?: number): void {
  const scan = new SerializeScan(b, maxDepth ?? DEFAULT_MAX_DEPTH);
  scan.session(w);
  if (strict && scan.pos !== b.length) bail();
}

/** php: name|value name|value …; a repeated name (PHP keeps its first place) needs the tree. */
export function directPhp(w: DirectWriter, b: Uint8Array, maxDepth?: number): void {
  const scan = new SerializeScan(b, maxDepth ?? DEFAULT_MAX_DEPTH);
  w.beginSession();
  let p = 0;
  while (p < b.length) {
    const pipe = b.indexOf(PIPE, p);
    if (pipe < 0) bail();
    w.bytesKey(b, p, pipe);
    scan.pos = pipe + 1;
    scan.value(w);
    p = scan.pos;
  }
  w.end();
}
