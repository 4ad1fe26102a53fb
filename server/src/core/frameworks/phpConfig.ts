// A Laravel config file (`config/session.php`, `database.php`, `cache.php`): `return [ 'key' =>
// expr, … ];` read into a tree with source offsets. Only what those files are made of is
// understood — literals, arrays, `env('NAME', default)`, `.` concatenation, `(int)` casts and
// `Str::slug()`; anything else is kept as an opaque expression the linter does not judge.

export type PhpExpr =
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'number'; value: number; start: number; end: number }
  | { kind: 'bool'; value: boolean; start: number; end: number }
  | { kind: 'null'; start: number; end: number }
  | { kind: 'env'; name: string; nameStart: number; nameEnd: number; fallback?: PhpExpr; start: number; end: number }
  | { kind: 'array'; entries: PhpArrayEntry[]; start: number; end: number }
  | { kind: 'concat'; parts: PhpExpr[]; start: number; end: number }
  | { kind: 'cast'; to: 'int' | 'string' | 'bool'; expr: PhpExpr; start: number; end: number }
  | { kind: 'call'; name: string; args: PhpExpr[]; start: number; end: number }
  | { kind: 'other'; start: number; end: number };

export interface PhpArrayEntry {
  key?: string;
  keyStart?: number;
  keyEnd?: number;
  value: PhpExpr;
}

interface Token {
  t: 'str' | 'num' | 'id' | 'var' | 'p';
  v: string;
  start: number;
  end: number;
}

function unescapeSingle(s: string): string {
  return s.replace(/\\([\\'])/g, '$1');
}

const DOUBLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  v: '\v',
  f: '\f',
  e: '\x1b',
  '\\': '\\',
  $: '$',
  '"': '"',
};

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = text.indexOf('<?php');
  i = i < 0 ? 0 : i + 5;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== "'") j += text[j] === '\\' ? 2 : 1;
      out.push({ t: 'str', v: unescapeSingle(text.slice(i + 1, j)), start: i, end: j + 1 });
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let interpolated = false;
      while (j < n && text[j] !== '"') {
        if (text[j] === '$' || text[j] === '{') interpolated = true;
        j += text[j] === '\\' ? 2 : 1;
      }
      const body = text.slice(i + 1, j).replace(/\\(.)/g, (m, e: string) => DOUBLE_ESCAPES[e] ?? m);
      out.push({ t: interpolated ? 'var' : 'str', v: body, start: i, end: j + 1 });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9_]*(\.[0-9]+)?/.exec(text.slice(i))!;
      out.push({ t: 'num', v: m[0].replace(/_/g, ''), start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_\\]/.test(c)) {
      const m = /^[A-Za-z_\\][A-Za-z0-9_\\]*(::[A-Za-z_][A-Za-z0-9_]*)?/.exec(text.slice(i))!;
      out.push({ t: 'id', v: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(text.slice(i))!;
      out.push({ t: 'var', v: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      const p = ['=>', '??', '?:', '::', '->'].includes(two) ? two : c;
      out.push({ t: 'p', v: p, start: i, end: i + p.length });
      i += p.length;
    }
  }
  return out;
}

class Parser {
  pos = 0;
  constructor(private readonly toks: Token[]) {}

  peek(o = 0): Token | undefined {
    return this.toks[this.pos + o];
  }

  isP(v: string, o = 0): boolean {
    const t = this.peek(o);
    return t?.t === 'p' && t.v === v;
  }

  /** Skips a balanced run up to (not including) `,` `]` `)` `;` at depth 0. */
  skipOther(start: number): PhpExpr {
    let depth = 0;
    let end = start;
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.t === 'p' && depth === 0 && [',', ']', ')', ';'].includes(t.v)) break;
      if (t.t === 'p' && ['(', '[', '{'].includes(t.v)) depth++;
      if (t.t === 'p' && [')', ']', '}'].includes(t.v)) depth--;
      end = t.end;
      this.pos++;
    }
    return { kind: 'other', start, end };
  }

  args(): PhpExpr[] {
    const args: PhpExpr[] = [];
    this.pos++; // (
    while (this.peek() && !this.isP(')')) {
      args.push(this.expr());
      if (this.isP(',')) this.pos++;
      else break;
    }
    if (this.isP(')')) this.pos++;
    return args;
  }

  primary(): PhpExpr {
    const t = this.peek();
    if (!t) return { kind: 'other', start: 0, end: 0 };
    if (t.t === 'str') {
      this.pos++;
      return { kind: 'string', value: t.v, start: t.start, end: t.end };
    }
    if (t.t === 'num') {
      this.pos++;
      return { kind: 'number', value: Number(t.v), start: t.start, end: t.end };
    }
    if (t.t === 'p' && t.v === '[') return this.array(']');
    if (t.t === 'p' && t.v === '(' && this.peek(1)?.t === 'id' && this.isP(')', 2)) {
      const to = this.peek(1)!.v.toLowerCase();
      const cast =
        to === 'int' || to === 'integer' ? 'int' : to === 'string' ? 'string' : to === 'bool' ? 'bool' : undefined;
      if (cast) {
        this.pos += 3;
        const expr = this.primary();
        return { kind: 'cast', to: cast, expr, start: t.start, end: expr.end };
      }
    }
    if (t.t === 'id') {
      const lower = t.v.toLowerCase();
      if (lower === 'true' || lower === 'false') {
        this.pos++;
        return { kind: 'bool', value: lower === 'true', start: t.start, end: t.end };
      }
      if (lower === 'null') {
        this.pos++;
        return { kind: 'null', start: t.start, end: t.end };
      }
      if (lower === 'array' && this.isP('(', 1)) {
        this.pos++;
        return this.array(')');
      }
      if (this.isP('(', 1)) {
        this.pos++;
        const args = this.args();
        const end = this.toks[this.pos - 1]!.end;
        const name = t.v.replace(/^\\/, '');
        const first = args[0];
        if (name === 'env' && first?.kind === 'string') {
          return {
            kind: 'env',
            name: first.value,
            nameStart: first.start + 1,
            nameEnd: first.end - 1,
            ...(args[1] ? { fallback: args[1] } : {}),
            start: t.start,
            end,
          };
        }
        return { kind: 'call', name, args, start: t.start, end };
      }
    }
    return this.skipOther(t.start);
  }

  expr(): PhpExpr {
    const start = this.peek()?.start ?? 0;
    const first = this.primary();
    if (first.kind === 'other') return first;
    const parts: PhpExpr[] = [first];
    while (this.isP('.')) {
      this.pos++;
      parts.push(this.primary());
    }
    const t = this.peek();
    if (t && !(t.t === 'p' && [',', ']', ')', ';', '=>'].includes(t.v))) {
      // An operator we do not model (?:, ??, a ternary…): the whole expression is opaque.
      const rest = this.skipOther(start);
      return { kind: 'other', start, end: rest.end };
    }
    return parts.length === 1 ? first : { kind: 'concat', parts, start, end: parts[parts.length - 1]!.end };
  }

  array(close: ']' | ')'): PhpExpr {
    const open = this.peek()!;
    this.pos++;
    const entries: PhpArrayEntry[] = [];
    while (this.peek() && !this.isP(close)) {
      const k = this.peek()!;
      if (k.t === 'str' && this.isP('=>', 1)) {
        this.pos += 2;
        entries.push({ key: k.v, keyStart: k.start + 1, keyEnd: k.end - 1, value: this.expr() });
      } else {
        const value = this.expr();
        if (this.isP('=>')) {
          this.pos++;
          entries.push({ value: this.expr() });
        } else entries.push({ value });
      }
      if (!this.isP(',') && !this.isP(close)) this.skipOther(this.peek()?.start ?? 0);
      if (this.isP(',')) this.pos++;
      if (this.isP(';')) break;
    }
    const end = this.peek()?.end ?? open.end;
    if (this.isP(close)) this.pos++;
    return { kind: 'array', entries, start: open.start, end };
  }
}

