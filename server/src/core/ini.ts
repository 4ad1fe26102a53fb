// The lines of an ini document as PHP reads them (iniParser.ts: PHP's own scanner and grammar),
// with what each line means to PHP: a directive and its value, a section, a bare word, a comment;
// where PHP stops reading the file (a syntax error, an unclosed quote) and what it then drops;
// and, for the session and phpredis directives the linter owns, values PHP reads differently from
// what is written. Offsets are local to each line's text.
import { isLaneDirective } from './directives.ts';
import { parseIni, type EnvRef, type IniParse, type IniStatement, type ParsedValue, type Quote } from './iniParser.ts';
import type { Span } from './span.ts';

export type { EnvRef, Quote };

/** A value as PHP computes it (see ParsedValue), with offsets local to its line. */
export type IniValue = ParsedValue;

export type IniProblemKind =
  /** PHP's parser fails here (php.ini: a startup warning, nothing after it is read; php-fpm: no start). */
  | 'syntax-error'
  /** `  [Section]`: an indented header is read as `name[` and fails. */
  | 'indented-section'
  /** A quote never closed: PHP stops reading the file at it, silently or with an error. */
  | 'unclosed-quote'
  /** A quote closed on a later line: the lines between are read as part of the value. */
  | 'multiline-quote'
  /** `session.save_handler redis`: no `=`, PHP ignores the line. */
  | 'missing-equals'
  /** A session/phpredis value PHP computes differently (an operator, a keyword). */
  | 'misread'
  /** `value;rest`: the `;` starts a comment and cuts the value. */
  | 'cut-by-semicolon'
  /** `value # note`: ini comments start with `;`, PHP keeps the `#` and what follows in the value. */
  | 'hash-comment'
  /** php-fpm refuses the pool: a line without `=`, a php_flag that is not a boolean. */
  | 'fpm-refused';

export interface IniProblem {
  kind: IniProblemKind;
  message: string;
  span: Span;
  /** PHP's own message, when it prints one. */
  phpMessage?: string;
}

export type IniLineKind = 'blank' | 'comment' | 'section' | 'directive' | 'bare' | 'other';

export interface IniLine {
  kind: IniLineKind;
  /** Directive name (for php-fpm `php_value[x]`, the inner `x`), bare word or section name. */
  name: string;
  nameSpan: Span;
  /** php-fpm pool prefix when the line is `php_value[...]`, `php_admin_value[...]`, … */
  fpmPrefix?: string;
  value: IniValue | null;
  problems: IniProblem[];
  /** PHP never applies this line: it comes after the point where PHP stopped reading. */
  dropped: boolean;
  /** `PATH=/dir` or `HOST=name` when the line is in a php.ini per-directory / per-host section. */
  scope?: string;
}

/** php-fpm pool arrays that carry PHP settings (fpm_conf.c, fpm_conf_ini_parser_array). */
const FPM_ARRAYS = ['php_value', 'php_admin_value', 'php_flag', 'php_admin_flag'];
/** fpm_conf_set_boolean(): the values php_flag accepts once the ini parser has read them. */
const FPM_BOOLEANS = ['1', 'yes', 'true', 'on', '', '0', 'no', 'none', 'false', 'off'];

export interface LineText {
  /** Offset of the line in the parsed text. */
  start: number;
  text: string;
}

function emptyLine(text: string): IniLine {
  let i = 0;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const at = { start: i, end: i };
  const kind: IniLineKind = i >= text.length || text[i] === '\r' ? 'blank' : text[i] === ';' ? 'comment' : 'other';
  return { kind, name: '', nameSpan: at, value: null, problems: [], dropped: false };
}

const local = (s: Span, base: number): Span => ({ start: s.start - base, end: s.end - base });

function localValue(v: ParsedValue, base: number): IniValue {
  const shift = (r: EnvRef): EnvRef => ({ ...r, span: local(r.span, base) });
  return {
    ...v,
    offsets: v.offsets.map((o) => o - base),
    span: local(v.span, base),
    env: v.env.map(shift),
    literalEnv: v.literalEnv.map(shift),
  };
}

