// One php.ini line as PHP's ini scanner reads it (Zend/zend_ini_scanner.l): name, `=`, value with
// its quoting, `${VAR}` references, and the syntax traps that make PHP fail or truncate the value.
// Offsets are local to the line's text.
import type { Span } from './span.ts';

export type Quote = 'none' | 'single' | 'double' | 'mixed';

export interface EnvRef {
  name: string;
  span: Span;
}

export interface IniValue {
  quote: Quote;
  /** The characters PHP keeps, before `${VAR}` expansion (double-quote escapes undone, unquoted trimmed). */
  text: string;
  /** offsets[i] = line offset of text unit i; offsets[text.length] = end of the content. */
  offsets: number[];
  /** The value as written, quotes included. */
  span: Span;
  /** `${VAR}` that PHP expands (unquoted or double-quoted values). */
  env: EnvRef[];
  /** `${VAR}` inside single quotes: kept literally by PHP. */
  literalEnv: EnvRef[];
}

export type IniProblemKind = 'missing-equals' | 'unbalanced-quote' | 'needs-quotes' | 'bad-env';

export interface IniProblem {
  kind: IniProblemKind;
  message: string;
  span: Span;
}

export interface IniLine {
  kind: 'blank' | 'comment' | 'section' | 'directive';
  /** Directive name (for php-fpm `php_value[x]`, the inner `x`). */
  name: string;
  nameSpan: Span;
  /** php-fpm pool prefix when the line is `php_value[...]`, `php_admin_value[...]`, … */
  fpmPrefix?: string;
  value: IniValue | null;
  problems: IniProblem[];
}