/** The array a config file returns, or undefined when it returns something else. Never throws. */
export function parsePhpConfig(text: string): PhpExpr | undefined {
  const toks = tokenize(text);
  const at = toks.findIndex((t) => t.t === 'id' && t.v.toLowerCase() === 'return');
  if (at < 0) return undefined;
  const p = new Parser(toks);
  p.pos = at + 1;
  const e = p.expr();
  return e.kind === 'array' ? e : undefined;
}

/** The entry at a dotted path (`redis.options.prefix`). */
export function entryAt(root: PhpExpr | undefined, path: string): PhpArrayEntry | undefined {
  let node = root;
  let found: PhpArrayEntry | undefined;
  for (const key of path.split('.')) {
    if (node?.kind !== 'array') return undefined;
    found = node.entries.find((e) => e.key === key);
    node = found?.value;
  }
  return found;
}

/**
 * Laravel's Str::slug: transliterate to ASCII, flip separators, `@` → at, drop the rest, squeeze,
 * trim. Transliteration here only strips accents (é → e); a title that needs more (Cyrillic, ß…)
 * gives undefined rather than a guess.
 */
export function strSlug(title: string, separator = '-'): string | undefined {
  title = title.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(title)) return undefined;
  const flip = separator === '-' ? '_' : '-';
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  let s = title.replace(new RegExp(`[${esc(flip)}]+`, 'g'), separator);
  s = s.replace(/@/g, `${separator}at${separator}`);
  s = s.toLowerCase().replace(new RegExp(`[^${esc(separator)}\\p{L}\\p{N}\\s]+`, 'gu'), '');
  s = s.replace(new RegExp(`[${esc(separator)}\\s]+`, 'gu'), separator);
  return s.replace(new RegExp(`^${esc(separator)}+|${esc(separator)}+$`, 'g'), '');
}

export type PhpScalar = string | number | boolean | null;

/**
 * The value of an expression given the environment (Laravel's env(): the helper's conversions are
 * the caller's), or undefined when it depends on something not modelled.
 */
export function evaluate(e: PhpExpr | undefined, env: (name: string) => PhpScalar | undefined): PhpScalar | undefined {
  if (!e) return undefined;
  switch (e.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return e.value;
    case 'null':
      return null;
    case 'env': {
      const v = env(e.name);
      if (v !== undefined) return v;
      return e.fallback ? evaluate(e.fallback, env) : null;
    }
    case 'concat': {
      let s = '';
      for (const p of e.parts) {
        const v = evaluate(p, env);
        if (v === undefined) return undefined;
        s += v === null || v === false ? '' : v === true ? '1' : String(v);
      }
      return s;
    }
    case 'cast': {
      const v = evaluate(e.expr, env);
      if (v === undefined) return undefined;
      if (e.to === 'string') return v === null || v === false ? '' : v === true ? '1' : String(v);
      if (e.to === 'bool') return !(v === null || v === false || v === '' || v === '0' || v === 0);
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (v === null) return 0;
      const m = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(v);
      return m ? Math.trunc(Number(m[0])) : 0;
    }
    case 'call': {
      if (/^(Illuminate\\Support\\)?Str::slug$/.test(e.name)) {
        const title = evaluate(e.args[0], env);
        const sep = e.args[1] ? evaluate(e.args[1], env) : '-';
        if (title === undefined || typeof sep !== 'string') return undefined;
        return strSlug(title === null ? '' : String(title), sep);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
