// What PHP does when it rebuilds an object of one of its own classes from stored data, for the
// decoders to say so: PHP's spelling of the class name, the classes it refuses to unserialize
// ("Unserialization of 'SplFileObject' is not allowed", abstract classes, interfaces), the types
// it enforces on their typed properties, and the checks their __unserialize() methods make
// (php-src ext/standard/var_unserializer.re, ext/spl/spl_array.c, spl_observer.c, spl_dllist.c,
// ext/date/php_date.c). Application classes are unknown here: they are read as the data says.
import { PHP_CLASS_ROWS } from './phpClassTable.ts';
import { deref, type PhpObject, type PhpProperty, type PhpValue } from './phpValue.ts';

interface TypedSlot {
  /** The unmangled property name. */
  readonly name: string;
  /** `\0Class\0name`, `\0*\0name` or `name`. */
  readonly mangled: string;
  readonly declaringClass: string;
  readonly type: string;
}

export interface PhpClassInfo {
  /** PHP's own spelling. */
  readonly name: string;
  readonly flags: ReadonlySet<string>;
  /** What unserialize() says to an empty object of the class ('' when it reads it). */
  readonly emptyRefusal: string;
  readonly slots: readonly TypedSlot[];
  /** Lowercased classes and interfaces it is an instance of, among those typed properties name. */
  readonly is: ReadonlySet<string>;
}

let table: Map<string, PhpClassInfo> | null = null;

function unmangle(mangled: string): { name: string; cls: string | null } {
  if (mangled.charCodeAt(0) !== 0) return { name: mangled, cls: null };
  const end = mangled.indexOf('\0', 1);
  return { name: mangled.slice(end + 1), cls: mangled.slice(1, end) };
}

function classes(): Map<string, PhpClassInfo> {
  if (table) return table;
  table = new Map();
  for (const [name, flags, emptyRefusal, slots = [], is = []] of PHP_CLASS_ROWS) {
    table.set(name.toLowerCase(), {
      name,
      flags: new Set(flags.split(' ').filter(Boolean)),
      emptyRefusal,
      slots: slots.map(([mangled, type]) => {
        const { name: prop, cls } = unmangle(mangled);
        return { name: prop, mangled, type, declaringClass: cls === '*' || cls === null ? name : cls };
      }),
      is: new Set(is.map((c) => c.toLowerCase())),
    });
  }
  return table;
}

/** Lookups by the name as stored (every object asks): a bounded cache in front of the table. */
const byStoredName = new Map<string, PhpClassInfo | null>();

/** One of PHP's own classes (in this PHP build: core and the common extensions), or undefined. */
export function phpClass(name: string): PhpClassInfo | undefined {
  let info = byStoredName.get(name);
  if (info === undefined) {
    info = classes().get(name.toLowerCase()) ?? null;
    if (byStoredName.size < 4096) byStoredName.set(name, info);
  }
  return info ?? undefined;
}

/** Class names are case-insensitive: PHP prints its own classes with their declared spelling. */
export function canonicalClassName(name: string): string {
  return phpClass(name)?.name ?? name;
}

/** Why PHP refuses to create an object of this class at all (before any property), or null. */
export function instantiationRefusal(info: PhpClassInfo | undefined): string | null {
  if (!info) return null;
  if (info.flags.has('notSerializable')) return `Unserialization of '${info.name}' is not allowed`;
  if (info.flags.has('interface')) return `Cannot instantiate interface ${info.name}`;
  if (info.flags.has('abstract')) return `Cannot instantiate abstract class ${info.name}`;
  if (info.flags.has('enum')) return `Cannot instantiate enum ${info.name}`;
  return null;
}

/** zend_zval_type_name / zend_zval_value_name, as PHP's TypeError messages name a value's type. */
function typeName(v: PhpValue): string {
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float';
    case 'string':
      return 'string';
    case 'array':
      return 'array';
    case 'object':
    case 'custom':
    case 'enum':
      return v.className;
    case 'reference':
      return typeName(v.target);
  }
}

