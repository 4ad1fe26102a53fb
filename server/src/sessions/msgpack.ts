// msgpack-php's encoding of PHP values (msgpack/msgpack-php msgpack_unpack.c, php_only mode, the
// session default) into the value tree. Plain msgpack carries arrays; PHP specifics ride on map
// pairs whose key is nil: nil→"Class" makes the map an object, nil→[…] is __serialize() data,
// nil→1 marks a PHP reference, nil→3 then "Class"→payload is a Serializable object, and
// nil→2|4|5 then k→n replaces the map by a reference to container n (1 = the root, then every
// array/map in the order it starts). Iterative with a depth cap; lengths checked before use.
import {
  Members,
  SessionDecodeError,
  indexKey,
  numericStringKey,
  phpInt,
  phpIntOf,
  unmangleProperty,
} from './decodeCommon.ts';
import {
  PHP_FALSE,
  PHP_NULL,
  PHP_TRUE,
  SourceString,
  decodeUtf8,
  deref,
  validUtf8Text,
  type PhpArray,
  type PhpArrayEntry,
  type PhpCell,
  type PhpKey,
  type PhpObject,
  type PhpProperty,
  type PhpValue,
} from './phpValue.ts';
import { canonicalClassName, checkPhpObject, phpClass } from './phpClasses.ts';
import { readSplCustom } from './phpSerialize.ts';
import { SPL_PAYLOAD_CLASSES } from './splPayloads.ts';

export interface MsgpackOptions {
  /**
   * Maximum nesting of arrays/maps. Default 1024, msgpack-php's MSGPACK_EMBED_STACK_SIZE: its
   * unpacker fails ("Memory error") on a container opened with 1024 others still open.
   */
  maxDepth?: number;
  /** Accept bytes after the value (msgpack-php's session decoder does). Default false. */
  allowTrailing?: boolean;
}

// MSGPACK_SERIALIZE_TYPE_* (msgpack_pack.h)
const TYPE_NONE = 0;
const TYPE_REFERENCE = 1;
const TYPE_RECURSIVE = 2;
const TYPE_CUSTOM_OBJECT = 3;
const TYPE_OBJECT = 4;
const TYPE_OBJECT_REFERENCE = 5;

const INT64_MAX = (1n << 63n) - 1n;

/** True for msgpack-php's session signature: `90` (empty) or a map whose first pair is nil → 1. */
export function looksLikeMsgpackSession(b: Uint8Array): boolean {
  if (b.length === 1 && b[0] === 0x90) return true;
  const h = b[0];
  const at = h !== undefined && h >= 0x81 && h <= 0x8f ? 1 : h === 0xde ? 3 : h === 0xdf ? 5 : -1;
  return at > 0 && b[at] === 0xc0 && b[at + 1] === 0x01;
}

interface Frame {
  /** The cell holding this container (replaced when a directive turns it into something else). */
  readonly cell: PhpCell;
  readonly isMap: boolean;
  remaining: number;
  array: PhpArray | null;
  object: PhpObject | null;
  /** A directive replaced the container (reference, Serializable): later pairs are ignored. */
  done: boolean;
  /** The pending directive (TYPE_*) set by a nil key, consumed by the next pair. */
  type: number;
  /** The current pair's key (maps); RANGE_KEY for a fixstr key, then at keyStart..keyEnd of the input. */
  key: PhpValue | null;
  keyStart: number;
  keyEnd: number;
  /** The cell the current member's value goes into. */
  valueCell: PhpCell | null;
  /** Finds a duplicate key (scanned while small, a Map past that); made for maps on first use. */
  members: Members | null;
  /** The object's members came as __serialize() data (nil → array) for __unserialize(). */
  viaData: boolean;
}

