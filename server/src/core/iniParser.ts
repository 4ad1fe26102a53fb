// PHP's ini grammar (Zend/zend_ini_parser.y of PHP 8.2) over the tokens of iniScanner.ts: statements
// (`name = value`, `name[offset] = value`, `[section]`, a bare name), values as PHP computes them
// (quoted and unquoted parts concatenated, constants, `| & ^ ~ !` and parentheses evaluated like
// zend_ini_do_op), `${VAR}` kept as written (its value is only known where PHP runs), and the first
// syntax error, where PHP stops reading the file. Offsets are offsets into the parsed text.
import { iniConstant } from './iniConstants.ts';
import { IniScanner, type Token } from './iniScanner.ts';
import type { Span } from './span.ts';

export type Quote = 'none' | 'single' | 'double' | 'mixed';

export interface EnvRef {
  name: string;
  /** `${VAR:-default}` (PHP ≥ 8.3; PHP 8.2 reads "VAR:-default" as the variable name). */
  fallback?: string;
  /** Source span of `${…}`. */
  span: Span;
  /** Where `${…}` lies in the value's text. */
  textStart: number;
  textEnd: number;
}

export interface ParsedValue {
  quote: Quote;
  /** What PHP keeps: parts concatenated, constants replaced, an expression's result; `${…}` as written. */
  text: string;
  /** offsets[i] = source offset of text unit i; offsets[text.length] = the end of the value. */
  offsets: number[];
  /** The value as written: quotes included, the comment and the line end excluded. */
  span: Span;
  /** `${VAR}` that PHP expands. */
  env: EnvRef[];
  /** `${VAR}` inside single quotes: kept literally by PHP. */
  literalEnv: EnvRef[];
  /** An operator was evaluated: `text` is the expression's result. */
  expr: boolean;
  /** The keyword as written when the value is on/off/yes/no/true/false/none/null (text is "1" or ""). */
  keyword?: string;
  /** Depends on the machine PHP runs on (a PHP_* constant, a `${VAR}` inside an expression). */
  dynamic: boolean;
}

export type StatementKind = 'entry' | 'offset' | 'bare' | 'section';

export interface IniStatement {
  kind: StatementKind;
  /** The label (entry, offset, bare) or the section's name. */
  name: string;
  nameSpan: Span;
  /** `name[offset]`: the offset as PHP computes it (`${VAR}` as written, see offsetEnv). */
  offset?: string;
  offsetSpan?: Span;
  offsetEnv?: EnvRef[];
  /** `[${VAR}]`: the section name's `${VAR}` (kept as written in `name`). */
  nameEnv?: EnvRef[];
  value?: ParsedValue;
  /** From the statement's first character to the end of its value. */
  span: Span;
}

export interface IniSyntaxError {
  /** PHP's own wording, e.g. "syntax error, unexpected '='". */
  message: string;
  /** The token PHP could not accept, and its kind (END: the end of the file, or of the buffer at an unclosed quote). */
  span: Span;
  tokenType: Token['type'];
  /** The statement PHP was reading when it failed (it may already have been applied). */
  statementStart: number;
}

export interface IniParse {
  statements: IniStatement[];
  /** The first syntax error: PHP prints it and reads nothing after it. */
  error?: IniSyntaxError;
  /** Where the scanner hit the end of its buffer early (an unclosed quote): nothing after is read. */
  stoppedAt?: number;
}

interface Operand {
  text: string;
  units: number[];
  /** Where the operand ends in the source (after a closing quote). */
  end: number;
  /** Where its last unit ends (before a closing quote). */
  contentEnd: number;
  /** The quoting of its parts: QUOTED_* bits. */
  quotes: number;
  env: EnvRef[];
  literalEnv: EnvRef[];
  dynamic: boolean;
}

const QUOTED_NONE = 1;
const QUOTED_SINGLE = 2;
const QUOTED_DOUBLE = 4;

/** The quoting of a value from the quoting of its parts. */
function quoteOf(bits: number): Quote {
  switch (bits) {
    case 0:
    case QUOTED_NONE:
      return 'none';
    case QUOTED_SINGLE:
      return 'single';
    case QUOTED_DOUBLE:
      return 'double';
    default:
      return 'mixed';
  }
}

