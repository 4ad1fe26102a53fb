// A `.env` file read the way Laravel reads it: vlucas/phpdotenv 5's parser (Dotenv\Parser\Lines,
// EntryParser, Lexer) and loader (Dotenv\Loader\Resolver), ported step by step so that every entry
// keeps its source offsets. A file phpdotenv rejects stops the whole application ("The environment
// file is invalid!"), so its first error is what the linter reports. Symfony's Dotenv component
// reads the same simple `NAME=value` lines alike; its extra syntax (`$(cmd)`, `${A:-b}`) is not
// interpreted here.

export interface DotenvEntry {
  name: string;
  /** Document offsets of the name (after `export `, inside quotes when quoted). */
  nameStart: number;
  nameEnd: number;
  /** The value after `=` as written, trimmed (quotes and trailing comment included); absent for a bare `NAME`. */
  rawStart?: number;
  rawEnd?: number;
  /** The characters of the value (what phpdotenv keeps before resolving `${VAR}`), and where they are. */
  value: string | null;
  valueStart: number;
  valueEnd: number;
  /** The value is one plain or quoted run whose text maps 1:1 to [valueStart, valueEnd): an edit there is exact. */
  simple: boolean;
  /** The value after `${NAME}` references to earlier entries are replaced (phpdotenv's Resolver). */
  resolved: string | null;
  /** Offset of the start of the entry's first line. */
  lineStart: number;
}

export interface DotenvError {
  start: number;
  end: number;
  message: string;
}

export interface DotenvFile {
  text: string;
  entries: DotenvEntry[];
  /** phpdotenv stops at the first error: the entries before it are read, none after. */
  error?: DotenvError;
}

/** A logical line: its text and the document offset of each of its characters (plus one past the end). */
interface LogicalLine {
  text: string;
  offsets: number[];
}

function physicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (;;) {
    const m = re.exec(text);
    const end = m ? m.index : text.length;
    const offsets: number[] = [];
    for (let i = start; i <= end; i++) offsets.push(i);
    out.push({ text: text.slice(start, end), offsets });
    if (!m) break;
    start = m.index + m[0].length;
  }
  return out;
}

