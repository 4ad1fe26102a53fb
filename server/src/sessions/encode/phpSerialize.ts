// PHP's serialize() for a value tree, byte for byte as php-src ext/standard/var.c writes it
// (php_var_serialize_intern, php_add_var_hash): every value takes the next slot, a later
// occurrence of a PHP reference is `R:<slot>;` (not counted again), of an object `r:<slot>;`.
// One writer keeps one slot table, so the `php` and `php_binary` session formats can number
// slots across variables as PHP does.
import { formatPhpFloat } from '../canonicalJson.ts';
import { encodeUtf8, type PhpValue } from '../phpValue.ts';
import { ByteWriter } from './byteWriter.ts';
import {
  arrayMembers,
  isObjectLike,
  derefAll,
  Identities,
  objectMembers,
  SessionEncodeError,
  walkValue,
  type Frame,
  type MemberKey,
  type ValueSink,
} from './valueTree.ts';

/** A float as serialize() prints it: serialize_precision=-1 (shortest round trip), `E` exponent, no `.0`. */
export function serializeFloat(v: number): string {
  if (Number.isNaN(v)) return 'NAN';
  if (!Number.isFinite(v)) return v > 0 ? 'INF' : '-INF';
  // json_encode and serialize share smart_str_append_double; json adds ".0" and writes 'e'.
  const s = formatPhpFloat(v);
  if (s.includes('e')) return s.replace('e', 'E');
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

function writeString(out: ByteWriter, tag: 's' | 'E', bytes: Uint8Array): void {
  out.ascii(`${tag}:${bytes.length}:"`).bytes(bytes).ascii('";');
}

export class SerializeWriter implements ValueSink {
  /** The last slot number handed out (php_serialize_data->n). */
  private n = 0;
  /** Slots of the values a later occurrence can point back to: PHP references and objects. */
  private readonly slots = new Map<PhpValue, number>();
  /** Containers being written: a copy that would contain itself is cut short, like PHP's recursion guard. */
  private readonly onPath = new Set<PhpValue>();
  private readonly identities = new Identities();

  constructor(
    readonly out: ByteWriter,
    private readonly refTargets: ReadonlySet<PhpValue>,
  ) {}

  /** Appends one value; slots continue from the previous call. */
  write(value: PhpValue): void {
    walkValue(value, this);
  }

  value(v: PhpValue): Frame | null {
    const out = this.out;
    let target = v;
    let isRef = this.refTargets.has(v);
    if (v.kind === 'reference') {
      target = derefAll(v);
      isRef = v.phpReference;
    }
    this.n++;
    if (isRef || isObjectLike(target)) {
      target = this.identities.of(target);
      const seen = this.slots.get(target);
      if (seen !== undefined) {
        if (isRef) {
          this.n--; // a reference is only counted once
          out.ascii(`R:${seen};`);
        } else out.ascii(`r:${seen};`);
        return null;
      }
      this.slots.set(target, this.n);
    }
    switch (target.kind) {
      case 'null':
        out.ascii('N;');
        return null;
      case 'bool':
        out.ascii(target.value ? 'b:1;' : 'b:0;');
        return null;
      case 'int':
        out.ascii(`i:${target.value};`);
        return null;
      case 'float':
        out.ascii(`d:${serializeFloat(target.value)};`);
        return null;
      case 'string':
        writeString(out, 's', target.bytes);
        return null;
      case 'enum':
        writeString(out, 'E', encodeUtf8(`${target.className}:${target.caseName}`));
        return null;
      case 'custom': {
        const name = encodeUtf8(target.className);
        out
          .ascii(`C:${name.length}:"`)
          .bytes(name)
          .ascii(`":${target.payload.length}:{`)
          .bytes(target.payload)
          .u8(0x7d);
        return null;
      }
      case 'array': {
        if (this.onPath.has(target)) {
          out.ascii('N;');
          return null;
        }
        out.ascii(`a:${target.entries.length}:{`);
        this.onPath.add(target);
        return { node: target, members: arrayMembers(target), i: 0 };
      }
      case 'object': {
        const name = encodeUtf8(target.className);
        out.ascii(`O:${name.length}:"`).bytes(name).ascii(`":${target.properties.length}:{`);
        this.onPath.add(target);
        return { node: target, members: objectMembers(target), i: 0 };
      }
      case 'reference':
        throw new SessionEncodeError('A reference cannot point at a reference');
    }
  }

  key(key: MemberKey): void {
    if (typeof key === 'bigint') this.out.ascii(`i:${key};`);
    else writeString(this.out, 's', key);
  }

  close(frame: Frame): void {
    this.onPath.delete(frame.node);
    this.out.u8(0x7d);
  }
}

/** serialize() of one value. */
export function serialize(value: PhpValue, refTargets: ReadonlySet<PhpValue> = new Set()): Uint8Array {
  const w = new SerializeWriter(new ByteWriter(), refTargets);
  w.write(value);
  return w.out.result();
}