const TOKEN_NAMES: Record<string, string> = {
  SECTION: 'TC_SECTION',
  OFFSET: 'TC_OFFSET',
  LABEL: 'TC_LABEL',
  RAW: 'TC_RAW',
  CONSTANT: 'TC_CONSTANT',
  NUMBER: 'TC_NUMBER',
  STRING: 'TC_STRING',
  WHITESPACE: 'TC_WHITESPACE',
  DOLLAR_CURLY: 'TC_DOLLAR_CURLY',
  VARNAME: 'TC_VARNAME',
  QUOTED: 'TC_QUOTED_STRING',
  TRUE: 'BOOL_TRUE',
  FALSE: 'BOOL_FALSE',
  NULL: 'NULL_NULL',
  EOL: 'END_OF_LINE',
  END: 'end of file',
};

function tokenName(t: Token): string {
  return t.type === 'CHAR' ? `'${t.value}'` : TOKEN_NAMES[t.type]!;
}

class SyntaxError {
  constructor(
    readonly token: Token,
    readonly expecting?: string,
  ) {}
}

/** C atoi() as get_int_val() uses it: blanks, a sign, digits; the long truncated to a C int. */
export function cAtoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (!m) return 0;
  let v = BigInt(m[1]!);
  const max = 2n ** 63n - 1n;
  if (v > max) v = max;
  if (v < -max - 1n) v = -max - 1n;
  return Number(BigInt.asIntN(32, v));
}

function operate(op: string, a: number, b: number): number {
  switch (op) {
    case '|':
      return a | b;
    case '&':
      return a & b;
    case '^':
      return a ^ b;
    case '~':
      return ~a;
    default:
      return a ? 0 : 1; // '!'
  }
}

/** `${…}` written inside single quotes (PHP keeps them as text). */
function literalEnvRefs(raw: string, units: number[], base: number, end: number): EnvRef[] {
  const refs: EnvRef[] = [];
  let from = 0;
  for (;;) {
    const at = raw.indexOf('${', from);
    if (at < 0) return refs;
    const close = raw.indexOf('}', at + 2);
    const stop = close < 0 ? raw.length : close + 1;
    refs.push({
      name: raw.slice(at + 2, close < 0 ? raw.length : close).trim(),
      span: { start: units[at]!, end: stop < raw.length ? units[stop]! : end },
      textStart: base + at,
      textEnd: base + stop,
    });
    if (close < 0) return refs;
    from = close + 1;
  }
}

export class IniParser {
  private readonly scanner: IniScanner;
  private tok: Token;
  private readonly statements: IniStatement[] = [];
  private stoppedAt: number | undefined;

  constructor(private readonly text: string) {
    this.scanner = new IniScanner(text);
    this.tok = this.scanner.next();
  }

  private advance(): void {
    this.tok = this.scanner.next();
  }

  private is(type: Token['type'], char?: string): boolean {
    return this.tok.type === type && (char === undefined || this.tok.value === char);
  }

  parse(): IniParse {
    let statementStart = this.tok.start;
    try {
      for (;;) {
        statementStart = this.tok.start;
        const t = this.tok;
        switch (t.type) {
          case 'END':
            if (t.start < this.text.length) this.stoppedAt = t.start;
            return {
              statements: this.statements,
              ...(this.stoppedAt !== undefined ? { stoppedAt: this.stoppedAt } : {}),
            };
          case 'EOL':
            this.advance();
            break;
          case 'SECTION':
            this.section(t);
            break;
          case 'LABEL':
            this.label(t);
            break;
          case 'OFFSET':
            this.offsetEntry(t);
            break;
          default:
            throw new SyntaxError(t);
        }
      }
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      const t = e.token;
      const message = `syntax error, unexpected ${tokenName(t)}${e.expecting ? `, expecting ${e.expecting}` : ''}`;
      const span = { start: t.start, end: Math.max(t.end, t.start + (t.start < this.text.length ? 1 : 0)) };
      return { statements: this.statements, error: { message, span, tokenType: t.type, statementStart } };
    }
  }

  private section(t: Token): void {
    this.advance();
    const parts = this.stringList(false);
    if (!this.is('CHAR', ']')) throw new SyntaxError(this.tok);
    const start = parts ? (parts.units[0] ?? t.end) : t.end;
    const nameSpan = { start, end: parts ? parts.end : t.end };
    this.statements.push({
      kind: 'section',
      name: parts?.text ?? '',
      nameSpan,
      ...(parts?.env.length ? { nameEnv: parts.env } : {}),
      span: { start: t.start, end: this.tok.start + 1 },
    });
    this.advance();
  }

