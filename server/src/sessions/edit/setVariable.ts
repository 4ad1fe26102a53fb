// One variable of a decoded session replaced, the way PHP's assignment would do it: a path of
// keys into arrays and properties, created at the last step when missing; assigning to a PHP
// reference (&) changes every alias of it, while objects are shared by handle as usual.
import { sessionPlaces, type Place, type Variables } from '../encode/sharedScalars.ts';
import { derefAll } from '../encode/valueTree.ts';
import { numericStringKey } from '../decodeCommon.ts';
import { encodeUtf8, propertyLabels, type PhpObject, type PhpProperty, type PhpValue } from '../phpValue.ts';

export class SessionEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionEditError';
  }
}

/** `user.name` → ['user', 'name']; a backslash escapes a dot or a backslash (`a\.b` is one key). */
export function parseDottedPath(path: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && (path[i + 1] === '.' || path[i + 1] === '\\')) cur += path[++i];
    else if (c === '.') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  if (parts[0] === '') throw new SessionEditError(`The path "${path}" does not start with a variable name`);
  return parts;
}

/** ['a.b', 'c'] → `a\.b.c`: the dotted path parseDottedPath reads back as these keys. */
export function formatDottedPath(path: readonly string[]): string {
  return path.map((key) => key.replace(/[\\.]/g, '\\$&')).join('.');
}

function arrayKeyOf(k: string): bigint | string {
  const b = encodeUtf8(k);
  return numericStringKey(b, 0, b.length) ?? k;
}

/**
 * A property by the name canonical JSON shows it under: its name, or `Base::id` / `*::id` for one
 * that another property of the same name shadows (propertyLabels).
 */
function findProperty(object: PhpObject, key: string): PhpProperty | undefined {
  const labels = propertyLabels(object);
  const i = labels.indexOf(key);
  return i < 0 ? undefined : object.properties[i];
}

/**
 * The value `path` (variable name, then keys) names, found the way setVariable finds it (array keys
 * by PHP's key rules, properties by their canonical JSON label); undefined when it names nothing.
 * The value is the place's own (a reference stays one), so callers can tell it by identity.
 */
export function valueAtPath(session: Variables, path: readonly string[]): PhpValue | undefined {
  const [name, ...keys] = path;
  let value = session.variables.find(([n]) => n === name)?.[1];
  for (const key of keys) {
    const container = value && derefAll(value);
    if (container?.kind === 'array') {
      const k = arrayKeyOf(key);
      value = container.entries.find((e) => e.key === k)?.value;
    } else if (container?.kind === 'object') value = findProperty(container, key)?.value;
    else return undefined;
  }
  return value;
}

/** Every place holding each value PHP references point at (its own place and its aliases). */
function aliases(session: Variables): Map<PhpValue, Place[]> {
  const map = new Map<PhpValue, Place[]>();
  const all: Place[] = [];
  for (const place of sessionPlaces(session)) {
    all.push(place);
    const v = place.value;
    if (v.kind === 'reference' && v.phpReference) {
      const list = map.get(v.target) ?? [];
      list.push(place);
      map.set(v.target, list);
    }
  }
  for (const place of all) map.get(place.value)?.unshift(place);
  return map;
}

/** Sets `path` (variable name, then keys) to `value`. Throws SessionEditError. */
export function setVariable(session: Variables, path: readonly string[], value: PhpValue): void {
  const [name, ...keys] = path;
  if (name === undefined || name === '') throw new SessionEditError('No variable name given');
  let index = session.variables.findIndex(([n]) => n === name);
  if (index < 0) {
    session.variables.push([name, keys.length > 0 ? { kind: 'array', entries: [] } : value]);
    if (keys.length === 0) return;
    index = session.variables.length - 1;
  }
  let place: Place = {
    get value() {
      return session.variables[index]![1];
    },
    set value(v: PhpValue) {
      session.variables[index]![1] = v;
    },
  };
  let where = name;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const last = i === keys.length - 1;
    // Like PHP, writing into null makes it an array.
    if (derefAll(place.value).kind === 'null') assign(session, place, { kind: 'array', entries: [] });
    const container = derefAll(place.value);
    if (container.kind === 'array') {
      const k = arrayKeyOf(key);
      let entry = container.entries.find((e) => e.key === k);
      if (!entry) {
        // Missing keys on the way are created as arrays, as `$_SESSION['a']['b'] = …` does.
        entry = { key: k, value: last ? value : { kind: 'array', entries: [] } };
        container.entries.push(entry);
        if (last) return;
      }
      place = entry;
    } else if (container.kind === 'object') {
      const prop = findProperty(container, key);
      if (!prop) {
        if (!last) throw new SessionEditError(`${where} has no property "${key}"`);
        container.properties.push({ name: key, visibility: 'public', value });
        return;
      }
      place = prop;
    } else {
      throw new SessionEditError(`${where} is a ${container.kind}, not an array or object`);
    }
    where = `${where}.${key}`;
  }
  assign(session, place, value);
}

function assign(session: Variables, place: Place, value: PhpValue): void {
  const old = place.value;
  const target = old.kind === 'reference' ? (old.phpReference ? old.target : null) : old;
  const group = target ? aliases(session).get(target) : undefined;
  if (!group) {
    place.value = value;
    return;
  }
  // Assigning to a reference assigns to all of its aliases: the first keeps the value, the
  // others point at it.
  let first = true;
  for (const p of group) {
    p.value = first ? value : { kind: 'reference', slot: 0, phpReference: true, target: value };
    first = false;
  }
}
