// The canonical JSON of a decoded PHP value or session: what "Copy as JSON", the CLI's
// --json and the open-session view print. Scalars follow PHP's own json_encode with
// JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION and the default
// serialize_precision=-1, so the output can be checked against real PHP byte for byte.
// Written with an explicit stack: a deep tree must not overflow the JS stack.
import { JsonBytes } from './jsonBytes.ts';
import { SourceString, propertyLabels, type PhpArray, type PhpObject, type PhpValue } from './phpValue.ts';

/** A decoded session as far as JSON is concerned (see sessionFormats.ts). */
export interface CanonicalJsonSession {
  readonly variables: ReadonlyArray<readonly [string, PhpValue]>;
  /**
   * The container the variables are the members of, when the format has one (php_serialize,
   * igbinary, msgpack): a reference back to it is a cycle, as in PHP's own view of $_SESSION.
   */
  readonly root?: PhpArray | PhpObject;
}

/** Shared references can make the output exponentially larger than the input: refuse past this. */
export const MAX_OUTPUT_BYTES = 64_000_000;
/**
 * Shared references are printed in full each time (canonical JSON has no back-references), so a
 * few hundred bytes of nested `R:` can stand for billions of nodes: refuse past this many.
 */
export const MAX_NODES = 2_000_000;
/** Path depth checked by scanning the stack (see isOnPath). */
const SHALLOW = 32;

/**
 * A float as PHP's json_encode prints it: the shortest round-trip digits (zend_dtoa mode 0),
 * exponent form when the decimal exponent is below -4 or above 17 (php_gcvt), and ".0" kept on
 * integral values. NaN/±Infinity are not JSON numbers: canonical JSON prints them as strings.
 */
