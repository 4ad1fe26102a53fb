// msgpack_serialize() for a value tree as msgpack-php 2.2 (msgpack_pack.c, php_only=1,
// use_str8_serialization=1) writes it. PHP specifics ride on map pairs keyed nil: nil→1 marks a
// PHP reference, nil→"Class" an object, nil→3 a Serializable payload, nil→2|4|5 a back-reference
// to a container number. The numbers are the unpacker's (msgpack_unpack.c: every array and map in
// the order it starts, the root being 1, back-reference stubs included), so what PHP reads is the
// tree that was written. msgpack-php's own packer counts differently after a repeated PHP
// reference (msgpack_var_add), which is why PHP reads some of its own sessions back changed; up to
// the first such repeat both agree byte for byte.
import { encodeUtf8, type PhpArray, type PhpObject, type PhpValue } from '../phpValue.ts';
import { ByteWriter } from './byteWriter.ts';
import {
  arrayMembers,
  derefAll,
  MAGIC_SERIALIZE_CLASSES,
  membersAreList,
  isObjectLike,
  objectMembers,
  SessionEncodeError,
  walkFrame,
  walkValue,
  type Frame,
  type Member,
  type MemberKey,
  type ValueSink,
} from './valueTree.ts';

// MSGPACK_SERIALIZE_TYPE_* (msgpack_pack.h)
const TYPE_REFERENCE = 1;
const TYPE_RECURSIVE = 2;
const TYPE_CUSTOM_OBJECT = 3;
const TYPE_OBJECT = 4;
const TYPE_OBJECT_REFERENCE = 5;

const INT8_MIN = -(1n << 7n);
const INT16_MIN = -(1n << 15n);
const INT32_MIN = -(1n << 31n);

/** msgpack_pack_long: the smallest fitting form (pack_template.h msgpack_pack_real_int64). */
export function packLong(out: ByteWriter, d: bigint): void {
  if (d < -32n) {
    if (d < INT16_MIN) {
      if (d < INT32_MIN) out.u8(0xd3).u64(d);
      else out.u8(0xd2).u32(Number(d) >>> 0);
    } else if (d < INT8_MIN) out.u8(0xd1).u16(Number(d) & 0xffff);
    else out.u8(0xd0).u8(Number(d) & 0xff);
  } else if (d < 128n) out.u8(Number(d) & 0xff);
  else if (d < 1n << 16n) {
    if (d < 256n) out.u8(0xcc).u8(Number(d));
    else out.u8(0xcd).u16(Number(d));
  } else if (d < 1n << 32n) out.u8(0xce).u32(Number(d));
  else out.u8(0xcf).u64(d);
}

function packString(out: ByteWriter, b: Uint8Array): void {
  const n = b.length;
  if (n < 32) out.u8(0xa0 | n);
  else if (n < 256) out.u8(0xd9).u8(n);
  else if (n < 65536) out.u8(0xda).u16(n);
  else out.u8(0xdb).u32(n);
  out.bytes(b);
}

function packMap(out: ByteWriter, n: number): void {
  if (n < 16) out.u8(0x80 | n);
  else if (n < 65536) out.u8(0xde).u16(n);
  else out.u8(0xdf).u32(n);
}

function packArray(out: ByteWriter, n: number): void {
  if (n < 16) out.u8(0x90 | n);
  else if (n < 65536) out.u8(0xdc).u16(n);
  else out.u8(0xdd).u32(n);
}

interface MsgpackFrame extends Frame {
  /** Members are written without their keys (a msgpack array). */
  readonly list: boolean;
}

export class MsgpackWriter implements ValueSink {
  /** Containers (arrays and maps) written so far: the unpacker's numbering. */
  private count = 0;
  private readonly numbers = new Map<PhpValue, number>();
  private readonly onPath = new Set<PhpValue>();

  constructor(
    readonly out: ByteWriter,
    private readonly refTargets: ReadonlySet<PhpValue>,
  ) {}

  /** The session array: a PHP reference (PS(http_session_vars)), container number 1. */
  writeSession(members: Member[]): void {
    this.count++;
    if (members.length === 0) {
      this.out.u8(0x90);
      return;
    }
    packMap(this.out, members.length + 1);
    this.out.u8(0xc0).u8(TYPE_REFERENCE);
    const root: MsgpackFrame = { node: { kind: 'null' }, members, i: 0, list: false };
    walkFrame(root, this);
  }

  write(value: PhpValue): void {
    walkValue(value, this);
  }

