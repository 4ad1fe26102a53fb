// PHP's unserialize() grammar, byte for byte as php-src ext/standard/var_unserializer.re accepts it,
// into the value tree. Iterative (an explicit frame stack) so hostile nesting cannot overflow the JS
// stack; every declared length is checked against the bytes left before anything is allocated.
import {
  DEFAULT_MAX_DEPTH,
  SCAN_LIMIT,
  SessionDecodeError,
  latin1,
  mangledKey,
  numericStringKey,
  parseIv,
  phpInt,
  sameBytes,
  sameProperty,
  unmangleProperty,
} from './decodeCommon.ts';
import {
  PHP_FALSE,
  PHP_NULL,
  PHP_TRUE,
  SourceString,
  decodeUtf8,
  validUtf8Text,
  type PhpArray,
  type PhpArrayEntry,
  type PhpCell,
  type PhpKey,
  type PhpObject,
  type PhpProperty,
  type PhpValue,
} from './phpValue.ts';
import { canonicalClassName, checkPhpObject, instantiationRefusal, phpClass } from './phpClasses.ts';
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
} from './serializeGrammar.ts';
import { SPL_PAYLOAD_CLASSES, SplPayloadError, readSplPayload, type NestedReader } from './splPayloads.ts';

export { SessionDecodeError };

export interface UnserializeOptions {
  /** Maximum nesting of arrays/objects, like PHP's unserialize_max_depth. Default 4096 (PHP's). */
  maxDepth?: number;
}

const UINT64_MASK = (1n << 64n) - 1n;

function byteName(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `0x${c.toString(16).padStart(2, '0')}`;
}

/** An open array or object whose members are still being read. */
interface Frame {
  array: PhpArray | null;
  object: PhpObject | null;
  remaining: number;
  /** Array keys so far are exactly 0..n-1, so no duplicate index is needed yet. */
  sequential: boolean;
  /** Duplicate detection: int key, or the raw bytes as latin1 for string keys / property names. */
  index: Map<bigint | string, PhpCell> | null;
}

/**
 * Reads serialize() values from `bytes[start, end)`. One instance keeps one slot table, so the
 * `php` and `php_binary` session formats can number slots across variables as PHP does.
 */