  private label(t: Token): void {
    this.advance();
    const nameSpan = { start: t.valueStart, end: t.valueEnd };
    if (!this.is('CHAR', '=')) {
      this.statements.push({ kind: 'bare', name: t.value, nameSpan, span: nameSpan });
      return;
    }
    const eq = this.tok;
    this.advance();
    const value = this.stringOrValue(eq.end);
    this.statements.push({
      kind: 'entry',
      name: t.value,
      nameSpan,
      value,
      span: { start: nameSpan.start, end: value.span.end },
    });
  }

  private offsetEntry(t: Token): void {
    this.advance();
    const offset = this.stringList(true);
    if (!this.is('CHAR', ']')) throw new SyntaxError(this.tok);
    this.advance();
    if (!this.is('CHAR', '=')) throw new SyntaxError(this.tok, "'='");
    const eq = this.tok;
    this.advance();
    const value = this.stringOrValue(eq.end);
    const nameSpan = { start: t.valueStart, end: t.valueEnd };
    const offsetStart = offset?.units[0] ?? t.end;
    this.statements.push({
      kind: 'offset',
      name: t.value,
      nameSpan,
      offset: offset?.text ?? '',
      offsetSpan: { start: offsetStart, end: offset ? offset.end : t.end },
      offsetEnv: offset?.env ?? [],
      value,
      span: { start: nameSpan.start, end: value.span.end },
    });
  }

  /** string_or_value: a keyword, an empty value (END_OF_LINE), or an expression. */
  private stringOrValue(after: number): ParsedValue {
    const t = this.tok;
    if (t.type === 'TRUE' || t.type === 'FALSE' || t.type === 'NULL') {
      this.advance();
      const word = this.text.slice(t.start, t.end).trimEnd();
      const end = t.start + word.length;
      return {
        quote: 'none',
        text: t.value,
        offsets: [...t.value].map(() => t.start).concat([end]),
        span: { start: t.start, end },
        env: [],
        literalEnv: [],
        expr: false,
        keyword: word,
        dynamic: false,
      };
    }
    if (t.type === 'EOL') {
      this.advance();
      return emptyValue(after);
    }
    const start = t.type === 'CHAR' && t.value === '"' ? t.end - 1 : t.start;
    const { operand, expr } = this.expr();
    return {
      quote: quoteOf(operand.quotes),
      text: operand.text,
      // (the operand ends here: its units become the offsets)
      offsets: pushed(operand.units, operand.contentEnd),
      span: { start, end: operand.end },
      env: operand.env,
      literalEnv: operand.literalEnv,
      expr,
      dynamic: operand.dynamic,
    };
  }

  private expr(): { operand: Operand; expr: boolean } {
    let { operand: left, expr } = this.unary();
    while (this.tok.type === 'CHAR' && '|&^'.includes(this.tok.value)) {
      const op = this.tok.value;
      this.advance();
      const right = this.unary().operand;
      left = this.operate(op, left, right);
      expr = true;
    }
    return { operand: left, expr };
  }

  private unary(): { operand: Operand; expr: boolean } {
    const t = this.tok;
    if (t.type === 'CHAR' && (t.value === '~' || t.value === '!')) {
      this.advance();
      const v = this.unary().operand;
      return { operand: this.operate(t.value, v), expr: true };
    }
    if (t.type === 'CHAR' && t.value === '(') {
      this.advance();
      const inner = this.expr();
      if (!this.is('CHAR', ')')) throw new SyntaxError(this.tok);
      const end = this.tok.start + 1;
      this.advance();
      // Parentheses alone change nothing: only an operator computes a new value.
      return {
        operand: { ...inner.operand, end, ...(inner.expr ? { contentEnd: end } : {}) },
        expr: inner.expr,
      };
    }
    const list = this.stringList(true);
    if (!list) throw new SyntaxError(t);
    return { operand: list, expr: false };
  }

  private operate(op: string, a: Operand, b?: Operand): Operand {
    const value = String(operate(op, cAtoi(a.text), b ? cAtoi(b.text) : 0));
    const first = a.units[0] ?? a.end;
    const end = b ? b.end : a.end;
    return {
      text: value,
      units: [...value].map(() => first),
      end,
      contentEnd: end,
      quotes: a.quotes | (b?.quotes ?? 0),
      env: [],
      literalEnv: [],
      dynamic: a.dynamic || (b?.dynamic ?? false) || a.env.length > 0 || (b?.env.length ?? 0) > 0,
    };
  }

