// igbinary_serialize() for a value tree, byte for byte as igbinary 3.2 (src/php7/igbinary.c)
// writes it with igbinary.compact_strings=On: header 00 00 00 02, big-endian lengths, each distinct
// string once (later ones as string_id), and one id per array, object and referenced scalar in the
// order they start; a PHP reference is prefixed by 25 on every occurrence, and a later occurrence
// is ref (01-03) or objref (22-24) to that id.
import { encodeUtf8, type PhpValue } from '../phpValue.ts';
import { ByteWriter } from './byteWriter.ts';
import {
  arrayMembers,
  derefAll,
  Identities,
  isObjectLike,
  MAGIC_SERIALIZE_CLASSES,
  objectMembers,
  SessionEncodeError,
  walkFrame,
  walkValue,
  type Frame,
  type Member,
  type MemberKey,
  type ValueSink,
} from './valueTree.ts';

const T = {
  null: 0x00,
  ref8: 0x01,
  false: 0x04,
  true: 0x05,
  long8p: 0x06,
  double: 0x0c,
  stringEmpty: 0x0d,
  stringId8: 0x0e,
  string8: 0x11,
  array8: 0x14,
  object8: 0x17,
  objectId8: 0x1a,
  objectSer8: 0x1d,
  long64p: 0x20,
  objref8: 0x22,
  ref: 0x25,
  enumCase: 0x27,
} as const;

const TWO32 = 1n << 32n;
const EMPTY_ARRAY: PhpValue = Object.freeze({ kind: 'array', entries: [] });

/** The 8/16/32-bit variant of a type: base, base+1, base+2 by the size the number needs. */
function sized(out: ByteWriter, base: number, n: number): void {
  if (n <= 0xff) out.u8(base).u8(n);
  else if (n <= 0xffff) out.u8(base + 1).u16(n);
  else out.u8(base + 2).u32(n);
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export class IgbinaryWriter implements ValueSink {
  private readonly strings = new Map<string, number>();
  private readonly ids = new Map<PhpValue, number>();
  private nextId = 0;
  private readonly onPath = new Set<PhpValue>();
  private readonly identities = new Identities();
  /** The member being written belongs to an internal class's __serialize() data. */
  private inMagicObject = false;

  constructor(
    readonly out: ByteWriter,
    private readonly refTargets: ReadonlySet<PhpValue>,
  ) {
    out.u8(0).u8(0).u8(0).u8(2);
  }

  /** The session array (or any root array): registered first, never prefixed. */
  writeRoot(members: Member[]): void {
    const root: Frame = { node: { kind: 'null' }, members, i: 0 };
    this.nextId++;
    sized(this.out, T.array8, members.length);
    walkFrame(root, this);
  }

  write(value: PhpValue): void {
    walkValue(value, this);
  }

  private long(v: bigint): void {
    const neg = v < 0n;
    const k = neg ? -v : v;
    const base = neg ? 1 : 0;
    if (k <= 0xffn) this.out.u8(T.long8p + base).u8(Number(k));
    else if (k <= 0xffffn) this.out.u8(T.long8p + 2 + base).u16(Number(k));
    else if (k < TWO32) this.out.u8(T.long8p + 4 + base).u32(Number(k));
    else this.out.u8(T.long64p + base).u64(k);
  }

  private string(bytes: Uint8Array): void {
    if (bytes.length === 0) {
      this.out.u8(T.stringEmpty);
      return;
    }
    const k = latin1(bytes);
    const id = this.strings.get(k);
    if (id !== undefined) {
      sized(this.out, T.stringId8, id);
      return;
    }
    this.strings.set(k, this.strings.size);
    sized(this.out, T.string8, bytes.length);
    this.out.bytes(bytes);
  }

  private className(name: string): void {
    const bytes = encodeUtf8(name);
    const k = latin1(bytes);
    const id = this.strings.get(k);
    if (id !== undefined) {
      sized(this.out, T.objectId8, id);
      return;
    }
    this.strings.set(k, this.strings.size);
    sized(this.out, T.object8, bytes.length);
    this.out.bytes(bytes);
  }

  value(v: PhpValue): Frame | null {
    const out = this.out;
    let target = v;
    let isRef = this.refTargets.has(v);
    if (v.kind === 'reference') {
      target = derefAll(v);
      isRef = v.phpReference;
    }
    if (isRef) out.u8(T.ref);
    target = this.identities.of(target);
    // PHP shares one immutable empty array (zend_empty_array), and igbinary keys arrays by address:
    // every empty array after the first is written as a ref to it.
    // (The arrays an internal class's __serialize() returns are its own tables, never that one.)
    if (!isRef && !this.inMagicObject && target.kind === 'array' && target.entries.length === 0) target = EMPTY_ARRAY;
    const id = this.ids.get(target);
    if (id !== undefined) {
      // An array shared without & is also a ref (igbinary_serialize_array_ref keys on the array).
      sized(out, isObjectLike(target) ? T.objref8 : T.ref8, id);
      return null;
    }
    if (this.nextId === 0 && !isRef && target.kind === 'array')
      this.nextId++; // the root: never referenced back
    else if (isRef || target.kind === 'array' || isObjectLike(target)) this.ids.set(target, this.nextId++);
    switch (target.kind) {
      case 'null':
        out.u8(T.null);
        return null;
      case 'bool':
        out.u8(target.value ? T.true : T.false);
        return null;
      case 'int':
        this.long(target.value);
        return null;
      case 'float':
        out.u8(T.double).f64(target.value);
        return null;
      case 'string':
        this.string(target.bytes);
        return null;
      case 'enum':
        this.className(target.className);
        out.u8(T.enumCase);
        this.string(encodeUtf8(target.caseName));
        return null;
      case 'custom':
        this.className(target.className);
        sized(out, T.objectSer8, target.payload.length);
        out.bytes(target.payload);
        return null;
      case 'array':
        if (this.onPath.has(target)) {
          out.u8(T.null);
          return null;
        }
        sized(out, T.array8, target.entries.length);
        this.onPath.add(target);
        return { node: target, members: arrayMembers(target), i: 0 };
      case 'object':
        this.className(target.className);
        sized(out, T.array8, target.properties.length);
        this.onPath.add(target);
        return { node: target, members: objectMembers(target), i: 0 };
      case 'reference':
        throw new SessionEncodeError('A reference cannot point at a reference');
    }
  }

  key(key: MemberKey, frame?: Frame): void {
    const node = frame?.node;
    this.inMagicObject = node?.kind === 'object' && MAGIC_SERIALIZE_CLASSES.has(node.className.toLowerCase());
    if (typeof key === 'bigint') this.long(key);
    else this.string(key);
  }

  close(frame: Frame): void {
    this.onPath.delete(frame.node);
  }
}

/** igbinary_serialize() of one value. */
export function igbinarySerialize(value: PhpValue, refTargets: ReadonlySet<PhpValue> = new Set()): Uint8Array {
  const w = new IgbinaryWriter(new ByteWriter(), refTargets);
  w.write(value);
  return w.out.result();
}
