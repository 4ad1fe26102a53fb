// igbinary's binary format (igbinary/igbinary src/php7/igbinary.c, format versions 1 and 2) into
// the value tree. Big-endian lengths, a table of strings seen so far (string_id = index into it),
// and a table of "references" (arrays, objects and &-scalars, in the order igbinary registers
// them) that ref/objref point into. Iterative with a depth cap, lengths checked before use.
import { Members, SessionDecodeError, indexKey, phpInt, unmangleProperty } from './decodeCommon.ts';
import { canonicalClassName, checkPhpObject, instantiationRefusal, phpClass } from './phpClasses.ts';
import { readSplCustom } from './phpSerialize.ts';
import { SPL_PAYLOAD_CLASSES } from './splPayloads.ts';
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

export interface IgbinaryOptions {
  /**
   * Maximum nesting of arrays/objects. Default IGBINARY_MAX_DEPTH: igbinary has no limit of its
   * own, but PHP runs out of C stack (and crashes) at some 50,000 levels.
   */
  maxDepth?: number;
  /** Accept bytes after the value (the session decoder does; igbinary_unserialize() does not). */
  allowTrailing?: boolean;
}

// Type bytes (enum igbinary_type).
const T = {
  null: 0x00,
  ref8: 0x01,
  ref16: 0x02,
  ref32: 0x03,
  false: 0x04,
  true: 0x05,
  long8p: 0x06,
  long8n: 0x07,
  long16p: 0x08,
  long16n: 0x09,
  long32p: 0x0a,
  long32n: 0x0b,
  double: 0x0c,
  stringEmpty: 0x0d,
  stringId8: 0x0e,
  stringId16: 0x0f,
  stringId32: 0x10,
  string8: 0x11,
  string16: 0x12,
  string32: 0x13,
  array8: 0x14,
  array16: 0x15,
  array32: 0x16,
  object8: 0x17,
  object16: 0x18,
  object32: 0x19,
  objectId8: 0x1a,
  objectId16: 0x1b,
  objectId32: 0x1c,
  objectSer8: 0x1d,
  objectSer16: 0x1e,
  objectSer32: 0x1f,
  long64p: 0x20,
  long64n: 0x21,
  objref8: 0x22,
  objref16: 0x23,
  objref32: 0x24,
  ref: 0x25,
  string64: 0x26,
  enumCase: 0x27,
} as const;

const TWO63 = 1n << 63n;

/** Deeper than PHP itself survives igbinary data (it recurses, some 50,000 levels on an 8 MB stack). */
export const IGBINARY_MAX_DEPTH = 32_768;

/** True when the bytes start with an igbinary header (00 00 00 01 or 00 00 00 02). */
export function hasIgbinaryHeader(b: Uint8Array): boolean {
  return b.length >= 5 && b[0] === 0 && b[1] === 0 && b[2] === 0 && (b[3] === 1 || b[3] === 2);
}

interface Frame {
  array: PhpArray | null;
  object: PhpObject | null;
  remaining: number;
  members: Members;
}

class IgbinaryReader {
  private p: number;
  private readonly strings: SourceString[] = [];
  /** Array keys decoded once per string of the table: a key written by id is the same key again. */
  private readonly keys: ({ key: string; keyBytes: Uint8Array | undefined } | undefined)[] = [];
  private readonly refs: PhpValue[] = [];
  private depth = 0;
  /** PHP's reason for refusing the first value it would refuse (the value itself is marked too). */
  phpUnreadable: string | null = null;
  private readonly view: DataView;