/** zend_verify_prop_assignable_by_ref(…, strict = 1): does the value fit the declared type? */
function fitsType(value: PhpValue, type: string): boolean {
  const v = deref(value);
  return type.split('|').some((t) => {
    if (t.startsWith('?')) {
      if (v.kind === 'null') return true;
      t = t.slice(1);
    }
    switch (t) {
      case 'mixed':
        return true;
      case 'null':
        return v.kind === 'null';
      case 'string':
        return v.kind === 'string';
      case 'int':
        return v.kind === 'int';
      case 'float':
        return v.kind === 'float' || v.kind === 'int';
      case 'bool':
        return v.kind === 'bool';
      case 'false':
        return v.kind === 'bool' && !v.value;
      case 'array':
      case 'iterable':
        return v.kind === 'array';
      case 'object':
        return v.kind === 'object' || v.kind === 'custom' || v.kind === 'enum';
    }
    if (v.kind !== 'object' && v.kind !== 'custom' && v.kind !== 'enum') return false;
    const own = phpClass(v.className);
    // An application class may well implement the interface (its own exception classes, say).
    if (!own) return true;
    return own.name.toLowerCase() === t.toLowerCase() || own.is.has(t.toLowerCase());
  });
}

/**
 * The typed slot a stored property lands in: the same mangled name, or, as PHP's
 * is_property_visibility_changed() does, the class's declared property of that name when the
 * stored one is public, protected or private to the object's own class.
 */
function slotOf(info: PhpClassInfo, prop: PhpProperty): TypedSlot | undefined {
  for (const s of info.slots) {
    if (s.name !== prop.name) continue;
    const stored =
      prop.visibility === 'public'
        ? s.mangled === s.name
        : prop.visibility === 'protected'
          ? s.mangled.startsWith('\0*\0')
          : s.mangled.startsWith(`\0${prop.declaringClass}\0`);
    if (stored) return s;
  }
  if (prop.visibility === 'private' && prop.declaringClass?.toLowerCase() !== info.name.toLowerCase()) return undefined;
  return info.slots.find((s) => s.name === prop.name);
}

const member = (o: PhpObject, name: string): PhpValue | undefined => {
  const p = o.properties.find((q) => q.name === name);
  return p ? deref(p.value) : undefined;
};

const ILL_TYPED = 'Incomplete or ill-typed serialization data';
/** SPL_ARRAY_IS_SELF: the ArrayObject is its own storage (no storage element then). */
const SPL_ARRAY_IS_SELF = 0x1000000;