/** Dotenv\Parser\Lines::looksLikeMultilineStop. */
function looksLikeMultilineStop(line: string, started: boolean): boolean {
  if (line === '"') return true;
  const count = (line.replace(/\\\\/g, '').match(/(?=([^\\]"))/g) ?? []).length;
  return started ? count > 1 : count >= 1;
}

/** Dotenv\Parser\Lines::process: joins multi-line double-quoted values, drops comments and blanks. */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let multiline = false;
  let buffer: LogicalLine[] = [];
  for (const line of physicalLines(text)) {
    let current: LogicalLine | undefined = line;
    const started = line.text.includes('="') && !looksLikeMultilineStop(line.text, true);
    if (started) multiline = true;
    if (multiline) {
      buffer.push(line);
      current = undefined;
      if (looksLikeMultilineStop(line.text, started)) {
        multiline = false;
        current = {
          text: buffer.map((b) => b.text).join('\n'),
          // Each line's offsets run one past its end: that one is the joining "\n".
          offsets: buffer.flatMap((b) => b.offsets),
        };
        buffer = [];
      }
    }
    if (current && !multiline) {
      const t = phpTrim(current.text);
      if (t !== '' && t[0] !== '#') out.push(current);
    }
  }
  return out;
}

// Dotenv\Parser\Lexer's tokens, in its order (PCRE's \s without /u: ASCII whitespace only).
const TOKEN = /[\r\n]{1,1000}|[ \t\v\f]{1,1000}|\\|'|"|#|\$|[^ \t\n\v\f\r\\'"#$]{1,1000}/y;

const enum State {
  Initial,
  Unquoted,
  Single,
  Double,
  Escape,
  Whitespace,
  Comment,
}

/** PHP's ctype_space: space, \t \n \v \f \r. */
const isSpace = (s: string): boolean => s.length > 0 && /^[ \t\n\v\f\r]+$/.test(s);
/** PHP's trim() characters. */
const TRIM = ' \t\n\r\0\x0B';
const phpTrim = (s: string): string => {
  const [a, b] = trimRange(s, 0, s.length);
  return s.slice(a, b);
};

function trimRange(s: string, from: number, to: number): [number, number] {
  while (from < to && TRIM.includes(s[from]!)) from++;
  while (to > from && TRIM.includes(s[to - 1]!)) to--;
  return [from, to];
}

interface ParsedValue {
  chars: string;
  /** Positions in `chars` where an unescaped `$` starts (phpdotenv's Value vars). */
  vars: number[];
  /** Offsets (in the logical line) of each character of `chars`. */
  at: number[];
  simple: boolean;
}

class EntryError extends Error {}

/** Dotenv\Parser\EntryParser::parseValue over line.text[from, to). */
function parseValue(line: string, from: number, to: number): ParsedValue {
  const value = line.slice(from, to);
  const out: ParsedValue = { chars: '', vars: [], at: [], simple: true };
  if (phpTrim(value) === '') return out;
  let state = State.Initial;
  let pos = 0;
  const append = (s: string, at: number, isVar: boolean): void => {
    if (isVar) out.vars.push(out.chars.length);
    for (let i = 0; i < s.length; i++) out.at.push(at + i);
    out.chars += s;
  };
  while (pos < value.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(value);
    if (!m) throw new EntryError('an unexpected character');
    const token = m[0];
    const at = from + pos;
    pos += token.length;
    switch (state) {
      case State.Initial:
        if (token === "'") state = State.Single;
        else if (token === '"') state = State.Double;
        else if (token === '#') state = State.Comment;
        else {
          append(token, at, token === '$');
          state = State.Unquoted;
        }
        break;
      case State.Unquoted:
        if (token === '#') state = State.Comment;
        else if (isSpace(token)) state = State.Whitespace;
        else append(token, at, token === '$');
        break;
      case State.Single:
        if (token === "'") state = State.Whitespace;
        else append(token, at, false);
        break;
      case State.Double:
        if (token === '"') state = State.Whitespace;
        else if (token === '\\') {
          state = State.Escape;
          out.simple = false;
        } else append(token, at, token === '$');
        break;
      case State.Escape:
        if (token === '"' || token === '\\' || token === '$') append(token, at, false);
        else if ('fnrtv'.includes(token[0]!)) {
          const esc = { f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }[token[0] as 'f'];
          append(esc + token.slice(1), at, false);
        } else throw new EntryError('an unexpected escape sequence');
        state = State.Double;
        break;
      case State.Whitespace:
        if (token === '#') state = State.Comment;
        else if (!isSpace(token)) throw new EntryError('unexpected whitespace');
        break;
      case State.Comment:
        break;
    }
  }
  if (state === State.Single || state === State.Double || state === State.Escape)
    throw new EntryError('a missing closing quote');
  // One run of characters, each where the document has it: an edit of [first, last] is exact.
  out.simple &&= out.at.every((a, i) => i === 0 || a === out.at[i - 1]! + 1);
  return out;
}

/** `export NAME`, `"NAME"`, `'NAME'` → the name and its offsets in the line. */
function parseName(line: string, from: number, to: number): [number, number] {
  let s = from;
  const raw = line.slice(from, to);
  if (raw.length > 8 && raw.startsWith('export') && isSpace(raw[6]!)) {
    s = from + 6;
    while (s < to && TRIM.includes(line[s]!)) s++;
  }
  let e = to;
  const name = line.slice(s, e);
  if (name.length >= 3 && ((name[0] === '"' && name.endsWith('"')) || (name[0] === "'" && name.endsWith("'")))) {
    s++;
    e--;
  }
  if (!/^[a-zA-Z0-9_.]+$/.test(line.slice(s, e))) throw new EntryError('an invalid name');
  return [s, e];
}

/** Dotenv\Loader\Resolver: `${NAME}` at each variable position, from the last to the first. */
function resolve(v: ParsedValue, known: Map<string, string | null>): string {
  let s = v.chars;
  for (const i of [...v.vars].reverse()) {
    const rest = s.slice(i);
    const m = /^\$\{([a-zA-Z0-9_.]+)\}/.exec(rest);
    if (!m) continue;
    const value = known.get(m[1]!);
    s = s.slice(0, i) + (value === null || value === undefined ? m[0] : value) + rest.slice(m[0].length);
  }
  return s;
}

/** Parses a .env file as phpdotenv does. Never throws. */
export function parseDotenv(text: string): DotenvFile {
  const file: DotenvFile = { text, entries: [] };
  const known = new Map<string, string | null>();
  for (const line of logicalLines(text)) {
    const doc = (i: number): number => line.offsets[Math.max(0, Math.min(i, line.offsets.length - 1))]!;
    const eq = line.text.indexOf('=');
    try {
      let nameRange: [number, number];
      let value: ParsedValue | null = null;
      let raw: [number, number] | undefined;
      if (eq < 0) {
        nameRange = [0, line.text.length];
      } else {
        nameRange = trimRange(line.text, 0, eq);
        if (nameRange[0] === nameRange[1]) throw new EntryError('an unexpected equals');
        raw = trimRange(line.text, eq + 1, line.text.length);
      }
      const [ns, ne] = parseName(line.text, nameRange[0], nameRange[1]);
      if (raw) value = parseValue(line.text, raw[0], raw[1]);
      const name = line.text.slice(ns, ne);
      const resolved = value ? resolve(value, known) : null;
      known.set(name, resolved);
      const first = value?.at[0];
      const lastAt = value?.at[value.at.length - 1];
      const valueStart = first !== undefined ? doc(first) : raw ? doc(raw[0]) : doc(ne);
      const valueEnd = lastAt !== undefined ? doc(lastAt) + 1 : valueStart;
      file.entries.push({
        name,
        nameStart: doc(ns),
        nameEnd: doc(ne),
        ...(raw ? { rawStart: doc(raw[0]), rawEnd: doc(raw[1]) } : {}),
        value: value ? value.chars : null,
        valueStart,
        valueEnd,
        simple: !value || (value.simple && valueEnd - valueStart === value.chars.length),
        resolved,
        lineStart: doc(0),
      });
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      file.error = {
        start: doc(0),
        end: doc(line.text.length),
        message: `phpdotenv rejects this line (it found ${err.message}); Laravel then stops with "The environment file is invalid!".`,
      };
      break;
    }
  }
  return file;
}

/** The entry that wins for `name` (phpdotenv: a later definition overwrites an earlier one). */
export function lastEntry(file: DotenvFile, name: string): DotenvEntry | undefined {
  for (let i = file.entries.length - 1; i >= 0; i--) if (file.entries[i]!.name === name) return file.entries[i];
  return undefined;
}

/**
 * Laravel's env() helper (Illuminate\Support\Env::get): `true`/`(true)`, `false`, `empty`, `null`
 * (any case) become those values; a value still wrapped in quotes loses them.
 */
export function laravelEnvValue(raw: string | null): string | boolean | null {
  if (raw === null) return null;
  switch (raw.toLowerCase()) {
    case 'true':
    case '(true)':
      return true;
    case 'false':
    case '(false)':
      return false;
    case 'empty':
    case '(empty)':
      return '';
    case 'null':
    case '(null)':
      return null;
  }
  const m = /^(['"])([\s\S]*)\1$/.exec(raw);
  return m ? m[2]! : raw;
}

/** A value as a .env line writes it: bare when phpdotenv reads it back unchanged, else double-quoted. */
export function dotenvLiteral(value: string): string {
  if (/^[^\s\\'"#$]*$/.test(value)) return value;
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}