export class PhpUnserializer implements NestedReader {
  readonly bytes: Uint8Array;
  /** Where the bytes to read end (narrowed while a `C:` payload is read). */
  end: number;
  pos: number;
  /** Value slots for `R:`/`r:` (slot n is `slots[n - 1]`): every value but `R:`, containers first. */
  readonly slots: PhpCell[] = [];
  /** PHP's reason for refusing the first value it would refuse (the value itself is marked too). */
  phpUnreadable: string | null = null;
  /** An R:1 was read: a PHP reference to the first value (the php_serialize session array). */
  referencesFirst = false;
  private readonly maxDepth: number;
  private depth = 0;
  /** readInto() calls under way: a `C:` payload of PHP's own classes is read by a nested one. */
  private nesting = 0;
  // The last key read by readKey().
  private keyInt: bigint | null = null;
  private keyNum = -1;
  private keyStart = 0;
  private keyEnd = 0;
  private keyBytes: Uint8Array | null = null;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length, options: UnserializeOptions = {}) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** Reads one value at `pos` and returns it. */
  readValue(): PhpValue {
    const cell: PhpCell = { value: PHP_NULL };
    this.readInto(cell);
    return cell.value;
  }

  /** Reads one value at `pos` into `cell` (which becomes the value's slot). */
  readInto(cell: PhpCell): void {
    const frames: Frame[] = [];
    // The depth limit counts across nested payloads, as PHP's shared var_hash does.
    if (this.nesting === 0) this.depth = 0;
    this.nesting++;
    try {
      let target = cell;
      for (;;) {
        const opened = this.readToken(target);
        if (opened !== null) frames.push(opened);
        for (;;) {
          // No read past the end: an out-of-bounds load is a slow path in V8.
          if (frames.length === 0) return;
          const top = frames[frames.length - 1]!;
          if (top.remaining > 0) {
            top.remaining--;
            target = this.readMember(top);
            break;
          }
          if (this.at(this.pos) !== RBRACE)
            this.fail(`Expected '}' after the last element, found ${this.found(this.pos)}`, this.pos);
          this.pos++;
          frames.pop();
          this.depth--;
          if (top.object !== null) this.mark(checkPhpObject(top.object));
        }
      }
    } finally {
      this.nesting--;
    }
  }

  byteAt(i: number): number {
    return this.at(i);
  }

  readNested(cell: PhpCell, pos: number, end: number): number {
    const outer = this.end;
    this.pos = pos;
    this.end = end;
    try {
      this.readInto(cell);
    } finally {
      this.end = outer;
    }
    return this.pos;
  }

  private mark(reason: string | null): void {
    if (reason !== null && this.phpUnreadable === null) this.phpUnreadable = reason;
  }

  // -- helpers ---------------------------------------------------------------------------------

  /** The byte at i, or 0 past the end: PHP's buffers are NUL-terminated and NUL matches no rule. */
  private at(i: number): number {
    return i < this.end ? this.bytes[i]! : 0;
  }

  private found(i: number): string {
    return i < this.end ? byteName(this.bytes[i]!) : 'end of data';
  }

  private fail(message: string, offset: number): never {
    throw new SessionDecodeError(message, offset);
  }

  /** parse_uiv: unsigned decimal, wrapping modulo 2^64 like size_t (values past 2^53 are only compared). */
  private uiv(start: number, end: number): number {
    if (end - start <= 15) {
      let n = 0;
      for (let i = start; i < end; i++) n = n * 10 + (this.bytes[i]! - ZERO);
      return n;
    }
    return Number(BigInt(latin1(this.bytes, start, end)) & UINT64_MASK);
  }

  /** parse_iv2: optional sign, any number of digits (even none); returns the value and where it stopped. */
  private iv2(start: number): { value: number; next: number } {
    let i = start;
    let neg = false;
    if (this.at(i) === MINUS) {
      neg = true;
      i++;
    } else if (this.at(i) === PLUS) i++;
    const ds = i;
    const de = digitsEnd(this.bytes, ds, this.end);
    return { value: Number(parseIv(this.bytes, ds, de, neg)), next: de };
  }

  /** `<letter>:<uiv>:"` — returns the end of the digits, or -1 when the token does not match. */
  private lengthPrefix(p: number): number {
    if (this.at(p + 1) !== COLON) return -1;
    const de = digitsEnd(this.bytes, p + 2, this.end);
    if (de === p + 2 || this.at(de) !== COLON || this.at(de + 1) !== QUOTE) return -1;
    return de;
  }

  private checkClassName(start: number, end: number, what: string): void {
    const b = this.bytes;
    if (b[start] === 0 || b[start] === BACKSLASH) this.fail(`Invalid ${what} name`, start);
    for (let i = start; i < end; i++)
      if (!isClassNameByte(b[i]!)) this.fail(`Invalid ${what} name: ${byteName(b[i]!)} is not allowed`, i);
  }

  // -- values ----------------------------------------------------------------------------------

  /** Reads one token into `cell`; returns a frame when it opened a container with members to read. */
  private readToken(cell: PhpCell): Frame | null {
    const b = this.bytes;
    const p = this.pos;
    if (p >= this.end) this.fail('Unexpected end of data, expected a value', p);
    const c = b[p]!;
    // var_push(): every value gets the next slot before it is parsed, except R: entries.
    if (c !== 0x52) this.slots.push(cell);
    const c1 = this.at(p + 1);
    switch (c) {
      case 0x4e: // N;
        if (c1 === SEMI) {
          cell.value = PHP_NULL;
          this.pos = p + 2;
          return null;
        }
        break;
      case 0x62: {
        // b:0; b:1;
        const v = this.at(p + 2);
        if (c1 === COLON && (v === ZERO || v === ZERO + 1) && this.at(p + 3) === SEMI) {
          cell.value = v === ZERO ? PHP_FALSE : PHP_TRUE;
          this.pos = p + 4;
          return null;
        }
        break;
      }
      case 0x69: {
        // i:[+-]?[0-9]+;
        if (c1 !== COLON) break;
        let i = p + 2;
        const sign = this.at(i);
        if (sign === PLUS || sign === MINUS) i++;
        const de = digitsEnd(this.bytes, i, this.end);
        if (de === i || this.at(de) !== SEMI) break;
        cell.value = phpInt(parseIv(this.bytes, i, de, sign === MINUS));
        this.pos = de + 1;
        return null;
      }
      case 0x64:
        if (c1 === COLON) return this.readDouble(cell, p);
        break;
      case 0x73: // s:<len>:"<bytes>";
      case 0x53: {
        // S:<len>:"<escaped>";
        const de = this.lengthPrefix(p);
        if (de < 0) break;
        const len = this.uiv(p + 2, de);
        const start = de + 2;
        if (this.end - start < len)
          this.fail(`String declares ${len} bytes but only ${this.end - start} remain`, p + 2);
        let value: PhpValue;
        let q: number;
        if (c === 0x73) {
          q = start + len;
          value = new SourceString(b, start, q);
        } else {
          let bytes: Uint8Array;
          ({ bytes, next: q } = this.unescape(start, len));
          value = { kind: 'string', bytes };
        }
        if (this.at(q) !== QUOTE) this.fail(`Expected '"' after a ${len}-byte string, found ${this.found(q)}`, q);
        if (this.at(q + 1) !== SEMI) this.fail(`Expected ';' after a string, found ${this.found(q + 1)}`, q + 1);
        cell.value = value;
        this.pos = q + 2;
        return null;
      }
      case 0x61: {
        // a:<n>:{
        if (c1 !== COLON) break;
        const de = digitsEnd(this.bytes, p + 2, this.end);
        if (de === p + 2 || this.at(de) !== COLON || this.at(de + 1) !== LBRACE) break;
        const n = Number(parseIv(this.bytes, p + 2, de, false));
        const cursor = de + 2;
        // IS_FAKE_ELEM_COUNT: each element takes at least 2 bytes.
        if (n > Math.floor((this.end - cursor) / 2))
          this.fail(`Array declares ${n} elements but only ${this.end - cursor} bytes remain`, p + 2);
        const array: PhpArray = { kind: 'array', entries: [] };
        cell.value = array;
        this.pos = cursor;
        if (n === 0) {
          if (this.at(cursor) !== RBRACE)
            this.fail(`Expected '}' closing an empty array, found ${this.found(cursor)}`, cursor);
          this.pos = cursor + 1;
          return null;
        }
        this.enter(p);
        return { array, object: null, remaining: n, sequential: true, index: null };
      }
      case 0x4f: // O:<len>:"<class>":<n>:{
      case 0x43: // C:<len>:"<class>":<n>:{<payload>}
        return this.readObject(cell, p, c === 0x43);
      case 0x45:
        return this.readEnum(cell, p);
      case 0x52: // R:<slot>;
      case 0x72: {
        // r:<slot>;
        if (c1 !== COLON) break;
        const de = digitsEnd(this.bytes, p + 2, this.end);
        if (de === p + 2 || this.at(de) !== SEMI) break;
        this.pos = de + 1;
        this.readReference(cell, this.uiv(p + 2, de), c === 0x52, p);
        return null;
      }
      case RBRACE:
        this.fail('Unexpected end of serialized data: fewer elements than declared', p);
    }
    this.fail(`Malformed value starting with ${byteName(c)}`, p);
  }

  private enter(offset: number): void {
    if (this.maxDepth > 0 && this.depth >= this.maxDepth)
      this.fail(`Maximum depth of ${this.maxDepth} exceeded`, offset);
    this.depth++;
  }

  private readDouble(cell: PhpCell, p: number): null {
    const b = this.bytes;
    let j = p + 2;
    // d:NAN; d:INF; d:-INF;
    if (this.at(j) === 0x4e && this.at(j + 1) === 0x41 && this.at(j + 2) === 0x4e && this.at(j + 3) === SEMI) {
      cell.value = { kind: 'float', value: NaN };
      this.pos = j + 4;
      return null;
    }
    const infAt = this.at(j) === MINUS ? j + 1 : j;
    if (
      this.at(infAt) === 0x49 &&
      this.at(infAt + 1) === 0x4e &&
      this.at(infAt + 2) === 0x46 &&
      this.at(infAt + 3) === SEMI
    ) {
      cell.value = { kind: 'float', value: infAt === j ? Infinity : -Infinity };
      this.pos = infAt + 4;
      return null;
    }
    // iv | nv | nvexp, then ';'
    const start = j;
    if (this.at(j) === PLUS || this.at(j) === MINUS) j++;
    const intEnd = digitsEnd(this.bytes, j, this.end);
    let digits = intEnd - j;
    j = intEnd;
    if (this.at(j) === DOT) {
      const fracEnd = digitsEnd(this.bytes, j + 1, this.end);
      digits += fracEnd - j - 1;
      j = fracEnd;
    }
    if (digits === 0) this.fail('Malformed float', p);
    const e = this.at(j);
    if (e === 0x65 || e === 0x45) {
      let k = j + 1;
      if (this.at(k) === PLUS || this.at(k) === MINUS) k++;
      const expEnd = digitsEnd(this.bytes, k, this.end);
      if (expEnd === k) this.fail('Malformed float exponent', p);
      j = expEnd;
    }
    if (this.at(j) !== SEMI) this.fail(`Expected ';' after a float, found ${this.found(j)}`, p);
    cell.value = {
      kind: 'float',
      value: serializedDouble(b, start, j, digits, e === 0x65 || e === 0x45),
    };
    this.pos = j + 1;
    return null;
  }

  /** unserialize_str for `S:`: `\XX` is one byte; `len` decoded bytes. */
  private unescape(start: number, len: number): { bytes: Uint8Array; next: number } {
    const out = new Uint8Array(len); // len <= bytes left, checked by the caller
    let p = start;
    for (let i = 0; i < len; i++) {
      if (p >= this.end) this.fail('Escaped string ends early', p);
      const c = this.bytes[p]!;
      if (c !== BACKSLASH) out[i] = c;
      else {
        let v = 0;
        for (let k = 0; k < 2; k++) {
          p++;
          const h = this.at(p);
          const d =
            h >= ZERO && h <= NINE
              ? h - ZERO
              : h >= 0x61 && h <= 0x66
                ? h - 0x57
                : h >= 0x41 && h <= 0x46
                  ? h - 0x37
                  : -1;
          if (d < 0) this.fail('Invalid \\XX escape in an S: string', p);
          v = (v << 4) | d;
        }
        out[i] = v;
      }
      p++;
    }
    return { bytes: out, next: p };
  }

  private readObject(cell: PhpCell, p: number, custom: boolean): Frame | null {
    const de = this.lengthPrefix(p);
    if (de < 0) this.fail(`Malformed ${custom ? 'C:' : 'O:'} header`, p);
    const len = this.uiv(p + 2, de);
    const ns = de + 2;
    if (len === 0 || this.end - ns < len)
      this.fail(`Class name declares ${len} bytes but ${this.end - ns} remain`, p + 2);
    const q = ns + len;
    if (this.at(q) !== QUOTE) this.fail(`Expected '"' after the class name, found ${this.found(q)}`, q);
    if (this.at(q + 1) !== COLON) this.fail(`Expected ':' after the class name, found ${this.found(q + 1)}`, q + 1);
    this.checkClassName(ns, q, 'class');
    const className = canonicalClassName(decodeUtf8(this.bytes, ns, q));
    if (custom) {
      // object_custom(): C:<len>:"<class>":<datalen>:{<datalen bytes>}
      const { value: datalen, next: k } = this.iv2(q + 2);
      if (this.end - k < 2 || this.at(k) !== COLON || this.at(k + 1) !== LBRACE)
        this.fail(`Malformed C: payload header`, k);
      const ds = k + 2;
      if (datalen < 0 || this.end - ds <= datalen)
        this.fail(`Insufficient data for unserializing: ${datalen} required, ${this.end - ds} present`, ds);
      if (this.at(ds + datalen) !== RBRACE)
        this.fail(`Expected '}' after the ${datalen}-byte C: payload`, ds + datalen);
      this.readCustom(cell, className, ds, datalen, p);
      this.pos = ds + datalen + 1;
      return null;
    }
    if (q >= this.end - 2) this.fail('Bad unserialize data: object header ends early', q);
    const { value: n, next: k } = this.iv2(q + 2);
    if (n < 0 || n > Math.floor((this.end - q) / 2))
      this.fail(`Object declares ${n} properties but only ${this.end - q} bytes remain`, q + 2);
    if (this.at(k) !== COLON || this.at(k + 1) !== LBRACE) this.fail(`Malformed O: property count`, k);
    const object: PhpObject = { kind: 'object', className, properties: [] };
    cell.value = object;
    this.pos = k + 2;
    this.enter(p);
    return { array: null, object, remaining: n, sequential: false, index: null };
  }

  /**
   * A `C:` payload: kept raw for application classes (only the class can read it); read as PHP
   * does for PHP's own classes, which either parse it (SPL), refuse it, or ignore it.
   */
  private readCustom(cell: PhpCell, className: string, ds: number, datalen: number, p: number): void {
    const payload = this.bytes.subarray(ds, ds + datalen);
    const info = phpClass(className);
    const refusal = instantiationRefusal(info);
    if (!info || refusal !== null) {
      const custom: PhpValue = { kind: 'custom', className, payload };
      if (refusal !== null) custom.phpUnreadable = refusal;
      this.mark(refusal);
      cell.value = custom;
      return;
    }
    if (!SPL_PAYLOAD_CLASSES.has(info.name)) {
      // object_custom(): "Class X has no unserializer", and an empty object.
      cell.value = {
        kind: 'object',
        className,
        properties: [],
        phpNote: `PHP ignores this ${datalen}-byte payload: class ${className} has no unserializer`,
      };
      return;
    }
    const slots = this.slots.length;
    this.enter(p);
    try {
      cell.value = readSplPayload(this, info.name, ds, ds + datalen);
    } catch (err) {
      if (!(err instanceof SplPayloadError || err instanceof SessionDecodeError)) throw err;
      // PHP throws UnexpectedValueException and the whole unserialize() fails: show the raw payload.
      this.slots.length = slots;
      const reason =
        err instanceof SplPayloadError ? err.message : `Error at offset ${err.offset - ds} of ${datalen} bytes`;
      cell.value = { kind: 'custom', className, payload, phpUnreadable: reason };
      this.mark(reason);
    } finally {
      this.depth--;
    }
  }

  private readEnum(cell: PhpCell, p: number): null {
    // E:<len>:"<Class>:<Case>";
    const de = this.lengthPrefix(p);
    if (de < 0) this.fail('Malformed E: header', p);
    const len = this.uiv(p + 2, de);
    const ns = de + 2;
    if (len === 0 || this.end - ns < len)
      this.fail(`Enum name declares ${len} bytes but ${this.end - ns} remain`, p + 2);
    const q = ns + len;
    if (this.at(q) !== QUOTE) this.fail(`Expected '"' after the enum name, found ${this.found(q)}`, q);
    if (this.at(q + 1) !== SEMI) this.fail(`Expected ';' after the enum name, found ${this.found(q + 1)}`, q + 1);
    const b = this.bytes;
    let colon = ns;
    while (colon < q && b[colon] !== COLON) colon++;
    if (colon === q) this.fail('Invalid enum name (missing colon)', ns);
    // PHP looks the class up (a leading backslash is allowed there) and the case among its constants.
    const cs = b[ns] === BACKSLASH ? ns + 1 : ns;
    if (cs === colon || colon + 1 === q) this.fail('Invalid enum name: empty class or case', ns);
    this.checkClassName(cs, colon, 'enum class');
    for (let i = colon + 1; i < q; i++) {
      const ch = b[i]!;
      if (!isClassNameByte(ch) || ch === BACKSLASH)
        this.fail(`Invalid enum case name: ${byteName(ch)} is not allowed`, i);
    }
    const value: PhpValue = {
      kind: 'enum',
      className: canonicalClassName(decodeUtf8(b, cs, colon)),
      caseName: decodeUtf8(b, colon + 1, q),
    };
    // An application enum is assumed to have the case; one of PHP's classes would have to be an enum.
    const info = phpClass(value.className);
    if (info && !info.flags.has('enum')) {
      value.phpUnreadable = `Class '${info.name}' is not an enum`;
      this.mark(value.phpUnreadable);
    }
    cell.value = value;
    this.pos = q + 2;
    return null;
  }

  private readReference(cell: PhpCell, slot: number, hard: boolean, p: number): void {
    const tag = hard ? 'R' : 'r';
    if (!(slot >= 1 && slot <= this.slots.length)) {
      this.fail(`${tag}:${slot} refers to a slot that does not exist (${this.slots.length} so far)`, p);
    }
    const refCell = this.slots[slot - 1]!;
    if (refCell === cell) this.fail(`${tag}:${slot} refers to itself`, p);
    let target = refCell.value;
    if (target.kind === 'reference') target = target.target;
    if (!hard && target.kind !== 'object' && target.kind !== 'enum' && target.kind !== 'custom') {
      this.fail(`r:${slot} must refer to an object, not ${target.kind}`, p);
    }
    if (hard && slot === 1) this.referencesFirst = true;
    cell.value = { kind: 'reference', slot, phpReference: hard, target };
  }

  // -- members ---------------------------------------------------------------------------------

  /** Reads an array key or property name (only i:, s: and S: are keys) into the key fields. */
  private readKey(): void {
    const p = this.pos;
    if (p >= this.end) this.fail('Unexpected end of data, expected a key', p);
    const c = this.bytes[p]!;
    if (c === 0x69 && this.at(p + 1) === COLON) {
      let i = p + 2;
      const sign = this.at(i);
      if (sign === PLUS || sign === MINUS) i++;
      const de = digitsEnd(this.bytes, i, this.end);
      if (de > i && this.at(de) === SEMI) {
        const v = parseIv(this.bytes, i, de, sign === MINUS);
        this.keyInt = v;
        this.keyNum = v >= 0n && v < 0x20000000000000n ? Number(v) : -1;
        this.pos = de + 1;
        return;
      }
    } else if (c === 0x73 || c === 0x53) {
      const de = this.lengthPrefix(p);
      if (de >= 0) {
        const len = this.uiv(p + 2, de);
        const start = de + 2;
        if (this.end - start < len) this.fail(`Key declares ${len} bytes but only ${this.end - start} remain`, p + 2);
        let q: number;
        if (c === 0x73) {
          q = start + len;
          this.keyBytes = null;
        } else {
          const r = this.unescape(start, len);
          q = r.next;
          this.keyBytes = r.bytes;
        }
        if (this.at(q) !== QUOTE) this.fail(`Expected '"' after a ${len}-byte key, found ${this.found(q)}`, q);
        if (this.at(q + 1) !== SEMI) this.fail(`Expected ';' after a key, found ${this.found(q + 1)}`, q + 1);
        this.keyInt = null;
        this.keyStart = start;
        this.keyEnd = q;
        this.pos = q + 2;
        return;
      }
    } else if (c === RBRACE) {
      this.fail('Unexpected end of serialized data: fewer elements than declared', p);
    }
    this.fail(`Array keys and property names must be i: or s:, found ${byteName(c)}`, p);
  }

  /** Reads the next member's key and returns the cell its value goes into. */
  private readMember(frame: Frame): PhpCell {
    this.readKey();
    // S: keys were unescaped into keyBytes; s: keys are a range of the input.
    const kb = this.keyBytes ?? this.bytes;
    const ks = this.keyBytes ? 0 : this.keyStart;
    const ke = this.keyBytes ? this.keyBytes.length : this.keyEnd;
    if (frame.array !== null) {
      const entries = frame.array.entries;
      let key: PhpKey;
      let keyBytes: Uint8Array | undefined;
      let dedup: bigint | string;
      if (this.keyInt !== null) {
        key = dedup = this.keyInt;
        if (frame.sequential && this.keyNum === entries.length) {
          const entry: PhpArrayEntry = { key, value: PHP_NULL };
          entries.push(entry);
          return entry;
        }
      } else {
        const numeric = numericStringKey(kb, ks, ke);
        if (numeric !== null) key = dedup = numeric;
        else {
          const text = validUtf8Text(kb, ks, ke);
          if (text !== undefined) key = text;
          else {
            key = decodeUtf8(kb, ks, ke);
            keyBytes = kb.slice(ks, ke);
          }
          dedup = keyBytes ? latin1(kb, ks, ke) : key;
        }
      }
      // A duplicate key reuses the element's place (and slot), like zend_hash_lookup. Small arrays
      // are scanned: a Map per array would dominate the cost (and GC) of typical sessions.
      if (frame.index === null && entries.length < SCAN_LIMIT) {
        for (const e of entries) if (e.key === key && sameBytes(e.keyBytes, keyBytes)) return e;
      } else {
        const existing = this.indexOf(frame).get(dedup);
        if (existing !== undefined) return existing;
      }
      const entry: PhpArrayEntry = { key, value: PHP_NULL };
      if (keyBytes) entry.keyBytes = keyBytes;
      entries.push(entry);
      frame.index?.set(dedup, entry);
      return entry;
    }
    const object = frame.object!;
    let prop: PhpProperty;
    let dedup: string;
    if (this.keyInt !== null) {
      // Integer property names become strings.
      dedup = this.keyInt.toString();
      prop = { name: dedup, visibility: 'public', value: PHP_NULL };
    } else {
      prop = unmangleProperty(kb, ks, ke);
      dedup = latin1(kb, ks, ke);
    }
    const props = object.properties;
    if (frame.index === null && props.length < SCAN_LIMIT) {
      for (const q of props) if (sameProperty(q, prop)) return q;
    } else {
      const existing = this.indexOf(frame).get(dedup);
      if (existing !== undefined) return existing;
    }
    props.push(prop);
    frame.index?.set(dedup, prop);
    return prop;
  }

  private indexOf(frame: Frame): Map<bigint | string, PhpCell> {
    if (frame.index !== null) return frame.index;
    const index = new Map<bigint | string, PhpCell>();
    if (frame.array !== null) {
      for (const e of frame.array.entries) {
        index.set(typeof e.key === 'bigint' ? e.key : e.keyBytes ? latin1(e.keyBytes, 0, e.keyBytes.length) : e.key, e);
      }
    } else {
      for (const p of frame.object!.properties) index.set(mangledKey(p), p);
    }
    frame.sequential = false;
    frame.index = index;
    return index;
  }
}