/** The checks __unserialize() makes on its data (the stored properties), by class family. */
function unserializeRefusal(info: PhpClassInfo, o: PhpObject): string | null {
  const family = (...names: string[]): boolean => names.some((n) => info.is.has(n) || info.name === n);
  const name = info.name;
  if (['ArrayObject', 'ArrayIterator', 'RecursiveArrayIterator'].includes(name)) {
    // spl_array.c ArrayObject::__unserialize
    const flags = member(o, '0');
    const storage = member(o, '1');
    const members = member(o, '2');
    const iteratorClass = member(o, '3');
    if (
      flags?.kind !== 'int' ||
      !storage ||
      members?.kind !== 'array' ||
      (iteratorClass && iteratorClass.kind !== 'null' && iteratorClass.kind !== 'string')
    )
      return ILL_TYPED;
    if ((flags.value & BigInt(SPL_ARRAY_IS_SELF)) === 0n && storage.kind !== 'array' && storage.kind !== 'object')
      return 'Passed variable is not an array or object';
    return null;
  }
  if (name === 'SplObjectStorage') {
    // spl_observer.c SplObjectStorage::__unserialize
    const storage = member(o, '0');
    const members = member(o, '1');
    if (storage?.kind !== 'array' || members?.kind !== 'array') return ILL_TYPED;
    if (storage.entries.length % 2 !== 0) return 'Odd number of elements';
    for (let i = 0; i < storage.entries.length; i += 2)
      if (deref(storage.entries[i]!.value).kind !== 'object') return 'Non-object key';
    return null;
  }
  if (['SplDoublyLinkedList', 'SplQueue', 'SplStack'].includes(name)) {
    // spl_dllist.c SplDoublyLinkedList::__unserialize
    const flags = member(o, '0');
    const storage = member(o, '1');
    const members = member(o, '2');
    if (flags?.kind !== 'int' || storage?.kind !== 'array' || members?.kind !== 'array') return ILL_TYPED;
    return null;
  }
  if (family('DateTimeInterface') && !family('DateTimeZone')) {
    // php_date.c php_date_initialize_from_hash: a date string, a timezone type, a timezone string.
    const date = member(o, 'date');
    const type = member(o, 'timezone_type');
    const zone = member(o, 'timezone');
    if (
      date?.kind !== 'string' ||
      type?.kind !== 'int' ||
      zone?.kind !== 'string' ||
      type.value < 1n ||
      type.value > 3n
    )
      return `Invalid serialization data for ${name} object`;
    return null;
  }
  if (name === 'DateTimeZone') {
    const type = member(o, 'timezone_type');
    const zone = member(o, 'timezone');
    if (type?.kind !== 'int' || zone?.kind !== 'string' || type.value < 1n || type.value > 3n)
      return 'Invalid serialization data for DateTimeZone object';
    return null;
  }
  // Other classes with an __unserialize(): PHP refuses an empty object (what it said to one).
  if (o.properties.length === 0 && info.emptyRefusal !== '') return info.emptyRefusal;
  return null;
}

/**
 * How the object was rebuilt: by unserialize() or igbinary (typed properties enforced, then
 * __unserialize() or __wakeup()), by msgpack-php from a map (properties set as they are, then
 * __wakeup()), or by msgpack-php handing __serialize() data to __unserialize().
 */
export type RebuildMode = 'unserialize' | 'properties' | '__unserialize';

/**
 * Checks an object of one of PHP's own classes the way PHP rebuilds it, once all its properties
 * are read: sets `phpUnreadable` to PHP's reason when PHP refuses it, and applies what PHP's
 * __wakeup() does to what it accepts. Returns the reason (null when PHP reads it). Application
 * classes are left alone.
 */
export function checkPhpObject(o: PhpObject, mode: RebuildMode = 'unserialize'): string | null {
  const info = phpClass(o.className);
  if (!info) return null;
  let reason =
    mode === 'unserialize'
      ? instantiationRefusal(info)
      : info.flags.has('notSerializable')
        ? null
        : instantiationRefusal(info);
  if (reason === null && mode === 'unserialize') {
    for (const p of o.properties) {
      const slot = slotOf(info, p);
      if (slot && !fitsType(p.value, slot.type)) {
        reason = `Cannot assign ${typeName(deref(p.value))} to property ${slot.declaringClass}::$${slot.name} of type ${slot.type}`;
        break;
      }
    }
  }
  const viaUnserialize = mode === '__unserialize' || (mode === 'unserialize' && info.flags.has('unserialize'));
  if (reason === null && (viaUnserialize || (info.flags.has('wakeup') && info.flags.has('unserialize'))))
    reason = unserializeRefusal(info, o);
  if (reason === null && !viaUnserialize && info.flags.has('throwable')) wakeThrowable(o);
  if (reason === null && info.name === 'DateInterval') rebuildDateInterval(o);
  if (reason !== null) o.phpUnreadable = reason;
  return reason;
}