  /**
   * var_string_list (values, offsets: constants replaced) or var_string_list_section (sections:
   * constants kept): parts written one after the other. Undefined when there is none.
   */
  private stringList(lookupConstants: boolean): Operand | undefined {
    const o: Operand = {
      text: '',
      units: [],
      end: this.tok.start,
      contentEnd: this.tok.start,
      quotes: 0,
      env: [],
      literalEnv: [],
      dynamic: false,
    };
    let any = false;
    for (;;) {
      const t = this.tok;
      if (t.type === 'DOLLAR_CURLY') {
        this.envRef(o);
        o.quotes |= QUOTED_NONE;
      } else if (t.type === 'CHAR' && t.value === '"') {
        this.quoted(o);
      } else if (
        t.type === 'RAW' ||
        t.type === 'CONSTANT' ||
        t.type === 'NUMBER' ||
        t.type === 'STRING' ||
        t.type === 'WHITESPACE'
      ) {
        this.advance();
        let value = t.value;
        let slice = true;
        if (t.type === 'CONSTANT' && lookupConstants) {
          const c = iniConstant(t.value);
          if (c.kind === 'fixed') {
            value = c.value;
            slice = false;
          } else if (c.kind === 'machine') o.dynamic = true;
        }
        const base = o.text.length;
        o.text += value;
        if (slice) for (let i = t.valueStart; i < t.valueEnd; i++) o.units.push(i);
        else for (let i = 0; i < value.length; i++) o.units.push(t.start);
        o.end = t.valueEnd;
        o.contentEnd = t.valueEnd;
        if (t.type === 'RAW') {
          o.quotes |= QUOTED_SINGLE;
          o.end = t.end;
          o.literalEnv.push(...literalEnvRefs(value, o.units.slice(base), base, t.valueEnd));
        } else if (t.type !== 'WHITESPACE') o.quotes |= QUOTED_NONE;
      } else break;
      any = true;
    }
    return any ? o : undefined;
  }

  /** `${VAR}`: kept as written in the text; its name recorded. */
  private envRef(o: Operand, inQuotes = false): void {
    const open = this.tok;
    this.advance();
    const name = this.tok;
    if (name.type !== 'VARNAME') throw new SyntaxError(name, 'TC_VARNAME');
    this.advance();
    if (!this.is('CHAR', '}')) throw new SyntaxError(this.tok, "'}'");
    const end = this.tok.end;
    this.advance();
    const written = this.text.slice(open.start, end);
    const base = o.text.length;
    o.text += written;
    for (let i = open.start; i < end; i++) o.units.push(i);
    o.end = end;
    o.contentEnd = end;
    const fb = name.value.indexOf(':-');
    o.env.push({
      name: fb < 0 ? name.value : name.value.slice(0, fb),
      ...(fb < 0 ? {} : { fallback: name.value.slice(fb + 2) }),
      span: { start: open.start, end },
      textStart: base,
      textEnd: base + written.length,
    });
    if (inQuotes) o.quotes |= QUOTED_DOUBLE;
  }

  /** `"…"`: quoted strings and `${VAR}` up to the closing quote. */
  private quoted(o: Operand): void {
    this.advance();
    o.quotes |= QUOTED_DOUBLE;
    for (;;) {
      const t = this.tok;
      if (t.type === 'QUOTED') {
        o.text += t.value;
        o.units.push(...t.units!);
        o.end = t.end;
        o.contentEnd = t.end;
        this.advance();
      } else if (t.type === 'DOLLAR_CURLY') {
        this.envRef(o, true);
      } else if (t.type === 'CHAR' && t.value === '"') {
        o.contentEnd = t.start;
        o.end = t.start + 1;
        this.advance();
        return;
      } else throw new SyntaxError(t, "TC_DOLLAR_CURLY or TC_QUOTED_STRING or '\"'");
    }
  }
}

function pushed(xs: number[], x: number): number[] {
  xs.push(x);
  return xs;
}

function emptyValue(at: number): ParsedValue {
  return {
    quote: 'none',
    text: '',
    offsets: [at],
    span: { start: at, end: at },
    env: [],
    literalEnv: [],
    expr: false,
    dynamic: false,
  };
}

/** Parses a whole ini text as PHP does. */
export function parseIni(text: string): IniParse {
  return new IniParser(text).parse();
}
