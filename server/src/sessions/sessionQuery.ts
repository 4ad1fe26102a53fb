// Conditions on a session's decoded contents: `user.id=42`, `cart.*.sku~SKU-9*`, `role!=admin`.
// A path names session variables, then array keys and object properties (visibility stripped, as
// in canonical JSON), `*` standing for any key, `__class` for an object's class; `\` escapes a
// `.`, `*` or operator character. The value at the path is compared:
//  - `=` equal: strings byte for byte, and numbers as PHP 8's `==` compares numbers and numeric
//    strings (42, "42" and 42.0 are equal); `true`, `false`, `null`; an enum as `Class::Case`;
//  - `!=` the negation of `=` (a session without the path is not equal);
//  - `~` on strings, class names and enum cases: a substring, or a glob (`*`, `?`) on the whole
//    string when the pattern has one.
// With `*` in the path, a condition holds when any of the values it reaches satisfies it.
import { decodeUtf8, deref, type PhpValue } from './phpValue.ts';

export type QueryOp = '=' | '!=' | '~';

export interface Condition {
  /** As written, for messages. */
  readonly text: string;
  readonly path: readonly string[];
  readonly op: QueryOp;
  readonly value: string;
}

export class QueryError extends Error {}

/** What a session's variables look like to a query (a DecodedSession). */
export interface QueryableSession {
  readonly variables: ReadonlyArray<readonly [string, PhpValue]>;
}

/** One condition, `path op value`: the first unescaped `!=`, `=` or `~` is the operator. */
export function parseCondition(text: string): Condition {
  const path: string[] = [];
  let seg = '';
  let escaped = false;
  const push = (): void => {
    const t = escaped ? seg : seg.trim();
    if (t === '') throw new QueryError(`"${text}": the path has an empty part (write it as user.id=42)`);
    path.push(t === '*' && !escaped ? WILDCARD : t);
    seg = '';
    escaped = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      seg += text[++i];
      escaped = true;
      continue;
    }
    const op: QueryOp | undefined =
      c === '=' ? '=' : c === '~' ? '~' : c === '!' && text[i + 1] === '=' ? '!=' : undefined;
    if (op) {
      push();
      return { text, path, op, value: text.slice(i + op.length) };
    }
    if (c === '.') push();
    else seg += c;
  }
  throw new QueryError(`"${text}" has no operator: write path=value, path!=value or path~text`);
}

/** Conditions joined by `&&` (the command palette's one-line form of several --where). */
export function parseConditions(text: string): Condition[] {
  const parts = text
    .split('&&')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new QueryError('No condition: write path=value, path!=value or path~text');
  return parts.map(parseCondition);
}

/** A path part that stands for any key (an unescaped `*` alone). */
const WILDCARD = '\u0000*';

/** Class name, or the enum's `Class::Case`: `__class` of an object, an enum compared with `=`. */
type Named = { readonly kind: 'name'; readonly text: string };
type Reached = PhpValue | Named;

function* children(v: PhpValue, seg: string): Generator<Reached> {
  const any = seg === WILDCARD;
  switch (v.kind) {
    case 'array':
      for (const e of v.entries) if (any || String(e.key) === seg) yield deref(e.value);
      break;
    case 'object':
      if (seg === '__class') yield { kind: 'name', text: v.className };
      for (const p of v.properties) if (any || p.name === seg) yield deref(p.value);
      break;
    case 'custom':
      if (seg === '__class') yield { kind: 'name', text: v.className };
      break;
    case 'enum':
      if (seg === '__enum') yield { kind: 'name', text: `${v.className}::${v.caseName}` };
      break;
  }
}

/** Every value the path reaches in the session (several when it has a `*`). */
function* reach(session: QueryableSession, path: readonly string[]): Generator<Reached> {
  const [first, ...rest] = path;
  for (const [name, value] of session.variables) {
    if (first !== WILDCARD && name !== first) continue;
    let level: Reached[] = [deref(value)];
    for (const seg of rest) {
      const next: Reached[] = [];
      for (const v of level) if (v.kind !== 'name') for (const c of children(v, seg)) next.push(c);
      level = next;
    }
    yield* level;
  }
}

const NUMERIC = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/;
const INTEGER = /^[ \t\n\r\v\f]*[+-]?\d+[ \t\n\r\v\f]*$/;

/** PHP 8's `==` between two numeric texts: exact for integers, as doubles otherwise. */
function sameNumber(a: string, b: string): boolean {
  if (INTEGER.test(a) && INTEGER.test(b)) return BigInt(a.trim()) === BigInt(b.trim());
  return Number(a) === Number(b);
}