export interface UnserializeOneOptions extends UnserializeOptions {
  /** Accept bytes after the value (PHP 8.2's unserialize() ignores them). Default false. */
  allowTrailing?: boolean;
}

/**
 * The payload of a Serializable object of one of PHP's own SPL classes, read as its unserialize()
 * does outside of a PHP unserialize() (igbinary and msgpack hand it over alone): the object, or
 * PHP's reason for refusing it.
 */
export function readSplCustom(
  className: string,
  payload: Uint8Array,
): { object: PhpObject; phpUnreadable: string | null } | { refused: string } {
  const reader = new PhpUnserializer(payload);
  try {
    return { object: readSplPayload(reader, className, 0, payload.length), phpUnreadable: reader.phpUnreadable };
  } catch (err) {
    if (err instanceof SplPayloadError) return { refused: err.message };
    if (err instanceof SessionDecodeError)
      return { refused: `Error at offset ${err.offset} of ${payload.length} bytes` };
    throw err;
  }
}

/** PHP's unserialize() of a whole buffer. Throws SessionDecodeError. */
export function unserialize(bytes: Uint8Array, options: UnserializeOneOptions = {}): PhpValue {
  const reader = new PhpUnserializer(bytes, 0, bytes.length, options);
  const value = reader.readValue();
  if (!options.allowTrailing && reader.pos !== bytes.length) {
    throw new SessionDecodeError(`${bytes.length - reader.pos} unexpected bytes after the value`, reader.pos);
  }
  return value;
}