/** PHP's (string) of a float used as a key: precision=14, %G style (zend_gcvt). */
function floatKeyString(v: number): string {
  if (Number.isNaN(v)) return 'NAN';
  if (!Number.isFinite(v)) return v > 0 ? 'INF' : '-INF';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = Math.abs(v).toExponential(13); // 14 significant digits
  const ePos = e.indexOf('e');
  const digits = e.slice(0, ePos).replace('.', '').replace(/0+$/, '') || '0';
  const decpt = Number(e.slice(ePos + 1)) + 1;
  let out: string;
  if (decpt < 0 ? decpt < -3 : decpt > 14) {
    const x = decpt - 1;
    out = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${x < 0 ? '-' : '+'}${Math.abs(x)}`;
  } else if (decpt <= 0) out = `0.${'0'.repeat(-decpt)}${digits}`;
  else if (digits.length <= decpt) out = digits + '0'.repeat(decpt - digits.length);
  else out = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  return v < 0 ? `-${out}` : out;
}

/** MSGPACK_EMBED_STACK_SIZE (msgpack-php msgpack_unpack.h). */
export const MSGPACK_MAX_DEPTH = 1024;

const IDENTIFIER = /^[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*$/;

/**
 * msgpack-php writes an enum case as an object of the enum's class holding `name` (and `value`
 * for a backed enum), and cannot read it back: "Cannot instantiate enum". An application object
 * of that exact shape is marked so, saying why (its class may not be an enum).
 */
function enumCase(o: PhpObject): string | null {
  if (phpClass(o.className)) return null;
  const [name, value, ...rest] = o.properties;
  if (rest.length > 0 || name?.name !== 'name' || name.visibility !== 'public') return null;
  const n = deref(name.value);
  if (n.kind !== 'string' || !IDENTIFIER.test(decodeUtf8(n.bytes))) return null;
  if (value !== undefined) {
    const v = deref(value.value);
    if (value.name !== 'value' || value.visibility !== 'public' || (v.kind !== 'int' && v.kind !== 'string'))
      return null;
  }
  o.phpUnreadable = `Cannot instantiate enum ${o.className} (if ${o.className} is an enum: msgpack-php writes enum cases as objects like this one and cannot read them back)`;
  return o.phpUnreadable;
}

const EMPTY = new Uint8Array(0);
/** Frame.key of a short string key read as a range (see Frame.keyStart). */
const RANGE_KEY: PhpValue = Object.freeze({ kind: 'string', bytes: EMPTY });

class MsgpackReader {
  /** PHP's reason for refusing the first value it would refuse (the value itself is marked too). */
  phpUnreadable: string | null = null;
  private p: number;
  private readonly view: DataView;
  /** Containers after the root, in start order: reference n (n >= 2) is slots[n - 2]. */
  private readonly slots: PhpCell[] = [];
  private root: PhpCell | null = null;
  private depth = 0;
  /** Where scalar members and non-string keys are read (used up before the next is read). */
  private readonly scratch: PhpCell = { value: PHP_NULL };

  constructor(
    private readonly b: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.p = 0;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  get pos(): number {
    return this.p;
  }

  private fail(message: string, offset = this.p): never {
    throw new SessionDecodeError(`msgpack: ${message}`, offset);
  }

  private need(n: number): void {
    if (this.b.length - this.p < n) this.fail(`insufficient data: ${n} bytes needed, ${this.b.length - this.p} left`);
  }

  /** A string of the input (its bytes are read when asked for). */
  private str(len: number): SourceString {
    this.need(len);
    const s = new SourceString(this.b, this.p, this.p + len);
    this.p += len;
    return s;
  }

  private bytes(len: number): Uint8Array {
    this.need(len);
    const s = this.b.subarray(this.p, this.p + len);
    this.p += len;
    return s;
  }

  private uint(size: 1 | 2 | 4): number {
    this.need(size);
    const p = this.p;
    this.p += size;
    return size === 1 ? this.b[p]! : size === 2 ? this.view.getUint16(p) : this.view.getUint32(p);
  }

  /**
   * Reads one item. Scalars (and empty containers) are stored into `cell` and null is returned;
   * a container with members returns its frame. `asKey` refuses containers (never PHP keys).
   */
  private readItem(cell: PhpCell, asKey: boolean): Frame | null {
    for (;;) {
      const at = this.p;
      this.need(1);
      const h = this.b[this.p++]!;
      let count = -1;
      let isMap = false;
      if (h <= 0x7f) cell.value = phpIntOf(h);
      else if (h >= 0xe0) cell.value = phpIntOf(h - 256);
      else if (h >= 0xa0 && h <= 0xbf) cell.value = this.str(h & 0x1f);
      else if (h >= 0x90 && h <= 0x9f) count = h & 0x0f;
      else if (h >= 0x80 && h <= 0x8f) {
        count = h & 0x0f;
        isMap = true;
      } else {
        switch (h) {
          case 0xc0:
            cell.value = PHP_NULL;
            break;
          case 0xc1: // never used: msgpack-php's unpacker skips it
            continue;
          case 0xc2:
            cell.value = PHP_FALSE;
            break;
          case 0xc3:
            cell.value = PHP_TRUE;
            break;
          case 0xc4: // bin 8/16/32 and str 8/16/32 are both PHP strings
          case 0xd9:
            cell.value = this.str(this.uint(1));
            break;
          case 0xc5:
          case 0xda:
            cell.value = this.str(this.uint(2));
            break;
          case 0xc6:
          case 0xdb:
            cell.value = this.str(this.uint(4));
            break;
          case 0xc7: // ext 8/16/32: msgpack-php makes them null
          case 0xc8:
          case 0xc9: {
            const len = this.uint(h === 0xc7 ? 1 : h === 0xc8 ? 2 : 4);
            this.bytes(len + 1);
            cell.value = PHP_NULL;
            break;
          }
          case 0xd4: // fixext 1/2/4/8/16
          case 0xd5:
          case 0xd6:
          case 0xd7:
          case 0xd8:
            this.bytes(1 + (1 << (h - 0xd4)));
            cell.value = PHP_NULL;
            break;
          case 0xca:
            this.need(4);
            cell.value = { kind: 'float', value: this.view.getFloat32(this.p) };
            this.p += 4;
            break;
          case 0xcb:
            this.need(8);
            cell.value = { kind: 'float', value: this.view.getFloat64(this.p) };
            this.p += 8;
            break;
          case 0xcc:
            cell.value = phpIntOf(this.uint(1));
            break;
          case 0xcd:
            cell.value = phpIntOf(this.uint(2));
            break;
          case 0xce:
            cell.value = phpIntOf(this.uint(4));
            break;
          case 0xcf: {
            this.need(8);
            const v = this.view.getBigUint64(this.p);
            this.p += 8;
            // Past PHP_INT_MAX msgpack-php returns the decimal digits as a string.
            cell.value = v <= INT64_MAX ? phpInt(v) : { kind: 'string', bytes: new TextEncoder().encode(v.toString()) };
            break;
          }
          case 0xd0:
            this.need(1);
            cell.value = phpIntOf(this.view.getInt8(this.p++));
            break;
          case 0xd1:
            this.need(2);
            cell.value = phpIntOf(this.view.getInt16(this.p));
            this.p += 2;
            break;
          case 0xd2:
            this.need(4);
            cell.value = phpIntOf(this.view.getInt32(this.p));
            this.p += 4;
            break;
          case 0xd3:
            this.need(8);
            cell.value = phpInt(this.view.getBigInt64(this.p));
            this.p += 8;
            break;
          case 0xdc:
            count = this.uint(2);
            break;
          case 0xdd:
            count = this.uint(4);
            break;
          case 0xde:
            count = this.uint(2);
            isMap = true;
            break;
          case 0xdf:
            count = this.uint(4);
            isMap = true;
            break;
        }
      }
      if (count < 0) return null;
      if (asKey) this.fail('a map key must be a scalar', at);
      return this.startContainer(cell, count, isMap, at);
    }
  }

  private startContainer(into: PhpCell, count: number, isMap: boolean, at: number): Frame | null {
    const cell = into === this.scratch ? { value: PHP_NULL } : into;
    // Each member takes at least one byte (two for a pair): refuse impossible counts up front.
    if (count * (isMap ? 2 : 1) > this.b.length - this.p)
      this.fail(`container of ${count} members but only ${this.b.length - this.p} bytes left`, at);
    // The unpacker's stack check comes first, even for an empty container.
    if (this.maxDepth > 0 && this.depth >= this.maxDepth) this.fail(`maximum depth of ${this.maxDepth} exceeded`, at);
    if (this.root === null) this.root = cell;
    else this.slots.push(cell);
    if (count === 0) {
      // An empty map is an object (stdClass) in php_only mode; PHP writes empty arrays as 90.
      cell.value = isMap ? { kind: 'object', className: 'stdClass', properties: [] } : { kind: 'array', entries: [] };
      into.value = cell.value;
      return null;
    }
    this.depth++;
    const array: PhpArray = { kind: 'array', entries: [] };
    cell.value = array;
    return {
      cell,
      isMap,
      remaining: count,
      array,
      object: null,
      done: false,
      type: TYPE_NONE,
      key: null,
      keyStart: 0,
      keyEnd: 0,
      valueCell: null,
      members: null,
      viaData: false,
    };
  }

  /** Reads one value (the root) into `cell`. */
  read(cell: PhpCell): void {
    const frames: Frame[] = [];
    const opened = this.readItem(cell, false);
    if (opened === null) return;
    frames.push(opened);
    for (;;) {
      // No read past the end: an out-of-bounds load is a slow path in V8.
      if (frames.length === 0) return;
      const top = frames[frames.length - 1]!;
      if (top.valueCell !== null) {
        this.finishMember(top);
        top.valueCell = null;
      }
      if (top.remaining > 0) {
        top.remaining--;
        const b = this.b;
        if (top.isMap) {
          const h = b[this.p];
          if (h !== undefined && h >= 0xa0 && h <= 0xbf) {
            // A short string key, the common case: kept as a range of the input, no value made.
            const start = this.p + 1;
            this.p = start;
            this.need(h & 0x1f);
            this.p = start + (h & 0x1f);
            top.key = RANGE_KEY;
            top.keyStart = start;
            top.keyEnd = this.p;
          } else {
            this.readItem(this.scratch, true);
            top.key = this.scratch.value;
          }
        }
        // Scalars go through one scratch cell; a container gets its own (its slot for references).
        top.valueCell = this.scratch;
        const child = this.readItem(this.scratch, false);
        if (child !== null) {
          top.valueCell = child.cell;
          frames.push(child);
        }
        continue;
      }
      frames.pop();
      this.depth--;
      if (top.object !== null && !top.done && top.cell.value === top.object) {
        const reason = top.viaData
          ? checkPhpObject(top.object, '__unserialize')
          : (checkPhpObject(top.object, 'properties') ?? enumCase(top.object));
        if (reason !== null && this.phpUnreadable === null) this.phpUnreadable = reason;
      }
    }
  }

  /** msgpack_unserialize_array_item / msgpack_unserialize_map_item for the member just read. */
  private finishMember(f: Frame): void {
    const value = f.valueCell!.value;
    if (!f.isMap) {
      f.array!.entries.push({ key: indexKey(f.array!.entries.length), value });
      return;
    }
    if (f.key === RANGE_KEY && f.type === TYPE_NONE) {
      if (!f.done) this.insert(f, RANGE_KEY, value, undefined);
      return;
    }
    const key = f.key === RANGE_KEY ? new SourceString(this.b, f.keyStart, f.keyEnd) : f.key!;
    if (key.kind === 'null') {
      // A directive about the container itself.
      f.type = TYPE_NONE;
      if (value.kind === 'int') {
        const t = Number(value.value);
        // TYPE_REFERENCE only marks the container as a PHP reference (&): nothing to show.
        if (t !== TYPE_REFERENCE && t >= TYPE_RECURSIVE && t <= TYPE_OBJECT_REFERENCE) f.type = t;
      } else if (value.kind === 'string' && !f.done) {
        this.becomeObject(f, decodeUtf8(value.bytes));
      } else if (value.kind === 'array' && f.object !== null && !f.done) {
        // __serialize() data for __unserialize(): it becomes the object's properties.
        f.object.properties.length = 0;
        f.members = null;
        f.viaData = true;
        for (const e of value.entries)
          this.insert(
            f,
            typeof e.key === 'bigint' ? phpInt(e.key) : { kind: 'string', bytes: new TextEncoder().encode(e.key) },
            e.value,
            e.keyBytes,
          );
      }
      return;
    }
    const type = f.type;
    f.type = TYPE_NONE;
    if (type === TYPE_CUSTOM_OBJECT) {
      if (key.kind !== 'string' || value.kind !== 'string')
        this.fail('a Serializable object needs a class name and a string payload');
      f.cell.value = this.serializable(canonicalClassName(decodeUtf8(key.bytes)), value.bytes);
      f.done = true;
      return;
    }
    if (type === TYPE_RECURSIVE || type === TYPE_OBJECT || type === TYPE_OBJECT_REFERENCE) {
      if (value.kind !== 'int') this.fail('a reference must name a container number');
      const n = Number(value.value);
      const cell = n === 1 ? this.root : n >= 2 ? this.slots[n - 2] : undefined;
      if (cell === undefined || cell === null || cell === f.cell) {
        // msgpack-php warns ("Invalid references value") and leaves the map as it started: null.
        f.cell.value = {
          kind: 'null',
          phpNote: `msgpack-php reads a reference to container ${value.value}, which does not exist, as null`,
        };
        f.done = true;
        return;
      }
      const target = cell.value.kind === 'reference' ? cell.value.target : cell.value;
      f.cell.value = { kind: 'reference', slot: n, phpReference: type !== TYPE_OBJECT, target };
      f.done = true;
      return;
    }
    if (!f.done) this.insert(f, key, value, undefined);
  }

  /**
   * A Serializable object's payload: raw for application classes; PHP's own SPL classes read it,
   * the others have no unserializer and msgpack-php leaves null behind.
   */
  private serializable(className: string, payload: Uint8Array): PhpValue {
    const info = phpClass(className);
    if (!info) return { kind: 'custom', className, payload };
    if (SPL_PAYLOAD_CLASSES.has(info.name)) {
      const read = readSplCustom(info.name, payload);
      if ('object' in read) {
        if (read.phpUnreadable !== null && this.phpUnreadable === null) this.phpUnreadable = read.phpUnreadable;
        return read.object;
      }
      // A failed unserialize() inside msgpack-php leaves the exception behind: PHP refuses the value.
      if (this.phpUnreadable === null) this.phpUnreadable = read.refused;
      return { kind: 'custom', className, payload, phpUnreadable: read.refused };
    }
    return { kind: 'null', phpNote: `msgpack-php reads null: class ${info.name} has no unserializer` };
  }

  /** Turns the map into an object of `className`, its string-keyed entries becoming properties. */
  private becomeObject(f: Frame, className: string): void {
    const object: PhpObject = { kind: 'object', className: canonicalClassName(className), properties: [] };
    const previous = f.array;
    f.object = object;
    f.array = null;
    f.members = null;
    f.cell.value = object;
    if (previous)
      for (const e of previous.entries)
        if (typeof e.key === 'string')
          this.insert(f, { kind: 'string', bytes: e.keyBytes ?? new TextEncoder().encode(e.key) }, e.value, undefined);
  }

  /** Adds key → value to the container, overwriting a duplicate in place like zend_hash_update. */
  private insert(f: Frame, key: PhpValue, value: PhpValue, rawKey: Uint8Array | undefined): void {
    // Keys other than ints and strings go through PHP's string conversion first.
    let k: PhpValue = key;
    if (k.kind === 'bool') k = { kind: 'string', bytes: k.value ? new Uint8Array([0x31]) : new Uint8Array(0) };
    else if (k.kind === 'float') k = { kind: 'string', bytes: new TextEncoder().encode(floatKeyString(k.value)) };
    else if (k.kind !== 'int' && k.kind !== 'string') this.fail(`unsupported key type ${k.kind}`);
    // The key's bytes as a range of its buffer: no view made per key (a key's bytes are kept only when not UTF-8).
    let b: Uint8Array = EMPTY;
    let start = 0;
    let end = 0;
    if (k === RANGE_KEY) {
      b = this.b;
      start = f.keyStart;
      end = f.keyEnd;
    } else if (k.kind === 'string') {
      if (rawKey === undefined && k instanceof SourceString) ({ source: b, start, end } = k);
      else {
        b = rawKey ?? k.bytes;
        end = b.length;
      }
    }
    if (f.object !== null) {
      let prop: PhpProperty;
      if (k.kind === 'int') prop = { name: k.value.toString(), visibility: 'public', value };
      else {
        prop = unmangleProperty(b, start, end);
        prop.value = value;
      }
      // Same mangled name, same property slot: overwritten in place.
      const members = (f.members ??= new Members());
      const existing = members.property(f.object.properties, prop);
      if (existing !== undefined) existing.value = value;
      else members.addProperty(f.object.properties, prop);
      return;
    }
    let entryKey: PhpKey;
    let keyBytes: Uint8Array | undefined;
    if (k.kind === 'int') entryKey = k.value;
    else {
      const numeric = numericStringKey(b, start, end); // zend_symtable_update
      if (numeric !== null) entryKey = numeric;
      else {
        const text = validUtf8Text(b, start, end);
        if (text !== undefined) entryKey = text;
        else {
          entryKey = decodeUtf8(b, start, end);
          keyBytes = b.subarray(start, end);
        }
      }
    }
    // Duplicates are found by exact bytes.
    const entries = f.array!.entries;
    const members = (f.members ??= new Members());
    const existing = members.entry(entries, entryKey, keyBytes);
    if (existing !== undefined) {
      existing.value = value;
      return;
    }
    const entry: PhpArrayEntry = { key: entryKey, value };
    if (keyBytes) entry.keyBytes = keyBytes;
    members.addEntry(entries, entry);
  }
}

/** One msgpack value: what it is, where it ends, and PHP's reason to refuse it (null when PHP reads it). */
export interface MsgpackRead {
  value: PhpValue;
  end: number;
  phpUnreadable: string | null;
}

/** One value; bytes after it are left to the caller. Throws SessionDecodeError. */
export function readMsgpack(bytes: Uint8Array, options: MsgpackOptions = {}): MsgpackRead {
  if (bytes.length === 0) throw new SessionDecodeError('msgpack: no data', 0);
  const reader = new MsgpackReader(bytes, options.maxDepth ?? MSGPACK_MAX_DEPTH);
  const cell: PhpCell = { value: PHP_NULL };
  reader.read(cell);
  return { value: cell.value, end: reader.pos, phpUnreadable: reader.phpUnreadable };
}

/** msgpack_unserialize() in php_only mode. Throws SessionDecodeError. */
export function decodeMsgpack(bytes: Uint8Array, options: MsgpackOptions = {}): PhpValue {
  const { value, end } = readMsgpack(bytes, options);
  if (!options.allowTrailing && end < bytes.length) {
    // msgpack_unserialize() warns "Extra bytes" and returns the value: refused only when asked.
    throw new SessionDecodeError(`msgpack: ${bytes.length - end} unexpected bytes after the value`, end);
  }
  return value;
}