const FPM_NAME = /^(php_value|php_admin_value|php_flag|php_admin_flag)\[([^\]]*)\]$/;
// Characters PHP's scanner does not accept in an unquoted value (VALUE_CHARS in zend_ini_scanner.l).
const UNQUOTED_FORBIDDEN = /[=&|^~!()"']/;

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

export function parseIniLine(text: string): IniLine {
  let i = 0;
  while (isBlank(text[i])) i++;
  const empty = { start: i, end: i };
  if (i >= text.length || text[i] === '\r' || text[i] === '\n') {
    return { kind: 'blank', name: '', nameSpan: empty, value: null, problems: [] };
  }
  if (text[i] === ';' || text[i] === '#') {
    return { kind: 'comment', name: '', nameSpan: empty, value: null, problems: [] };
  }
  if (text[i] === '[') {
    return {
      kind: 'section',
      name: text.slice(i).trim(),
      nameSpan: { start: i, end: text.trimEnd().length },
      value: null,
      problems: [],
    };
  }
  const eq = text.indexOf('=', i);
  // `name value` or `name 'a=b'`: PHP would read one long label (or fail); the intent is clear,
  // so read the first word as the name and the rest as its value, and report the missing `=`.
  const glued = /^([A-Za-z_][\w.]*(?:\[[^\]\s]*\])?)[ \t]+(?=\S)/.exec(text.slice(i, eq < 0 ? text.length : eq));
  if (glued && (eq < 0 || /['"]/.test(text.slice(i, eq)) || glued[1].includes('.'))) {
    const missing = { start: i, end: i + glued[1].length };
    const { value, problems } = parseIniValue(text, i + glued[0].length);
    const fpmGlued = FPM_NAME.exec(glued[1]);
    const inner = fpmGlued ? { start: i + fpmGlued[1].length + 1, end: i + glued[1].length - 1 } : missing;
    return {
      kind: 'directive',
      name: fpmGlued ? fpmGlued[2] : glued[1],
      nameSpan: inner,
      ...(fpmGlued ? { fpmPrefix: fpmGlued[1] } : {}),
      value,
      problems: [
        { kind: 'missing-equals', message: `"${glued[1]}" has no "=": write it as name = value.`, span: missing },
        ...problems,
      ],
    };
  }
  const nameEndRaw = eq < 0 ? text.length : eq;
  let nameEnd = nameEndRaw;
  while (nameEnd > i && isBlank(text[nameEnd - 1])) nameEnd--;
  let name = text.slice(i, nameEnd);
  let nameSpan: Span = { start: i, end: nameEnd };
  let fpmPrefix: string | undefined;
  const fpm = FPM_NAME.exec(name);
  if (fpm) {
    fpmPrefix = fpm[1];
    const innerStart = i + fpm[1].length + 1;
    const inner = fpm[2];
    const lead = inner.length - inner.trimStart().length;
    name = inner.trim();
    nameSpan = { start: innerStart + lead, end: innerStart + lead + name.length };
  }
  if (eq < 0) {
    return {
      kind: 'directive',
      name,
      nameSpan,
      fpmPrefix,
      value: null,
      problems: [
        { kind: 'missing-equals', message: `"${name}" has no "=": write it as name = value.`, span: nameSpan },
      ],
    };
  }
  const { value, problems } = parseIniValue(text, eq + 1);
  return { kind: 'directive', name, nameSpan, fpmPrefix, value, problems };
}

function parseEnvRefs(text: string, offsets: number[], problems: IniProblem[]): EnvRef[] {
  const refs: EnvRef[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf('${', from);
    if (at < 0) return refs;
    const close = text.indexOf('}', at + 2);
    if (close < 0) {
      problems.push({
        kind: 'bad-env',
        message: '"${" is not closed by "}".',
        span: { start: offsets[at], end: offsets[text.length] },
      });
      return refs;
    }
    refs.push({ name: text.slice(at + 2, close), span: { start: offsets[at], end: offsets[close + 1] } });
    from = close + 1;
  }
}

/**
 * The value after `=`: PHP concatenates quoted and unquoted segments (`'a'"b"c` is "abc").
 * Whitespace between segments is kept, except next to a double-quoted one (checked against
 * parse_ini_string: `'x' 'y'` → "x y", `"x" y` → "xy").
 */
function parseIniValue(text: string, from: number): { value: IniValue; problems: IniProblem[] } {
  const problems: IniProblem[] = [];
  let i = from;
  while (isBlank(text[i])) i++;
  const valueStart = i;
  let out = '';
  const offsets: number[] = [];
  const env: EnvRef[] = [];
  const literalEnv: EnvRef[] = [];
  const kinds = new Set<Quote>();
  let pending: number[] = []; // offsets of blanks seen since the last segment
  let prev: Quote | undefined;
  let end = i;
  let contentEnd = i; // just after the last unit (before a closing quote)
  const append = (kind: Quote, chars: [string, number][]): void => {
    if (prev !== undefined && kind !== 'double' && prev !== 'double') {
      for (const at of pending) {
        out += text[at];
        offsets.push(at);
      }
    }
    pending = [];
    const base = out.length;
    for (const [c, at] of chars) {
      out += c;
      offsets.push(at);
    }
    const segOffsets = offsets.slice(base).concat([contentEnd]);
    const refs = parseEnvRefs(out.slice(base), segOffsets, kind === 'single' ? [] : problems);
    (kind === 'single' ? literalEnv : env).push(...refs);
    kinds.add(kind);
    prev = kind;
  };
  while (i < text.length && text[i] !== '\r' && text[i] !== '\n') {
    const c = text[i];
    if (isBlank(c)) {
      pending.push(i);
      i++;
      continue;
    }
    if (c === ';') break; // an ini comment
    if (c === '"' || c === "'") {
      const chars: [string, number][] = [];
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const ch = text[j];
        if (ch === c) {
          closed = true;
          break;
        }
        // Inside double quotes PHP unescapes \" \\ and \$ only (zend_ini_escape_string).
        if (c === '"' && ch === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\' || text[j + 1] === '$')) {
          chars.push([text[j + 1], j]);
          j += 2;
          continue;
        }
        chars.push([ch, j]);
        j++;
      }
      const quote: Quote = c === '"' ? 'double' : 'single';
      if (!closed) {
        problems.push({
          kind: 'unbalanced-quote',
          message: `The value opens a ${quote}-quoted string that is never closed.`,
          span: { start: i, end: j },
        });
      }
      end = closed ? j + 1 : j;
      contentEnd = j;
      append(quote, chars);
      i = end;
      continue;
    }
    // An unquoted run, up to a blank, a quote or a comment.
    const runStart = i;
    const chars: [string, number][] = [];
    while (
      i < text.length &&
      !isBlank(text[i]) &&
      text[i] !== '"' &&
      text[i] !== "'" &&
      text[i] !== ';' &&
      text[i] !== '\r' &&
      text[i] !== '\n'
    ) {
      chars.push([text[i], i]);
      i++;
    }
    end = i;
    contentEnd = i;
    const run = text.slice(runStart, i);
    const bad = UNQUOTED_FORBIDDEN.exec(run);
    if (bad) {
      // Up to a `;` comment after blanks (kept out of the quotes), else to the end of the line.
      const comment = text.slice(i).search(/[ \t];/);
      const stop = comment >= 0 ? i + comment : text.trimEnd().length;
      problems.push({
        kind: 'needs-quotes',
        message: `PHP's ini parser cannot read "${bad[0]}" in an unquoted value: quote the value.`,
        span: { start: valueStart, end: text.slice(0, stop).trimEnd().length },
      });
    } else if (text[i] === ';' && /^[^\s;]/.test(text.slice(i + 1))) {
      // `value;rest`: PHP cuts the value at the `;` (an ini comment) and silently drops the rest
      // (`value;` or `value; comment` loses nothing).
      problems.push({
        kind: 'needs-quotes',
        message: 'The ";" starts an ini comment and cuts the value here: quote the value.',
        span: { start: valueStart, end: text.trimEnd().length },
      });
    }
    append('none', chars);
  }
  offsets.push(contentEnd);
  const quote: Quote = kinds.size === 0 ? 'none' : kinds.size === 1 ? [...kinds][0] : 'mixed';
  return { value: { quote, text: out, offsets, span: { start: valueStart, end }, env, literalEnv }, problems };
}

/** True when `text`, written unquoted, would not reach PHP as written (forbidden chars, `;`, `${`). */
export function needsQuotes(text: string): boolean {
  return UNQUOTED_FORBIDDEN.test(text) || text.includes(';') || text.includes('${') || /^\s|\s$/.test(text);
}

/** What PHP stores for an unquoted keyword value (`On`, `none`…), else the text itself. */
export function phpIniValue(value: IniValue): string {
  if (value.quote !== 'none') return value.text;
  const lower = value.text.toLowerCase();
  if (lower === 'true' || lower === 'on' || lower === 'yes') return '1';
  if (lower === 'false' || lower === 'off' || lower === 'no' || lower === 'none' || lower === 'null') return '';
  return value.text;
}

/** Quotes `text` as an ini value: single quotes (raw) unless it needs `${VAR}` expansion or holds a `'`. */
export function quoteIniValue(text: string): string {
  if (text.includes('${') || text.includes("'")) return '"' + text.replace(/["\\]/g, (c) => '\\' + c) + '"';
  return `'${text}'`;
}

/** `${VAR}` references in a value's text, as [start, end) offsets of that text. */
export function envRanges(text: string): [number, number][] {
  return [...text.matchAll(/\$\{[^}]*\}/g)].map((m) => [m.index!, m.index! + m[0].length]);
}

export interface MaskedValue {
  /** The value's text with each expanded `${VAR}` replaced by one stand-in char. */
  text: string;
  /** Offset in `text` → offset in the value's text. */
  toValue(i: number): number;
}

/**
 * What the parts around run-time values look like, so they can still be checked; undefined when
 * the value is nothing but `${VAR}`s. Single-quoted `${VAR}` is literal text and stays.
 */
export function maskEnv(value: IniValue, standIn = '1'): MaskedValue | undefined {
  const text = phpIniValue(value);
  if (!value.env.length) return { text, toValue: (i) => i };
  if (!text.replace(/\$\{[^}]*\}/g, '').trim()) return undefined;
  const map: number[] = [];
  let out = '';
  let last = 0;
  for (const [a, b] of envRanges(text)) {
    for (let i = last; i < a; i++) {
      map.push(i);
      out += text[i];
    }
    map.push(a);
    out += standIn;
    last = b;
  }
  for (let i = last; i < text.length; i++) {
    map.push(i);
    out += text[i];
  }
  // A span ending right after a stand-in ends where its `${VAR}` ends: map[i] is that offset.
  return { text: out, toValue: (i) => (i < map.length ? map[i] : text.length) };
}