  private stub(type: number, n: number): void {
    this.count++; // the stub is a map of its own
    this.out.u8(0x82).u8(0xc0).u8(type).u8(0x00);
    packLong(this.out, BigInt(n));
  }

  value(v: PhpValue): Frame | null {
    const out = this.out;
    let target = v;
    let isRef = this.refTargets.has(v);
    if (v.kind === 'reference') {
      target = derefAll(v);
      isRef = v.phpReference;
    }
    const container = target.kind === 'array' || isObjectLike(target);
    if (container) {
      const seen = this.numbers.get(target);
      if (seen !== undefined) {
        if (isRef) {
          this.stub(target.kind === 'array' ? TYPE_RECURSIVE : TYPE_OBJECT_REFERENCE, seen);
          return null;
        }
        if (target.kind !== 'array') {
          this.stub(TYPE_OBJECT, seen);
          return null;
        }
        this.count++; // an array shared without & is written out again
      } else {
        this.numbers.set(target, ++this.count);
      }
    }
    switch (target.kind) {
      case 'null':
        out.u8(0xc0);
        return null;
      case 'bool':
        out.u8(target.value ? 0xc3 : 0xc2);
        return null;
      case 'int':
        packLong(out, target.value);
        return null;
      case 'float':
        out.u8(0xcb).f64(target.value);
        return null;
      case 'string':
        packString(out, target.bytes);
        return null;
      case 'enum':
        // msgpack-php 2.2 writes an enum's properties, and its unpacker then fails with "Cannot
        // instantiate enum": there is no way to store one that PHP reads back.
        throw new SessionEncodeError(
          `msgpack cannot store the enum ${target.className}::${target.caseName} so that PHP reads it back`,
        );
      case 'custom':
        out.u8(0x82).u8(0xc0).u8(TYPE_CUSTOM_OBJECT);
        packString(out, encodeUtf8(target.className));
        packString(out, target.payload);
        return null;
      case 'array':
        return this.array(target, isRef);
      case 'object':
        return this.object(target, isRef);
      case 'reference':
        throw new SessionEncodeError('A reference cannot point at a reference');
    }
  }

  private array(a: PhpArray, isRef: boolean): Frame | null {
    const n = a.entries.length;
    if (n === 0) {
      this.out.u8(0x90);
      return null;
    }
    if (this.onPath.has(a)) {
      this.out.u8(0xc0);
      return null;
    }
    this.onPath.add(a);
    const members = arrayMembers(a);
    let list = false;
    if (isRef) {
      packMap(this.out, n + 1);
      this.out.u8(0xc0).u8(TYPE_REFERENCE);
    } else if (membersAreList(members)) {
      list = true;
      packArray(this.out, n);
    } else packMap(this.out, n);
    const frame: MsgpackFrame = { node: a, members, i: 0, list };
    return frame;
  }

  private object(o: PhpObject, isRef: boolean): Frame | null {
    const out = this.out;
    const name = encodeUtf8(o.className);
    this.onPath.add(o);
    if (MAGIC_SERIALIZE_CLASSES.has(o.className.toLowerCase())) {
      // nil→"Class", nil→(the array __serialize() returned, a container of its own)
      out.u8(0x82).u8(0xc0);
      packString(out, name);
      out.u8(0xc0);
      this.count++;
      const members = objectMembers(o);
      const list = membersAreList(members);
      if (members.length === 0) out.u8(0x90);
      else if (list) packArray(out, members.length);
      else packMap(out, members.length);
      const frame: MsgpackFrame = { node: o, members, i: 0, list };
      return frame;
    }
    const n = o.properties.length;
    if (isRef) {
      packMap(out, n + 2);
      out.u8(0xc0).u8(TYPE_REFERENCE);
    } else packMap(out, n + 1);
    out.u8(0xc0);
    packString(out, name);
    const frame: MsgpackFrame = { node: o, members: objectMembers(o), i: 0, list: false };
    return frame;
  }

  key(key: MemberKey, frame: Frame): void {
    if ((frame as MsgpackFrame).list) return;
    if (typeof key === 'bigint') packLong(this.out, key);
    else packString(this.out, key);
  }

  close(frame: Frame): void {
    this.onPath.delete(frame.node);
  }
}

/** msgpack_serialize() of one value (php_only). */
export function msgpackSerialize(value: PhpValue, refTargets: ReadonlySet<PhpValue> = new Set()): Uint8Array {
  const w = new MsgpackWriter(new ByteWriter(), refTargets);
  w.write(value);
  return w.out.result();
}