/** Index of the line holding offset `at` (lines sorted by start). */
function lineIndex(lines: readonly LineText[], at: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** `PATH=/x` / `HOST=x` for a per-directory or per-host section (php_ini.c), else undefined. */
function specialScope(section: string): string | undefined {
  const kind = section.slice(0, 4).toUpperCase();
  if (kind !== 'PATH' && kind !== 'HOST') return undefined;
  const key = section
    .slice(4)
    .replace(/[/\\]+$/, '')
    .replace(/^[= \t]+/, '');
  return key ? `${kind}=${key}` : undefined;
}

/**
 * Reads ini `text` split into `lines` (their texts exclude the line breaks) as php.ini loading
 * does, or line by line as php-fpm reads a pool (`fpm`).
 */
export function analyzeIni(text: string, lines: readonly LineText[], fpm = false): IniLine[] {
  const out = lines.map((l) => emptyLine(l.text));
  if (fpm) {
    lines.forEach((l, i) => {
      const parsed = parseIni(l.text + '\n');
      apply(parsed, [{ start: 0, text: l.text }], [out[i]!], true);
    });
    return out;
  }
  // PHP stops at the first error; the lines after it are still read for what they mean (marked
  // dropped), so the rules see what the author wrote and report the error once.
  let from = 0;
  let dropped = false;
  let scope: string | undefined;
  while (from < lines.length) {
    const base = lines[from]!.start;
    const parsed = parseIni(base === 0 ? text : text.slice(base));
    const rest = lines.slice(from).map((l) => ({ start: l.start - base, text: l.text }));
    scope = apply(parsed, rest, out.slice(from), false, dropped, scope);
    const stop = parsed.error?.span.start ?? parsed.stoppedAt;
    if (stop === undefined) break;
    const next = from + lineIndex(rest, stop) + 1;
    for (let i = next; i < lines.length; i++) out[i]!.dropped = true;
    dropped = true;
    from = next;
  }
  return out;
}

/** Fills `out` (the lines of one parse, `lines` local to it) from the statements and the error. */
function apply(
  parsed: IniParse,
  lines: readonly LineText[],
  out: IniLine[],
  fpm: boolean,
  dropped = false,
  scope?: string,
): string | undefined {
  for (const st of parsed.statements) {
    const li = lineIndex(lines, st.span.start);
    const line = out[li]!;
    const base = lines[li]!.start;
    if (st.kind === 'section') {
      if (!fpm) scope = specialScope(st.name) ?? scope;
      if (line.kind !== 'directive')
        Object.assign(line, { kind: 'section', name: st.name, nameSpan: local(st.span, base) });
      continue;
    }
    const target = directiveOf(st, fpm);
    if (target) {
      line.kind = 'directive';
      line.name = target.name;
      line.nameSpan = local(target.nameSpan, base);
      line.value = localValue(st.value!, base);
      if (target.prefix) line.fpmPrefix = target.prefix;
      if (scope) line.scope = scope;
      if (target.prefix?.endsWith('_flag') && !FPM_BOOLEANS.includes(st.value!.text) && !st.value!.env.length) {
        line.problems.push({
          kind: 'fpm-refused',
          message: `php-fpm refuses a ${target.prefix} that is not on/off, yes/no, true/false or 1/0 ("invalid boolean value"): the pool does not start.`,
          span: local(st.value!.span, base),
        });
      }
      const end = lineIndex(lines, Math.max(st.span.start, st.span.end - 1));
      if (end > li) multiline(line, lines[li]!.text, st.value!, base, end - li);
      for (let k = li + 1; k <= end; k++) out[k]!.kind = 'other';
    } else if (st.kind === 'bare') {
      Object.assign(line, { kind: 'bare', name: st.name, nameSpan: local(st.nameSpan, base) });
      if (fpm) {
        line.problems.push({
          kind: 'fpm-refused',
          message: `php-fpm refuses a line without "=" ("value is NULL for a ZEND_INI_PARSER_ENTRY"): the pool does not start. Comments start with ";".`,
          span: local(st.nameSpan, base),
        });
      }
    } else if (line.kind !== 'directive') {
      Object.assign(line, { kind: 'other', name: st.name, nameSpan: local(st.nameSpan, base) });
    }
  }
  if (parsed.error) syntaxError(parsed, lines, out, fpm);
  else if (parsed.stoppedAt !== undefined) {
    // The scanner also runs into the end at a comment or a name on the last line: nothing is lost.
    // A stray quote that is the last thing in the file loses nothing (PHP keeps the value before it).
    const li = lineIndex(lines, parsed.stoppedAt);
    const at = parsed.stoppedAt - lines[li]!.start;
    const after = [lines[li]!.text.slice(at + 1), ...lines.slice(li + 1).map((l) => l.text)].join('\n');
    if (lines[li]!.text[at] === "'" && after.trim()) out[li]!.problems.push(unclosedQuote(lines[li]!.text, at));
  }
  out.forEach((line, i) => {
    if (dropped) line.dropped = true;
    if (line.kind !== 'section' && line.kind !== 'comment' && line.kind !== 'blank') glued(line, lines[i]!.text);
    if (line.problems.some((p) => p.kind === 'missing-equals')) {
      // Writing the `=` also ends what PHP tripped over on this line: one finding is enough.
      line.problems = line.problems.filter((p) => p.kind === 'missing-equals');
    } else if (line.kind === 'directive' && isLaneDirective(line.name)) laneProblems(line, lines[i]!.text);
    else if (line.kind !== 'directive' && line.problems.length) intended(line, lines[i]!.text);
  });
  return scope;
}

/** Which directive a statement sets: `name = v`, or (php-fpm) `php_value[name] = v`. */
function directiveOf(st: IniStatement, fpm: boolean): { name: string; nameSpan: Span; prefix?: string } | undefined {
  if (st.kind === 'entry') return fpm ? undefined : { name: st.name, nameSpan: st.nameSpan };
  if (st.kind === 'offset' && fpm && FPM_ARRAYS.includes(st.name) && st.offsetSpan) {
    return { name: st.offset!.trim(), nameSpan: st.offsetSpan, prefix: st.name };
  }
  return undefined;
}

/** `session.save_handler redis`: PHP reads one long name (or nothing); the intent is `name = value`. */
function glued(line: IniLine, text: string): void {
  if (line.kind === 'directive' && !/[ \t]/.test(line.name)) return;
  const m = /^([ \t]*)([A-Za-z_][\w.]*)([ \t]+)(?=[^\s=;])/.exec(text);
  if (!m || !isLaneDirective(m[2]!)) return;
  const at = m[1]!.length;
  const nameEnd = at + m[2]!.length;
  // Read the line again with the first blank as "=": same offsets, the value the author meant.
  const fixed = text.slice(0, nameEnd) + '=' + text.slice(nameEnd + 1);
  const again = parseIniLine(fixed);
  Object.assign(line, {
    kind: 'directive',
    name: m[2],
    nameSpan: { start: at, end: nameEnd },
    value: again.value,
  });
  line.problems = [
    {
      kind: 'missing-equals',
      message: `"${m[2]}" has no "=": PHP reads the whole line as one name and ignores it. Write it as name = value.`,
      span: { start: at, end: nameEnd },
    },
  ];
}

function multiline(line: IniLine, text: string, v: ParsedValue, base: number, more: number): void {
  const start = v.span.start - base;
  line.problems.push({
    kind: 'multiline-quote',
    message: `This quote is closed only ${more === 1 ? 'on the next line' : `${more} lines further`}: PHP reads ${more === 1 ? 'that line' : 'those lines'} as part of this value, not as settings.`,
    span: { start, end: Math.max(start + 1, text.trimEnd().length) },
  });
}

function unclosedQuote(text: string, at: number, phpMessage?: string): IniProblem {
  return {
    kind: 'unclosed-quote',
    message: `This ${text[at] === '"' ? 'double' : 'single'} quote is never closed: PHP stops reading the file here${phpMessage ? ` ("${phpMessage}")` : ''}, and every line after it is lost.`,
    span: { start: at, end: at + 1 },
    ...(phpMessage ? { phpMessage } : {}),
  };
}

function syntaxError(parsed: IniParse, lines: readonly LineText[], out: IniLine[], fpm: boolean): void {
  const err = parsed.error!;
  const li = lineIndex(lines, err.span.start);
  const text = lines[li]!.text;
  const base = lines[li]!.start;
  const line = out[li]!;
  // php-fpm stops at the entry without a value first ("value is NULL"): one finding is enough.
  if (fpm && line.problems.some((p) => p.kind === 'fpm-refused')) return;
  const outcome = fpm
    ? 'php-fpm refuses the pool ("FPM initialization failed")'
    : 'PHP prints a startup warning and reads nothing after it';
  if (/^[ \t]+\[/.test(text) && lineIndex(lines, err.statementStart) === li) {
    line.problems.push({
      kind: 'indented-section',
      message: `An indented section header is read as "name[": ${outcome} ("${err.message}").`,
      span: { start: 0, end: text.trimEnd().length },
      phpMessage: err.message,
    });
    return;
  }
  // The end of the buffer inside a quote: the scanner read on for the closing quote and found none.
  const quoteAt =
    err.tokenType === 'END' && text[err.span.start - base] === "'"
      ? err.span.start - base
      : err.message.endsWith(`'"'`)
        ? lines[lineIndex(lines, err.statementStart)]!.text.lastIndexOf('"')
        : -1;
  if (quoteAt >= 0) {
    const qi = err.message.endsWith(`'"'`) ? lineIndex(lines, err.statementStart) : li;
    out[qi]!.problems.push(unclosedQuote(lines[qi]!.text, quoteAt, err.message));
    return;
  }
  const trimmed = text.trimEnd().length;
  let start = Math.min(err.span.start - base, text.length);
  let end = Math.min(err.span.end - base, text.length);
  if (end <= start) {
    // END_OF_LINE or the end of the file: point at the rest of the line.
    start = Math.min(start, Math.max(0, trimmed - 1));
    end = Math.max(start + 1, trimmed);
  }
  line.problems.push({
    kind: 'syntax-error',
    message: `PHP cannot read this line ("${err.message}"): ${outcome}.`,
    span: { start, end: Math.min(end, Math.max(start + 1, text.length)) },
    phpMessage: err.message,
  });
}

/**
 * A line PHP could not read at all, written as `name = value`: the directive it was meant to
 * set, without a value (unknown), so the other rules neither miss it nor guess its value.
 */
function intended(line: IniLine, text: string): void {
  const m = /^([ \t]*)([A-Za-z_][\w.]*)[ \t]*=/.exec(text);
  if (!m || !isLaneDirective(m[2]!)) return;
  const start = m[1]!.length;
  Object.assign(line, { kind: 'directive', name: m[2], nameSpan: { start, end: start + m[2]!.length }, value: null });
}

const OPERATOR = /[&|^~!()]/;

/** What PHP reads differently from what is written, in a directive the linter owns. */
function laneProblems(line: IniLine, text: string): void {
  const v = line.value;
  if (!v || line.problems.some((p) => p.kind === 'missing-equals')) return;
  if (v.expr) {
    const op = OPERATOR.exec(text.slice(v.span.start, v.span.end))?.[0] ?? '&';
    line.problems.push({
      kind: 'misread',
      message: `PHP reads "${op}" in an unquoted value as an operator and stores "${v.text}": quote the value.`,
      span: { start: v.span.start, end: valueEndBeforeComment(text, v) },
    });
  }
  // `value;rest`: the `;` starts a comment (`value;` or `value ; comment` loses nothing).
  if (text[v.span.end] === ';' && /^[^\s;]/.test(text.slice(v.span.end + 1))) {
    line.problems.push({
      kind: 'cut-by-semicolon',
      message: 'The ";" starts an ini comment and cuts the value here: quote the value.',
      span: { start: v.span.start, end: text.trimEnd().length },
    });
  }
  const hash = hashComment(text, v);
  if (hash !== undefined) {
    const rest = text.slice(hash, v.span.end);
    line.problems.push({
      kind: 'hash-comment',
      message: `"#" does not start a comment in an ini file: PHP keeps "${rest}" in the value ("${v.text}"). Comments start with ";".`,
      span: { start: hash, end: v.span.end },
    });
  }
  if (v.keyword && line.name === 'session.cookie_samesite') {
    line.problems.push({
      kind: 'misread',
      message: `Unquoted, "${v.keyword}" is an ini keyword and PHP stores "${v.text}" (no SameSite attribute): write "${v.keyword}" in quotes.`,
      span: { start: v.span.start, end: v.span.end },
    });
  }
}

/** Where ` # note` starts in a value (line offset of the `#`), outside quotes; undefined when none. */
export function hashComment(text: string, v: IniValue): number | undefined {
  const hash = text.indexOf('#', v.span.start);
  if (hash < 0 || hash >= v.span.end) return undefined;
  const written = text.slice(v.span.start, v.span.end);
  const afterQuotes = Math.max(written.lastIndexOf('"'), written.lastIndexOf("'")) + 1;
  const m = /[ \t]#/.exec(written.slice(afterQuotes));
  return m ? v.span.start + afterQuotes + m.index + 1 : undefined;
}

/** End of what the author wrote as the value: up to a ` ;comment`, else the line's end. */
function valueEndBeforeComment(text: string, v: IniValue): number {
  const comment = text.slice(v.span.end).search(/[ \t]*;/);
  const end = comment >= 0 ? v.span.end + comment : text.length;
  return text.slice(0, end).trimEnd().length;
}

/** One line read on its own (tests, and lines a fix writes). */
export function parseIniLine(text: string): IniLine {
  return analyzeIni(text + '\n', [{ start: 0, text }])[0]!;
}

/** True when `text`, written unquoted after `=`, would not reach PHP exactly as written. */
export function needsQuotes(text: string): boolean {
  if (text === '' || /^\s|\s$|[\r\n]/.test(text)) return true;
  const p = parseIni(`x=${text}\n`);
  const st = p.statements[0];
  return (
    !!p.error ||
    p.stoppedAt !== undefined ||
    p.statements.length !== 1 ||
    !st?.value ||
    st.value.text !== text ||
    st.value.expr ||
    st.value.keyword !== undefined ||
    st.value.env.length > 0 ||
    st.value.dynamic
  );
}

/** Quotes `text` as an ini value: single quotes (raw) unless it needs `${VAR}` expansion or holds a `'`. */
export function quoteIniValue(text: string): string {
  if (text.includes('${') || text.includes("'")) return '"' + text.replace(/["\\]/g, (c) => '\\' + c) + '"';
  return `'${text}'`;
}

/** True when PHP's value depends on the machine it runs on (`${VAR}`, a PHP_* constant). */
export function isRuntimeValue(value: IniValue): boolean {
  return value.env.length > 0 || value.dynamic;
}