export function formatPhpFloat(v: number): string {
  // The common case: JavaScript's shortest round-trip digits in plain notation, as PHP prints them
  // there (both switch to exponents only outside this range).
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e15) return Number.isInteger(v) ? `${v}.0` : String(v);
  if (Number.isNaN(v)) return '"NAN"';
  if (!Number.isFinite(v)) return v > 0 ? '"INF"' : '"-INF"';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives the shortest round-trip mantissa, like zend_dtoa mode 0.
  const e = v.toExponential();
  const neg = e.charCodeAt(0) === 0x2d;
  const ePos = e.indexOf('e');
  const digits = e.slice(neg ? 1 : 0, ePos).replace('.', '');
  const decpt = Number(e.slice(ePos + 1)) + 1;
  let out: string;
  if (decpt < 0 ? decpt < -3 : decpt > 17) {
    const x = decpt - 1;
    out = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}e${x < 0 ? '-' : '+'}${Math.abs(x)}`;
  } else if (decpt <= 0) {
    out = `0.${'0'.repeat(-decpt)}${digits}`;
  } else if (digits.length <= decpt) {
    out = `${digits}${'0'.repeat(decpt - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  return neg ? `-${out}` : out;
}

/** A JSON string as json_encode(JSON_UNESCAPED_SLASHES|JSON_UNESCAPED_UNICODE) writes it. */
export function jsonString(s: string): string {
  // JSON.stringify escapes exactly the same set, except U+2028/U+2029 that PHP also escapes.
  const j = JSON.stringify(s);
  return j.includes('\u2028') || j.includes('\u2029')
    ? j.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
    : j;
}

interface Frame {
  /** The array/object being written (for cycle detection), or null for the session root. */
  readonly node: PhpArray | PhpObject | null;
  readonly list: boolean;
  readonly session: CanonicalJsonSession | null;
  /** An object's property labels (see propertyLabels). */
  readonly names: string[] | null;
  i: number;
  readonly n: number;
}

/**
 * Canonical JSON of a value or a whole session (a JSON object of its variables, in order).
 * `indent` works like JSON.stringify's: a number of spaces (max 10) or a string; none = compact.
 */
export function toCanonicalJson(input: PhpValue | CanonicalJsonSession, indent?: number | string): string {
  return writeCanonicalJson(input, indent).toString();
}

/** The same as UTF-8 bytes (what the CLI prints: no string in between). */
export function toCanonicalJsonBytes(input: PhpValue | CanonicalJsonSession, indent?: number | string): Buffer {
  return writeCanonicalJson(input, indent).bytes();
}

function writeCanonicalJson(input: PhpValue | CanonicalJsonSession, indent?: number | string): JsonBytes {
  const unit =
    typeof indent === 'number'
      ? ' '.repeat(Math.max(0, Math.min(10, Math.floor(indent))))
      : (indent ?? '').slice(0, 10);
  const pretty = unit !== '';
  const pads: string[] = [];
  // Spaces, the usual indent, are written without a string per depth.
  const spaces = typeof indent === 'number' || /^ +$/.test(unit) ? unit.length : 0;
  const pad = (depth: number): void => {
    if (spaces) out.newline(depth * spaces);
    else if (unit) out.ascii((pads[depth] ??= '\n' + unit.repeat(depth)));
  };
  /**
   * Whether a container is being written (a cycle): the first SHALLOW frames of the stack are
   * scanned, deeper ones are in a set. Sessions are shallow, and a set entry per container was a
   * tenth of the time of printing small ones; deep nesting stays linear.
   */
  let deep = null as Set<PhpArray | PhpObject> | null;
  const root = 'variables' in input ? input.root : undefined;
  const isOnPath = (v: PhpArray | PhpObject): boolean => {
    if (v === root) return true;
    const n = Math.min(stack.length, SHALLOW);
    for (let i = 0; i < n; i++) if (stack[i]!.node === v) return true;
    return deep !== null && deep.has(v);
  };
  const stack: Frame[] = [];
  const out = new JsonBytes();
  let nodes = 0;

  const key = (k: string): void => {
    out.string(k);
    out.byte(0x3a);
    if (pretty) out.byte(0x20);
  };
  /** `{"name": <value>}` at the current depth (`__enum`, `__binary`, `__recursion`). */
  const small = (name: string, value: () => void): void => {
    const d = stack.length;
    out.ascii('{');
    pad(d + 1);
    key(name);
    value();
    pad(d);
    out.ascii('}');
  };
  const binary = (bytes: Uint8Array): void =>
    small('__binary', () =>
      out.ascii(`"${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}"`),
    );
  const str = (bytes: Uint8Array): void => {
    if (!out.utf8String(bytes, 0, bytes.length)) binary(bytes);
  };

  /** Writes a scalar, or opens a frame for a non-empty container. */
  const write = (value: PhpValue): void => {
    const v = value.kind === 'reference' ? value.target : value;
    switch (v.kind) {
      case 'null':
        out.ascii('null');
        return;
      case 'bool':
        out.ascii(v.value ? 'true' : 'false');
        return;
      case 'int':
        out.integer(v.value);
        return;
      case 'float':
        if (!out.cents(v.value)) out.ascii(formatPhpFloat(v.value));
        return;
      case 'string':
        if (v instanceof SourceString) {
          if (!out.utf8String(v.source, v.start, v.end)) binary(v.bytes);
        } else str(v.bytes);
        return;
      case 'enum':
        small('__enum', () => out.string(`${v.className}::${v.caseName}`));
        return;
      case 'custom': {
        const d = stack.length;
        out.ascii('{');
        pad(d + 1);
        key('__class');
        out.string(v.className);
        out.ascii(',');
        pad(d + 1);
        key('__serialized');
        str(v.payload);
        pad(d);
        out.ascii('}');
        return;
      }
      case 'array':
      case 'object': {
        if (isOnPath(v)) {
          small('__recursion', () => out.ascii('true'));
          return;
        }
        if (v.kind === 'array') {
          const entries = v.entries;
          let list = true;
          for (let i = 0; i < entries.length; i++) {
            const k = entries[i]!.key;
            if (typeof k !== 'bigint' || Number(k) !== i) {
              list = false;
              break;
            }
          }
          if (entries.length === 0) {
            out.ascii('[]');
            return;
          }
          out.ascii(list ? '[' : '{');
          stack.push({ node: v, list, session: null, names: null, i: 0, n: entries.length });
        } else {
          out.ascii('{');
          // One extra member: "__class" comes first.
          stack.push({
            node: v,
            list: false,
            session: null,
            names: propertyLabels(v),
            i: 0,
            n: v.properties.length + 1,
          });
        }
        if (stack.length > SHALLOW) (deep ??= new Set()).add(v);
        return;
      }
    }
  };

  if ('variables' in input) {
    if (input.variables.length === 0) {
      out.ascii('{}');
      return out;
    }
    out.ascii('{');
    stack.push({ node: null, list: false, session: input, names: null, i: 0, n: input.variables.length });
  } else {
    write(input);
  }

  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.i < f.n) {
      const i = f.i++;
      if (i > 0) out.byte(0x2c);
      pad(stack.length);
      let child: PhpValue;
      if (f.session !== null) {
        const [name, value] = f.session.variables[i]!;
        key(name);
        child = value;
      } else if (f.node!.kind === 'array') {
        const entry = f.node!.entries[i]!;
        if (!f.list) {
          if (typeof entry.key === 'bigint') {
            out.ascii('"');
            out.integer(entry.key);
            out.ascii(pretty ? '": ' : '":');
          } else key(entry.key);
        }
        child = entry.value;
      } else if (i === 0) {
        key('__class');
        out.string(f.node!.className);
        continue;
      } else {
        key(f.names![i - 1]!);
        child = (f.node as PhpObject).properties[i - 1]!.value;
      }
      // Strings and integers, most values, without the call.
      if (child instanceof SourceString) {
        if (!out.utf8String(child.source, child.start, child.end)) binary(child.bytes);
      } else if (child.kind === 'int') out.integer(child.value);
      else write(child);
      if (++nodes > MAX_NODES)
        throw new RangeError(
          `Canonical JSON would print more than ${MAX_NODES} values (shared references repeated): refused`,
        );
      if (out.len > MAX_OUTPUT_BYTES) throw new RangeError(`Canonical JSON exceeds ${MAX_OUTPUT_BYTES} bytes`);
    } else {
      stack.pop();
      pad(stack.length);
      out.ascii(f.list ? ']' : '}');
      if (f.node !== null && stack.length >= SHALLOW) deep?.delete(f.node);
    }
  }
  return out;
}
