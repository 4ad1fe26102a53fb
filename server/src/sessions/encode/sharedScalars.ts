// The decoders hand out shared frozen objects for null, true, false and small integers, so when a
// PHP reference (&) points at one of them, the reference's target does not say *which* occurrence
// it is. The encoders find occurrences by identity; this gives each referenced scalar its own
// object again, found by the slot number the reference carries (numbered as its format numbers
// them). Run it on a freshly decoded session, before any edit.
import type { SessionFramework, SessionSerializer } from '../sessionFormats.ts';
import type { PhpCell, PhpReference, PhpValue } from '../phpValue.ts';
import { isObjectLike, referenceTargets } from './valueTree.ts';

export interface Variables {
  readonly serializer: SessionSerializer;
  readonly framework?: SessionFramework;
  readonly variables: Array<[string, PhpValue]>;
}

/** A place holding a value: an array entry, a property, or a session variable. */
export type Place = PhpCell;

function variableCell(vars: Array<[string, PhpValue]>, i: number): Place {
  return {
    get value() {
      return vars[i]![1];
    },
    set value(v: PhpValue) {
      vars[i]![1] = v;
    },
  };
}

/** Every place in document order (containers before their members), references not followed. */
export function* sessionPlaces(session: Variables): Generator<Place> {
  const stack: Place[] = [];
  for (let i = session.variables.length - 1; i >= 0; i--) stack.push(variableCell(session.variables, i));
  const seen = new Set<PhpValue>();
  while (stack.length > 0) {
    const place = stack.pop()!;
    yield place;
    const v = place.value;
    if (seen.has(v)) continue;
    if (v.kind === 'array') {
      seen.add(v);
      for (let i = v.entries.length - 1; i >= 0; i--) stack.push(v.entries[i]!);
    } else if (v.kind === 'object') {
      seen.add(v);
      for (let i = v.properties.length - 1; i >= 0; i--) stack.push(v.properties[i]!);
    }
  }
}

/**
 * Gives every scalar a PHP reference points at its own object (in place). Returns false when an
 * igbinary session leaves it ambiguous which of two equal neighbouring scalars is the referenced
 * one (igbinary numbers only referenced scalars, and the tree does not mark them): encoding is
 * then only right up to which of the two is the reference, and an edit must not rely on it.
 */
export function detachSharedScalars(session: Variables): boolean {
  const wanted = new Map<number, PhpValue>();
  const refPlaces: Place[] = [];
  for (const place of sessionPlaces(session)) {
    const v = place.value;
    if (v.kind === 'reference' && v.phpReference && Object.isFrozen(v.target)) {
      wanted.set(v.slot, v.target);
      refPlaces.push(place);
    }
  }
  if (wanted.size === 0) return true;
  const igbinary = session.serializer === 'igbinary' && session.framework !== 'laravel';
  const serializeFamily = session.serializer !== 'igbinary' && session.serializer !== 'msgpack';
  if (!igbinary && !serializeFamily) return true; // msgpack-php never references scalars
  // The session array is slot 1 when it is serialized as one value.
  let n = session.serializer === 'php' || session.serializer === 'php_binary' ? 0 : 1;
  if (session.framework === 'laravel') n = 1;
  const targets = igbinary ? referenceTargets(session.variables.map(([, v]) => v)) : new Set<PhpValue>();
  const copies = new Map<number, PhpValue>();
  let unambiguous = true;
  for (const place of sessionPlaces(session)) {
    const v = place.value;
    if (v.kind === 'reference') {
      if (!v.phpReference && serializeFamily) n++; // r: takes a slot, R: does not
      continue;
    }
    let counts: boolean;
    if (serializeFamily) counts = true;
    else counts = v.kind === 'array' || isObjectLike(v) || (targets.has(v) && !Object.isFrozen(v));
    if (!counts && Object.isFrozen(v) && wanted.get(n + 1) === v && !copies.has(n + 1)) counts = true;
    if (!counts) {
      if (Object.isFrozen(v) && copies.has(n) && wanted.get(n) === v) unambiguous = false;
      continue;
    }
    n++;
    if (Object.isFrozen(v) && wanted.get(n) === v && !copies.has(n)) {
      const copy = { ...v } as PhpValue;
      place.value = copy;
      copies.set(n, copy);
    }
  }
  for (const place of refPlaces) {
    const ref = place.value as PhpReference;
    const copy = copies.get(ref.slot);
    if (copy) place.value = { ...ref, target: copy };
  }
  return unambiguous;
}