/** A compiled condition: the test on one reached value, and what the stored bytes must contain. */
interface Test {
  readonly condition: Condition;
  holds(v: Reached): boolean;
  /** Bytes any matching session's (decompressed) value contains, when that is certain. */
  readonly needle?: Buffer;
}

function equalTest(c: Condition): Test {
  const q = c.value;
  const qBytes = Buffer.from(q, 'utf8');
  const numeric = NUMERIC.test(q);
  const holds = (v: Reached): boolean => {
    switch (v.kind) {
      case 'string': {
        if (Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength).equals(qBytes)) return true;
        if (!numeric || v.bytes.length > 64) return false;
        const s = decodeUtf8(v.bytes);
        return NUMERIC.test(s) && sameNumber(s, q);
      }
      case 'int':
        return numeric && sameNumber(v.value.toString(), q);
      case 'float':
        if (Number.isNaN(v.value)) return q === 'NAN';
        if (!Number.isFinite(v.value)) return q === (v.value > 0 ? 'INF' : '-INF');
        return numeric && Number(q) === v.value;
      case 'bool':
        return q === String(v.value);
      case 'null':
        return q === 'null';
      case 'enum':
        return q === `${v.className}::${v.caseName}`;
      case 'name':
        return q === v.text;
      default:
        return false;
    }
  };
  // Only a string (or a class name) equal to the text can match a text that is not a number nor
  // a constant, and every session format stores strings and class names as their bytes. (An enum
  // is stored as `Class:Case`, with one colon.)
  const literal = !numeric && !['true', 'false', 'null', 'NAN', 'INF', '-INF'].includes(q) && !q.includes('::');
  return { condition: c, holds, ...(literal && qBytes.length ? { needle: qBytes } : {}) };
}

function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) re += glob[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '*') re += '[^]*';
    else if (c === '?') re += '[^]';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

function likeTest(c: Condition): Test {
  const glob = /(^|[^\\])[*?]/.test(c.value);
  const text = (v: Reached): string | undefined =>
    v.kind === 'string'
      ? decodeUtf8(v.bytes)
      : v.kind === 'name'
        ? v.text
        : v.kind === 'enum'
          ? `${v.className}::${v.caseName}`
          : undefined;
  let holds: (v: Reached) => boolean;
  let literal: string;
  if (glob) {
    const re = globRegExp(c.value);
    holds = (v) => {
      const s = text(v);
      return s !== undefined && re.test(s);
    };
    // The longest run without wildcards must be in the bytes.
    literal = c.value
      .split(/(?<!\\)[*?]/)
      .map((p) => p.replace(/\\(.)/g, '$1'))
      .reduce((a, b) => (b.length > a.length ? b : a), '');
  } else {
    const needle = Buffer.from(c.value, 'utf8');
    holds = (v) => {
      if (v.kind === 'string')
        return Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength).includes(needle);
      const s = text(v);
      return s !== undefined && s.includes(c.value);
    };
    literal = c.value;
  }
  const bytes = Buffer.from(literal, 'utf8');
  return { condition: c, holds, ...(bytes.length && !literal.includes('::') ? { needle: bytes } : {}) };
}

const ESCAPED_STRING = Buffer.from('S:');

/** Conditions, compiled once for a whole search. */
export class SessionQuery {
  private readonly tests: Test[];

  constructor(readonly conditions: readonly Condition[]) {
    this.tests = conditions.map((c) => (c.op === '~' ? likeTest(c) : equalTest(c)));
  }

  /**
   * False when the stored (decompressed) bytes cannot hold a match, so the session need not be
   * decoded: an `=` or `~` condition's text is missing from them. True means "decode and see".
   */
  mayMatch(payload: Uint8Array): boolean {
    const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    // serialize()'s escaped strings (`S:`, read by unserialize(), never written by PHP 7+) do not
    // hold their text as is.
    if (b.includes(ESCAPED_STRING)) return true;
    for (const t of this.tests) if (t.condition.op !== '!=' && t.needle && !b.includes(t.needle)) return false;
    return true;
  }

  /** True when every condition holds for the decoded session. */
  matches(session: QueryableSession): boolean {
    for (const t of this.tests) {
      let any = false;
      for (const v of reach(session, t.condition.path)) {
        if (t.holds(v)) {
          any = true;
          break;
        }
      }
      if (any === (t.condition.op === '!=')) return false;
    }
    return true;
  }
}