  constructor(
    private readonly b: Uint8Array,
    start: number,
    private readonly maxDepth: number,
  ) {
    this.p = start;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  get pos(): number {
    return this.p;
  }

  private fail(message: string, offset = this.p): never {
    throw new SessionDecodeError(`igbinary: ${message}`, offset);
  }

  private need(n: number, what: string): void {
    if (this.b.length - this.p < n) this.fail(`unexpected end of data reading ${what}`);
  }

  private u8(what: string): number {
    this.need(1, what);
    return this.b[this.p++]!;
  }

  /** An unsigned big-endian length/index of 1, 2, 4 or 8 bytes. */
  private uint(size: number, what: string): number {
    this.need(size, what);
    const p = this.p;
    this.p += size;
    switch (size) {
      case 1:
        return this.b[p]!;
      case 2:
        return this.view.getUint16(p);
      case 4:
        return this.view.getUint32(p);
      default:
        return Number(this.view.getBigUint64(p)); // only compared against what is left
    }
  }

  private long(t: number): bigint {
    let v: bigint;
    const neg = (t & 1) === 1; // the n(egative) variants are the odd type bytes
    switch (t) {
      case T.long8p:
      case T.long8n:
        v = indexKey(this.uint(1, 'an integer'));
        break;
      case T.long16p:
      case T.long16n:
        v = indexKey(this.uint(2, 'an integer'));
        break;
      case T.long32p:
      case T.long32n:
        v = indexKey(this.uint(4, 'an integer'));
        break;
      default: {
        this.need(8, 'an integer');
        v = this.view.getBigUint64(this.p);
        this.p += 8;
        // "too big 64bit long": igbinary stores 0 instead.
        if (v >= TWO63 && (v > TWO63 || !neg)) v = 0n;
      }
    }
    return neg ? -v : v;
  }

  /** A string of the input; also the next id of the string table (values, keys, class names share it). */
  private chars(t: number): SourceString {
    const size =
      t === T.string8 || t === T.object8 ? 1 : t === T.string16 || t === T.object16 ? 2 : t === T.string64 ? 8 : 4;
    const len = this.uint(size, 'a string length');
    if (this.b.length - this.p < len) this.fail(`string of ${len} bytes but only ${this.b.length - this.p} remain`);
    const s = new SourceString(this.b, this.p, this.p + len);
    this.p += len;
    this.strings.push(s);
    return s;
  }

  private stringId(t: number): SourceString {
    return this.strings[this.stringIndex(t)]!;
  }

  /** The index in the string table of a string written by id. */
  private stringIndex(t: number): number {
    const at = this.p;
    const size = t === T.stringId8 || t === T.objectId8 ? 1 : t === T.stringId16 || t === T.objectId16 ? 2 : 4;
    const i = this.uint(size, 'a string id');
    if (i >= this.strings.length) this.fail(`string id ${i} is out of bounds (${this.strings.length} strings)`, at);
    return i;
  }

  /** String i of the table as an array key (igbinary adds string keys as they are: no numeric-string conversion). */
  private stringKey(i: number): { key: string; keyBytes: Uint8Array | undefined } {
    let k = this.keys[i];
    if (k === undefined) {
      const s = this.strings[i]!;
      const text = validUtf8Text(s.source, s.start, s.end);
      k =
        text !== undefined
          ? { key: text, keyBytes: undefined }
          : { key: decodeUtf8(s.source, s.start, s.end), keyBytes: s.bytes };
      this.keys[i] = k;
    }
    return k;
  }

  private enter(at: number): void {
    if (this.maxDepth > 0 && this.depth >= this.maxDepth) this.fail(`maximum depth of ${this.maxDepth} exceeded`, at);
    this.depth++;
  }

  /** Reads one value (containers iteratively, member by member) into `cell`. */
  readValue(cell: PhpCell): void {
    const frames: Frame[] = [];
    this.depth = 0;
    let target = cell;
    for (;;) {
      const opened = this.readZval(target);
      if (opened !== null) frames.push(opened);
      for (;;) {
        // No read past the end: an out-of-bounds load is a slow path in V8.
        if (frames.length === 0) return;
        const top = frames[frames.length - 1]!;
        if (top.remaining > 0) {
          top.remaining--;
          const next = this.readMember(top);
          if (next === null) continue; // a null key: the member was serialized without a value
          target = next;
          break;
        }
        frames.pop();
        if (top.object !== null) this.mark(checkPhpObject(top.object));
        this.depth--;
      }
    }
  }

  /** Reads one zval into `cell`; returns a frame when it opened a container with members. */
  private readZval(cell: PhpCell): Frame | null {
    const at = this.p;
    let t = this.u8('a value');
    let wantRef = false;
    while (t === T.ref) {
      // A PHP reference (&): the value after it is registered so later ref8..32 can point at it.
      wantRef = true;
      t = this.u8('a referenced value');
    }
    let scalar: PhpValue;
    switch (t) {
      case T.null:
        scalar = PHP_NULL;
        break;
      case T.false:
        scalar = PHP_FALSE;
        break;
      case T.true:
        scalar = PHP_TRUE;
        break;
      case T.long8p:
      case T.long8n:
      case T.long16p:
      case T.long16n:
      case T.long32p:
      case T.long32n:
      case T.long64p:
      case T.long64n:
        scalar = phpInt(this.long(t));
        break;
      case T.double: {
        this.need(8, 'a double');
        scalar = { kind: 'float', value: this.view.getFloat64(this.p) };
        this.p += 8;
        break;
      }
      case T.stringEmpty:
        scalar = { kind: 'string', bytes: new Uint8Array(0) };
        break;
      case T.stringId8:
      case T.stringId16:
      case T.stringId32:
        {
          // Each occurrence its own value: the encoders tell occurrences apart by identity.
          const s = this.stringId(t);
          scalar = new SourceString(s.source, s.start, s.end);
        }
        break;
      case T.string8:
      case T.string16:
      case T.string32:
      case T.string64:
        scalar = this.chars(t);
        break;
      case T.ref8:
      case T.ref16:
      case T.ref32:
      case T.objref8:
      case T.objref16:
      case T.objref32: {
        const size = t === T.ref8 || t === T.objref8 ? 1 : t === T.ref16 || t === T.objref16 ? 2 : 4;
        const n = this.uint(size, 'a reference');
        const target = this.refs[n];
        if (target === undefined) this.fail(`reference ${n} does not exist (${this.refs.length} so far)`, at);
        cell.value = {
          kind: 'reference',
          slot: n + 1,
          phpReference: wantRef,
          target: target.kind === 'reference' ? target.target : target,
        };
        return null;
      }
      case T.array8:
      case T.array16:
      case T.array32: {
        const n = this.uint(t === T.array8 ? 1 : t === T.array16 ? 2 : 4, 'an array size');
        if (n > this.b.length - this.p)
          this.fail(`array of ${n} elements but only ${this.b.length - this.p} bytes remain`, at);
        const array: PhpArray = { kind: 'array', entries: [] };
        cell.value = array;
        this.refs.push(array);
        if (n === 0) return null;
        this.enter(at);
        return { array, object: null, remaining: n, members: new Members() };
      }
      case T.object8:
      case T.object16:
      case T.object32:
      case T.objectId8:
      case T.objectId16:
      case T.objectId32:
        return this.readObject(cell, t, at);
      default:
        this.fail(`unknown type 0x${t.toString(16).padStart(2, '0')}`, at);
    }
    cell.value = scalar;
    if (wantRef) this.refs.push(scalar);
    return null;
  }

  private mark(reason: string | null): void {
    if (reason !== null && this.phpUnreadable === null) this.phpUnreadable = reason;
  }

  private readObject(cell: PhpCell, t: number, at: number): Frame | null {
    const nameBytes = (t <= T.object32 ? this.chars(t) : this.stringId(t)).bytes;
    if (nameBytes.length === 0) this.fail('empty class name', at);
    const className = canonicalClassName(decodeUtf8(nameBytes));
    const info = phpClass(className);
    this.need(1, 'an object body');
    const refIndex = this.refs.length;
    this.refs.push(cell.value); // placeholder: registered before the body, like igsd_append_ref
    const inner = this.b[this.p++]!;
    switch (inner) {
      case T.array8:
      case T.array16:
      case T.array32: {
        const n = this.uint(inner === T.array8 ? 1 : inner === T.array16 ? 2 : 4, 'a property count');
        if (n > this.b.length - this.p)
          this.fail(`object with ${n} properties but only ${this.b.length - this.p} bytes remain`, at);
        const object: PhpObject = { kind: 'object', className, properties: [] };
        cell.value = object;
        this.refs[refIndex] = object;
        if (n === 0) {
          this.mark(checkPhpObject(object));
          return null;
        }
        this.enter(at);
        return { array: null, object, remaining: n, members: new Members() };
      }
      case T.objectSer8:
      case T.objectSer16:
      case T.objectSer32: {
        const len = this.uint(
          inner === T.objectSer8 ? 1 : inner === T.objectSer16 ? 2 : 4,
          'a Serializable payload length',
        );
        if (len > this.b.length - this.p)
          this.fail(`Serializable payload of ${len} bytes but only ${this.b.length - this.p} remain`);
        const value = this.serializable(className, info, this.b.subarray(this.p, this.p + len));
        this.p += len;
        cell.value = value;
        this.refs[refIndex] = value;
        return null;
      }
      case T.enumCase: {
        const ct = this.u8('an enum case name');
        const caseBytes = (
          ct === T.string8 || ct === T.string16 || ct === T.string32 || ct === T.string64
            ? this.chars(ct)
            : ct === T.stringId8 || ct === T.stringId16 || ct === T.stringId32
              ? this.stringId(ct)
              : this.fail(`unknown enum case name type 0x${ct.toString(16)}`)
        ).bytes;
        const value: PhpValue = { kind: 'enum', className, caseName: decodeUtf8(caseBytes) };
        // An application enum is assumed to have the case; one of PHP's classes would have to be an enum.
        if (info && !info.flags.has('enum')) {
          value.phpUnreadable = `Class '${info.name}' is not an enum`;
          this.mark(value.phpUnreadable);
        }
        cell.value = value;
        this.refs[refIndex] = value;
        return null;
      }
      default:
        this.fail(`unknown object body type 0x${inner.toString(16).padStart(2, '0')}`, this.p - 1);
    }
  }

  /**
   * A Serializable object's payload: raw for application classes; PHP's own classes read it with
   * their unserialize() (SPL), refuse it, or have none ("Class stdClass has no unserializer").
   */
  private serializable(className: string, info: ReturnType<typeof phpClass>, payload: Uint8Array): PhpValue {
    if (!info) return { kind: 'custom', className, payload };
    let refusal = instantiationRefusal(info);
    if (refusal === null && SPL_PAYLOAD_CLASSES.has(info.name)) {
      const read = readSplCustom(info.name, payload);
      if ('object' in read) {
        this.mark(read.phpUnreadable);
        return read.object;
      }
      refusal = read.refused;
    }
    refusal ??= `Class ${info.name} has no unserializer`;
    this.mark(refusal);
    return { kind: 'custom', className, payload, phpUnreadable: refusal };
  }

  /** Reads a member key; returns the cell for its value, or null for a null key (no value follows). */
  private readMember(frame: Frame): PhpCell | null {
    const at = this.p;
    const t = this.u8('a key');
    let intKey: bigint | null = null;
    let bytes: Uint8Array | null = null;
    let id = -1;
    switch (t) {
      case T.null:
        return null;
      case T.long8p:
      case T.long8n:
      case T.long16p:
      case T.long16n:
      case T.long32p:
      case T.long32n:
      case T.long64p:
      case T.long64n:
        intKey = this.long(t);
        break;
      case T.stringEmpty:
        bytes = new Uint8Array(0);
        break;
      case T.stringId8:
      case T.stringId16:
      case T.stringId32:
        id = this.stringIndex(t);
        break;
      case T.string8:
      case T.string16:
      case T.string32:
      case T.string64:
        this.chars(t);
        id = this.strings.length - 1;
        break;
      default:
        this.fail(`unknown key type 0x${t.toString(16).padStart(2, '0')}`, at);
    }
    if (frame.array !== null) {
      let key: PhpKey;
      let keyBytes: Uint8Array | undefined;
      if (intKey !== null) key = intKey;
      else if (id >= 0) ({ key, keyBytes } = this.stringKey(id));
      else key = ''; // T.stringEmpty
      // Duplicates are found by exact bytes; a duplicate key is overwritten in place.
      const entries = frame.array.entries;
      const existing = frame.members.entry(entries, key, keyBytes);
      if (existing !== undefined) return existing;
      const entry: PhpArrayEntry = { key, value: PHP_NULL };
      if (keyBytes) entry.keyBytes = keyBytes;
      frame.members.addEntry(entries, entry);
      return entry;
    }
    if (id >= 0) bytes = this.strings[id]!.bytes;
    const props = frame.object!.properties;
    const prop: PhpProperty =
      intKey !== null
        ? { name: intKey.toString(), visibility: 'public', value: PHP_NULL }
        : unmangleProperty(bytes!, 0, bytes!.length);
    const existing = frame.members.property(props, prop);
    if (existing !== undefined) return existing;
    frame.members.addProperty(props, prop);
    return prop;
  }
}

/** One igbinary value: what it is, where it ends, and PHP's reason to refuse it (null when PHP reads it). */
export interface IgbinaryRead {
  value: PhpValue;
  end: number;
  phpUnreadable: string | null;
}

/** The header and one value; bytes after it are left to the caller. Throws SessionDecodeError. */
export function readIgbinary(bytes: Uint8Array, options: IgbinaryOptions = {}): IgbinaryRead {
  if (bytes.length < 5) throw new SessionDecodeError(`igbinary: expected at least 5 bytes, got ${bytes.length}`, 0);
  if (!hasIgbinaryHeader(bytes))
    throw new SessionDecodeError('igbinary: unsupported header (expected 00 00 00 01 or 00 00 00 02)', 0);
  const reader = new IgbinaryReader(bytes, 4, options.maxDepth ?? IGBINARY_MAX_DEPTH);
  const cell: PhpCell = { value: PHP_NULL };
  reader.readValue(cell);
  return { value: cell.value, end: reader.pos, phpUnreadable: reader.phpUnreadable };
}

/** igbinary_unserialize(): header, one value. Throws SessionDecodeError. */
export function decodeIgbinary(bytes: Uint8Array, options: IgbinaryOptions = {}): PhpValue {
  const { value, end } = readIgbinary(bytes, options);
  if (!options.allowTrailing && end < bytes.length) {
    // igbinary_unserialize(): "received more data to unserialize than expected".
    throw new SessionDecodeError(`igbinary: ${bytes.length - end} unexpected bytes after the value`, end);
  }
  return value;
}
