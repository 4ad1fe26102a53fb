// What every encoder needs from a value tree: members with their keys as the formats write them
// (integers or raw bytes, property names mangled), the values that PHP references (&) point at,
// and an iterative walk, so a deeply nested session cannot overflow the JS stack.
import {
  encodeUtf8,
  type PhpArray,
  type PhpKey,
  type PhpObject,
  type PhpProperty,
  type PhpValue,
} from '../phpValue.ts';
import { numericStringKey } from '../decodeCommon.ts';

/** A value tree that the chosen serializer cannot store so that PHP reads it back. */
export class SessionEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionEncodeError';
  }
}

/** A member's key as it is written: an integer, or the bytes of a string key / mangled property name. */
export type MemberKey = bigint | Uint8Array;

export interface Member {
  readonly key: MemberKey;
  readonly value: PhpValue;
}

/**
 * Built-in classes with __serialize() in PHP 8.2. The value tree keeps the data it returned as
 * properties (named 0, 1, … for ArrayObject and friends); msgpack-php stores it apart
 * (nil→"Class", nil→[data]), and its arrays are never PHP's shared empty array.
 */
export const MAGIC_SERIALIZE_CLASSES: ReadonlySet<string> = new Set(
  [
    'ArrayObject',
    'ArrayIterator',
    'RecursiveArrayIterator',
    'SplDoublyLinkedList',
    'SplQueue',
    'SplStack',
    'SplObjectStorage',
    'DateTime',
    'DateTimeImmutable',
    'DateTimeZone',
    'DateInterval',
    'DatePeriod',
  ].map((c) => c.toLowerCase()),
);

/** An array key's written form: integers stay integers, strings are their original bytes. */
export function arrayKey(key: PhpKey, keyBytes: Uint8Array | undefined): MemberKey {
  return typeof key === 'bigint' ? key : (keyBytes ?? encodeUtf8(key));
}

/** A session variable's name as a key of the session array: PHP keeps decimal names as integers. */
export function variableKey(name: string): MemberKey {
  const bytes = encodeUtf8(name);
  return numericStringKey(bytes, 0, bytes.length) ?? bytes;
}

/** `\0*\0name` for protected, `\0Class\0name` for private, the name alone for public properties. */
export function mangledName(p: PhpProperty): Uint8Array {
  if (p.rawName) return p.rawName;
  if (p.visibility === 'public') return encodeUtf8(p.name);
  const scope = p.visibility === 'protected' ? '*' : (p.declaringClass ?? '');
  return encodeUtf8(`\0${scope}\0${p.name}`);
}

/**
 * A property's key. Integer names come from __serialize() data (ArrayObject, SplObjectStorage…),
 * which PHP writes as integer keys; the tree only keeps them as decimal names, so decimal public
 * names are written back as integers, except on stdClass, where `(object)[5 => …]` makes a real
 * string property "5".
 */
export function propertyKey(className: string, p: PhpProperty): MemberKey {
  if (p.visibility === 'public' && !p.rawName && className.toLowerCase() !== 'stdclass') {
    const bytes = encodeUtf8(p.name);
    const n = numericStringKey(bytes, 0, bytes.length);
    if (n !== null) return n;
  }
  return mangledName(p);
}

export function arrayMembers(a: PhpArray): Member[] {
  return a.entries.map((e) => ({ key: arrayKey(e.key, e.keyBytes), value: e.value }));
}

export function objectMembers(o: PhpObject): Member[] {
  return o.properties.map((p) => ({ key: propertyKey(o.className, p), value: p.value }));
}

/** True when the keys are exactly 0..n-1 in order (zend_array_is_list). */
export function membersAreList(members: readonly Member[]): boolean {
  for (let i = 0; i < members.length; i++) {
    const k = members[i]!.key;
    if (typeof k !== 'bigint' || k !== BigInt(i)) return false;
  }
  return true;
}

/** The value a reference (or a chain of them, which no decoder makes) ends at. */
export function derefAll(v: PhpValue): PhpValue {
  let t = v;
  for (let hops = 0; t.kind === 'reference' && hops < 64; hops++) t = t.target;
  return t;
}

/**
 * The identity PHP sees: an enum case is one object however many times it occurs, so its later
 * occurrences are back-references too. Everything else is its own JS object.
 */
export class Identities {
  private readonly cases = new Map<string, PhpValue>();
  of(v: PhpValue): PhpValue {
    if (v.kind !== 'enum') return v;
    const k = `${v.className.toLowerCase()}::${v.caseName}`;
    const seen = this.cases.get(k);
    if (seen) return seen;
    this.cases.set(k, v);
    return v;
  }
}

/** Objects in PHP's sense: they have a handle, so a second occurrence is a back-reference. */
export function isObjectLike(v: PhpValue): boolean {
  return v.kind === 'object' || v.kind === 'enum' || v.kind === 'custom';
}

/**
 * The values some PHP reference (&) points at. Their first occurrence is a reference too (PHP
 * marks both sides); igbinary and msgpack say so on the first occurrence already.
 */
export function referenceTargets(roots: Iterable<PhpValue>): Set<PhpValue> {
  const targets = new Set<PhpValue>();
  const seen = new Set<PhpValue>();
  const stack: PhpValue[] = [...roots];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v.kind === 'reference') {
      if (v.phpReference) targets.add(v.target);
      continue;
    }
    if (seen.has(v)) continue;
    if (v.kind === 'array') {
      seen.add(v);
      for (const e of v.entries) stack.push(e.value);
    } else if (v.kind === 'object') {
      seen.add(v);
      for (const p of v.properties) stack.push(p.value);
    }
  }
  return targets;
}

/** An open container: its members are written one by one, then it is closed. */
export interface Frame {
  readonly node: PhpValue;
  readonly members: Member[];
  i: number;
}

/** One format's writer, driven by walkValue. */
export interface ValueSink {
  /** Writes the value at one position; returns a frame when members follow. */
  value(v: PhpValue): Frame | null;
  /** Writes the key of the member about to be written. */
  key(key: MemberKey, frame: Frame): void;
  /** Finishes a container after its last member. */
  close(frame: Frame): void;
}

/** Drives a sink through one value, depth first, with an explicit stack. */
export function walkValue(root: PhpValue, sink: ValueSink): void {
  const first = sink.value(root);
  if (first) walkFrame(first, sink);
}

/** Drives a sink through a container it has already opened (a session's top level), then closes it. */
export function walkFrame(root: Frame, sink: ValueSink): void {
  const stack: Frame[] = [root];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.i < f.members.length) {
      const m = f.members[f.i++]!;
      sink.key(m.key, f);
      const child = sink.value(m.value);
      if (child) stack.push(child);
    } else {
      stack.pop();
      sink.close(f);
    }
  }
}