/** (int) of a scalar, as zval_get_long() converts it. */
function toInt(v: PhpValue): bigint {
  switch (v.kind) {
    case 'null':
      return 0n;
    case 'bool':
      return v.value ? 1n : 0n;
    case 'int':
      return v.value;
    case 'float':
      return Number.isFinite(v.value) && Math.abs(v.value) < 2 ** 63 ? BigInt(Math.trunc(v.value)) : 0n;
    case 'string': {
      // A leading numeric string: whitespace, sign, digits, optional fraction and exponent.
      const m = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(new TextDecoder().decode(v.bytes));
      return m ? toInt({ kind: 'float', value: Number(m[0]) }) : 0n;
    }
    default:
      return 0n;
  }
}

/** (float) of a value, as zval_get_double() converts it. */
function toFloat(v: PhpValue): number {
  if (v.kind === 'float') return v.value;
  if (v.kind === 'array') return v.entries.length > 0 ? 1 : 0;
  if (v.kind === 'object' || v.kind === 'custom' || v.kind === 'enum') return 1;
  if (v.kind === 'string') {
    const m = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(new TextDecoder().decode(v.bytes));
    return m ? Number(m[0]) : 0;
  }
  return Number(toInt(v));
}

const DATE_INTERVAL_FIELDS = new Set([
  'y',
  'm',
  'd',
  'h',
  'i',
  's',
  'f',
  'invert',
  'days',
  'from_string',
  'date_string',
]);

/**
 * DateInterval keeps no properties of its own: PHP rebuilds the interval from the stored fields
 * (php_date.c php_date_interval_initialize_from_hash) and shows y…s, f, invert, days and
 * from_string, then any other stored property. A field that is not a scalar is -1 (unset).
 */
function rebuildDateInterval(o: PhpObject): void {
  const field = (name: string): PhpValue | undefined => member(o, name);
  const scalar = (v: PhpValue | undefined): v is PhpValue =>
    v !== undefined && v.kind !== 'array' && v.kind !== 'object' && v.kind !== 'custom' && v.kind !== 'enum';
  const int = (v: bigint): PhpValue => ({ kind: 'int', value: v });
  const fromString = field('from_string');
  const dateString = field('date_string');
  const extra = o.properties.filter((p) => p.visibility !== 'public' || !DATE_INTERVAL_FIELDS.has(p.name));
  const props: Array<[string, PhpValue]> = [];
  if (fromString?.kind === 'bool' && fromString.value && dateString !== undefined) {
    props.push(['from_string', fromString], ['date_string', dateString]);
  } else {
    for (const name of ['y', 'm', 'd', 'h', 'i', 's']) {
      const v = field(name);
      props.push([name, scalar(v) ? int(toInt(v)) : int(-1n)]);
    }
    const f = field('f');
    props.push(['f', { kind: 'float', value: f === undefined ? 0 : Math.trunc(toFloat(f) * 1e6) / 1e6 }]);
    const invert = field('invert');
    props.push(['invert', scalar(invert) ? int(toInt(invert)) : int(0n)]);
    const days = field('days');
    props.push(['days', days?.kind === 'bool' && !days.value ? days : scalar(days) ? int(toInt(days)) : int(-1n)]);
    props.push(['from_string', { kind: 'bool', value: false }]);
  }
  o.properties.length = 0;
  for (const [name, value] of props) o.properties.push({ name, visibility: 'public', value });
  o.properties.push(...extra);
}

/** Exception::__wakeup() / Error::__wakeup(): a message that is not a string, a code that is not an int, is dropped. */
function wakeThrowable(o: PhpObject): void {
  const dropped: string[] = [];
  for (const [name, kind] of [
    ['message', 'string'],
    ['code', 'int'],
  ] as const) {
    const i = o.properties.findIndex((p) => p.name === name && p.visibility !== 'private');
    if (i < 0) continue;
    const v = deref(o.properties[i]!.value);
    if (v.kind !== 'null' && v.kind !== kind) {
      o.properties.splice(i, 1);
      dropped.push(`${name} (not ${kind === 'int' ? 'an int' : 'a string'})`);
    }
  }
  if (dropped.length) o.phpNote = `PHP drops ${dropped.join(' and ')} when it reads this`;
}
