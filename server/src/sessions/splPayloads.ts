// The `C:` payloads of PHP's own Serializable classes (written by PHP < 7.4, still read by 8.2):
// ArrayObject/ArrayIterator/RecursiveArrayIterator (php-src ext/spl/spl_array.c), SplObjectStorage
// (spl_observer.c) and SplDoublyLinkedList/SplQueue/SplStack (spl_dllist.c). PHP reads them with the
// same slot table as the enclosing unserialize(), so a later R:/r: can point inside. The result is
// the object as PHP then holds it, with the properties its __serialize() gives (the form PHP ≥ 7.4
// writes), so both forms print the same.
import { phpInt } from './decodeCommon.ts';
import { PHP_NULL, deref, type PhpArray, type PhpCell, type PhpObject, type PhpValue } from './phpValue.ts';

/** What the payload grammar needs from the enclosing unserializer. */
export interface NestedReader {
  /** The byte at i, or 0 past the payload (PHP's buffers end in a NUL). */
  byteAt(i: number): number;
  /** Reads one value starting at `pos` (not past `end`) into `cell`; returns where it stopped. */
  readNested(cell: PhpCell, pos: number, end: number): number;
}

/** A payload PHP refuses, with PHP's UnexpectedValueException message. */
export class SplPayloadError extends Error {}

export const SPL_PAYLOAD_CLASSES = new Set([
  'ArrayObject',
  'ArrayIterator',
  'RecursiveArrayIterator',
  'SplObjectStorage',
  'SplDoublyLinkedList',
  'SplQueue',
  'SplStack',
]);

const ch = (c: string): number => c.charCodeAt(0);
const SPL_ARRAY_IS_SELF = 0x1000000n;
/** The iterator mode a new list starts with (SplQueue is FIFO, SplStack LIFO). */
const DLLIST_FLAGS: Record<string, bigint> = { SplDoublyLinkedList: 0n, SplQueue: 4n, SplStack: 6n };

function object(className: string, values: PhpValue[]): PhpObject {
  return {
    kind: 'object',
    className,
    properties: values.map((value, i) => ({ name: String(i), visibility: 'public', value })),
  };
}

const emptyArray = (): PhpArray => ({ kind: 'array', entries: [] });

/** Reads the payload `[start, end)` of a `C:` object of `className` (one of SPL_PAYLOAD_CLASSES). */
export function readSplPayload(r: NestedReader, className: string, start: number, end: number): PhpObject {
  let p = start;
  const fail = (): never => {
    throw new SplPayloadError(`Error at offset ${p - start} of ${end - start} bytes`);
  };
  const value = (): PhpValue => {
    const cell: PhpCell = { value: PHP_NULL };
    p = r.readNested(cell, p, end);
    return cell.value;
  };
  const expect = (c: string): void => {
    if (r.byteAt(p) !== ch(c)) fail();
    p++;
  };
  const isDllist = className === 'SplDoublyLinkedList' || className === 'SplQueue' || className === 'SplStack';
  if (start === end) {
    // An empty payload leaves the object as constructed.
    if (className === 'SplObjectStorage') return object(className, [emptyArray(), emptyArray()]);
    if (isDllist) return object(className, [phpInt(DLLIST_FLAGS[className]!), emptyArray(), emptyArray()]);
    return object(className, [phpInt(0n), emptyArray(), emptyArray(), PHP_NULL]);
  }
  if (isDllist) {
    // <flags>(:<element>)*
    const flags = value();
    if (flags.kind !== 'int') fail();
    const elements = emptyArray();
    while (r.byteAt(p) === ch(':')) {
      p++;
      elements.entries.push({ key: BigInt(elements.entries.length), value: value() });
    }
    // It stops at the end or at a NUL (msgpack-php hands the payload over with one).
    if (p !== end && r.byteAt(p) !== 0) fail();
    return object(className, [flags, elements, emptyArray()]);
  }
  expect('x');
  expect(':');
  const head = value();
  if (head.kind !== 'int') fail();
  p--; // the ';' that ended the integer
  if (className === 'SplObjectStorage') {
    // x:i:<count>;(<object>[,<info>];)*m:<members>
    if (head.kind !== 'int' || head.value < 0n) fail();
    const storage = emptyArray();
    for (let n = Number(head.kind === 'int' ? head.value : 0n); n > 0; n--) {
      expect(';');
      const c = r.byteAt(p);
      if (c !== ch('O') && c !== ch('C') && c !== ch('r')) fail();
      const obj = value();
      let inf: PhpValue = PHP_NULL;
      if (r.byteAt(p) === ch(',')) {
        p++;
        inf = value();
      }
      if (deref(obj).kind !== 'object' && deref(obj).kind !== 'custom') fail();
      // Attaching the same object again replaces its information.
      const at = storage.entries.findIndex((e, i) => i % 2 === 0 && deref(e.value) === deref(obj));
      if (at >= 0) storage.entries[at + 1]!.value = inf;
      else {
        storage.entries.push({ key: BigInt(storage.entries.length), value: obj });
        storage.entries.push({ key: BigInt(storage.entries.length), value: inf });
      }
    }
    expect(';');
    expect('m');
    expect(':');
    const members = value();
    if (members.kind !== 'array') fail();
    return object(className, [storage, members]);
  }
  // ArrayObject family: x:i:<flags>;<storage>;m:<members>
  expect(';');
  let storage: PhpValue = PHP_NULL;
  if (head.kind === 'int' && (head.value & SPL_ARRAY_IS_SELF) === 0n) {
    const c = r.byteAt(p);
    if (c !== ch('a') && c !== ch('O') && c !== ch('C') && c !== ch('r')) fail();
    storage = value();
    const kind = deref(storage).kind;
    if (kind !== 'array' && kind !== 'object' && kind !== 'custom') fail();
    expect(';');
  }
  expect('m');
  expect(':');
  const members = value();
  if (members.kind !== 'array') fail();
  return object(className, [head, storage, members, PHP_NULL]);
}
