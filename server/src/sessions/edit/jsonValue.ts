// JSON text → a PHP value, reading the canonical JSON forms back: {"__class": …} is an object,
// {"__enum": "Class::Case"} an enum case, {"__binary": base64} a byte string, "NAN"/"INF" stay
// strings (they are strings in JSON). Integers keep every digit (64-bit), JSON objects become
// PHP arrays with PHP's key rules ("5" is the integer key 5).
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { numericStringKey } from '../decodeCommon.ts';
import { encodeUtf8, type PhpArrayEntry, type PhpProperty, type PhpValue } from '../phpValue.ts';

export class JsonValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonValueError';
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function number(raw: string): PhpValue {
  if (/^-?\d+$/.test(raw)) {
    const v = BigInt(raw);
    // Past the 64-bit range PHP's json_decode gives a float, and so does this.
    if (v >= INT64_MIN && v <= INT64_MAX) return { kind: 'int', value: v };
  }
  return { kind: 'float', value: Number(raw) };
}

function member(node: Node, key: string): Node | undefined {
  return node.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
}

function convert(node: Node, text: string, depth: number): PhpValue {
  if (depth > 512) throw new JsonValueError('The JSON value is nested more than 512 levels');
  switch (node.type) {
    case 'null':
      return { kind: 'null' };
    case 'boolean':
      return { kind: 'bool', value: node.value as boolean };
    case 'number':
      return number(text.slice(node.offset, node.offset + node.length));
    case 'string':
      return { kind: 'string', bytes: encodeUtf8(node.value as string) };
    case 'array':
      return {
        kind: 'array',
        entries: (node.children ?? []).map((c, i) => ({ key: BigInt(i), value: convert(c, text, depth + 1) })),
      };
    case 'object':
      return object(node, text, depth);
    default:
      throw new JsonValueError(`Unexpected JSON ${node.type}`);
  }
}

function object(node: Node, text: string, depth: number): PhpValue {
  const pairs = (node.children ?? []).map((p) => [p.children![0]!.value as string, p.children![1]!] as const);
  const only = pairs.length === 1 ? pairs[0]![0] : null;
  if (only === '__enum') {
    const v = member(node, '__enum')!.value;
    const m =
      typeof v === 'string' ? /^\\?([A-Za-z_\x80-\uffff][\w\\\x80-\uffff]*)::([A-Za-z_\x80-\uffff]\w*)$/.exec(v) : null;
    if (!m) throw new JsonValueError(`"__enum" must be "Class::Case", got ${JSON.stringify(v)}`);
    return { kind: 'enum', className: m[1]!, caseName: m[2]! };
  }
  if (only === '__binary') {
    const v = member(node, '__binary')!.value;
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v))
      throw new JsonValueError('"__binary" must be a base64 string');
    return { kind: 'string', bytes: new Uint8Array(Buffer.from(v, 'base64')) };
  }
  if (pairs[0]?.[0] === '__class') {
    const className = member(node, '__class')!.value;
    if (typeof className !== 'string' || !/^[A-Za-z_\x80-\uffff][\w\\\x80-\uffff]*$/.test(className))
      throw new JsonValueError(`"__class" must be a class name, got ${JSON.stringify(className)}`);
    if (pairs.length === 2 && pairs[1]![0] === '__serialized') {
      const payload = convert(pairs[1]![1], text, depth + 1);
      if (payload.kind !== 'string') throw new JsonValueError('"__serialized" must be a string');
      return { kind: 'custom', className, payload: payload.bytes };
    }
    const properties: PhpProperty[] = [];
    for (const [name, value] of pairs.slice(1)) {
      if (properties.some((p) => p.name === name)) throw new JsonValueError(`Property "${name}" is given twice`);
      properties.push({ name, visibility: 'public', value: convert(value, text, depth + 1) });
    }
    return { kind: 'object', className, properties };
  }
  const entries: PhpArrayEntry[] = [];
  for (const [k, value] of pairs) {
    const bytes = encodeUtf8(k);
    const key = numericStringKey(bytes, 0, bytes.length) ?? k;
    const v = convert(value, text, depth + 1);
    const existing = entries.find((e) => e.key === key);
    if (existing)
      existing.value = v; // PHP: the later duplicate wins, in the first one's place
    else entries.push({ key, value: v });
  }
  return { kind: 'array', entries };
}

/** Parses strict JSON into a PHP value. Throws JsonValueError with the reason. */
export function phpValueFromJson(text: string): PhpValue {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const e = errors[0];
    throw new JsonValueError(e ? `Invalid JSON: ${printParseErrorCode(e.error)} at offset ${e.offset}` : 'Empty JSON');
  }
  return convert(root, text, 0);
}
