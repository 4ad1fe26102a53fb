// PHP's ini scanner (Zend/zend_ini_scanner.l of PHP 8.2, ZEND_INI_SCANNER_NORMAL), rule for rule:
// the same states, the same longest-match-first-rule-wins choice, the same token values. php.ini,
// conf.d, .user.ini and php-fpm's pool files are all read through it.
//
// Where the scanner reads past the end of its buffer (an unclosed `'`, a `[section` or a name that
// runs to the end of the file), re2c's YYFILL makes it return 0: the parser sees the end of the
// file there. `scan()` returns an END token at that point too.

export type TokenType =
  | 'SECTION' // `[` at the start of a statement
  | 'OFFSET' // `name[`: php_value[…], a[] = …
  | 'LABEL' // a directive name (or a bare word)
  | 'RAW' // '…'
  | 'CONSTANT'
  | 'NUMBER'
  | 'STRING'
  | 'WHITESPACE'
  | 'DOLLAR_CURLY' // ${
  | 'VARNAME'
  | 'QUOTED' // the contents of "…", escapes undone
  | 'TRUE'
  | 'FALSE'
  | 'NULL'
  | 'EOL' // END_OF_LINE: a newline, a comment, or the end of a value
  | 'END' // the end of the file, real or from YYFILL
  | 'CHAR'; // a single-character token: = ] " } | & ^ ~ ! ( ) and the TOKENS of INITIAL

export interface Token {
  type: TokenType;
  /** For CHAR: the character. For value tokens: the text PHP keeps. */
  value: string;
  /** The source consumed by the rule. */
  start: number;
  end: number;
  /** Where `value` lies in the source when it is a plain slice (labels trimmed, quotes removed). */
  valueStart: number;
  valueEnd: number;
  /** QUOTED only: source offset of each unit of `value` (escapes map to their backslash). */
  units?: number[];
}

const enum State {
  Initial,
  Value,
  SectionValue,
  Offset,
  DoubleQuotes,
  VarName,
}

const SP = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

const isTs = (c: number): boolean => c === SP || c === TAB;

/** A set of ASCII characters, looked up by char code (every class below is ASCII). */
class CharClass {
  private readonly members = new Uint8Array(128);

  constructor(chars: string) {
    for (let i = 0; i < chars.length; i++) this.members[chars.charCodeAt(i)] = 1;
  }

  has(c: number): boolean {
    return c < 128 && this.members[c] === 1;
  }
}

// LABEL [^=\n\r\t;&|^$~(){}!"\[]
const NOT_LABEL = new CharClass('=\n\r\t;&|^$~(){}!"[');
// VALUE_CHARS [^$= \t\n\r;&|^~()!"'\000] (and LITERAL_DOLLAR)
const NOT_VALUE = new CharClass('$= \t\n\r;&|^~()!"\'\0');
// SECTION_VALUE_CHARS [^$\n\r;"'\]\\] (and "\\" ANY_CHAR, LITERAL_DOLLAR)
const NOT_SECTION_VALUE = new CharClass('$\n\r;"\']\\');
// TOKENS [:,.\[\]"'()&|^+-/*=%$!~<>?@{}]
const TOKENS = new CharClass(':,.[]"\'()&|^+-/*=%$!~<>?@{}');
const OPERATORS = new CharClass('&|^~()!');

const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Thrown inside a rule that reads past the buffer: the scanner returns END there. */
const PAST_END = -1;

export class IniScanner {
  private pos = 0;
  private state = State.Initial;
  private readonly stack: State[] = [];
  private readonly len: number;
  private readonly match = new Longest();

  constructor(private readonly text: string) {
    this.len = text.length;
    // A UTF-8 byte order mark is skipped (as a decoded string it is U+FEFF).
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  private at(i: number): number {
    return i < this.len ? this.text.charCodeAt(i) : 0;
  }

  /** Length of `{TS}*` from i. */
  private tsRun(i: number): number {
    let j = i;
    while (j < this.len && isTs(this.text.charCodeAt(j))) j++;
    return j - i;
  }

  /** Length of a NEWLINE at i (\r, \n or \r\n), 0 when none. */
  private newline(i: number): number {
    const c = this.at(i);
    if (c === CR) return this.at(i + 1) === LF ? 2 : 1;
    return c === LF ? 1 : 0;
  }

  /** Length of {LABEL} at i, or PAST_END when it runs to the end of the buffer (NUL is a label char). */
  private label(i: number): number {
    let j = i;
    while (j < this.len && !NOT_LABEL.has(this.text.charCodeAt(j))) j++;
    if (j === this.len && j > i) return PAST_END;
    return j - i;
  }

  /** Case-insensitive keyword at i (not followed by anything: the longest-match decides). */
  private keyword(i: number, words: readonly string[]): number {
    // Every keyword starts with a letter of "fnoty": anything else is no keyword (the common case).
    const c = this.at(i) | 0x20;
    if (c !== 102 && c !== 110 && c !== 111 && c !== 116 && c !== 121) return 0;
    for (const w of words) if (this.wordAt(i, w)) return w.length + this.tsRun(i + w.length);
    return 0;
  }

  /** The lowercase ASCII `word` at i, in any case (no other character lowercases to its letters). */
  private wordAt(i: number, word: string): boolean {
    if (i + word.length > this.len) return false;
    for (let k = 0; k < word.length; k++) if ((this.text.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
    return true;
  }

  private constant(i: number): number {
    if (!isAlpha(this.at(i))) return 0;
    let j = i + 1;
    while (j < this.len && (isAlpha(this.text.charCodeAt(j)) || isDigit(this.text.charCodeAt(j)))) j++;
    return j - i;
  }

  /** NUMBER: [-]?[0-9]+ | [0-9]*\.[0-9]+ | [0-9]+\.[0-9]* (longest). */
  private number(i: number): number {
    let best = 0;
    let j = i;
    if (this.at(j) === 45) j++;
    let k = j;
    while (isDigit(this.at(k))) k++;
    if (k > j) best = k - i;
    // DNUM (no sign)
    let d = i;
    while (isDigit(this.at(d))) d++;
    const intDigits = d - i;
    if (this.at(d) === 46) {
      let f = d + 1;
      while (isDigit(this.at(f))) f++;
      if (f - d - 1 > 0 || intDigits > 0) best = Math.max(best, f - i);
    }
    return best;
  }

  /** `$` as a literal: "$" ([^{\0] | "\\" ANY). Returns its length, 0 when it is none. */
  private literalDollar(i: number): number {
    const n = this.at(i + 1);
    if (i + 1 >= this.len || n === 0 || n === 123) return 0;
    if (n === 92 && i + 2 < this.len) return 3;
    return 2;
  }

  /**
   * {VALUE_CHARS}+ (`section` false), or {SECTION_VALUE_CHARS}+ (`section`: a backslash escapes the next
   * character, and NUL belongs to the class, so a run to the end of the buffer is PAST_END).
   */
  private chars(i: number, section: boolean): number {
    const stop = section ? NOT_SECTION_VALUE : NOT_VALUE;
    let j = i;
    while (j < this.len) {
      const c = this.text.charCodeAt(j);
      if (c === 36) {
        const d = this.literalDollar(j);
        if (!d) break;
        j += d;
      } else if (section && c === 92) {
        if (j + 1 >= this.len) return PAST_END;
        j += 2;
      } else if (stop.has(c)) break;
      else j++;
    }
    if (section && j === this.len && j > i) return PAST_END;
    return j - i;
  }

  /** '…' (at least one char inside), or PAST_END when never closed. */
  private raw(i: number): number {
    if (this.at(i) !== 39) return 0;
    const close = this.text.indexOf("'", i + 1);
    if (close < 0) return PAST_END;
    return close === i + 1 ? 0 : close + 1 - i;
  }

  /** {TS}*[;][^\r\n]*{NEWLINE}, or PAST_END when the comment runs to the end of the buffer. */
  private comment(i: number): number {
    const t = this.tsRun(i);
    if (this.at(i + t) !== 59) return 0;
    let j = i + t + 1;
    while (j < this.len && this.text.charCodeAt(j) !== LF && this.text.charCodeAt(j) !== CR) j++;
    if (j >= this.len) return PAST_END;
    return j + this.newline(j) - i;
  }

  private tok(type: TokenType, start: number, end: number, value?: string, vs = start, ve = end): Token {
    this.pos = end;
    return { type, value: value ?? this.text.slice(vs, ve), start, end, valueStart: vs, valueEnd: ve };
  }

  private end(at: number): Token {
    this.pos = this.len;
    return { type: 'END', value: '', start: at, end: at, valueStart: at, valueEnd: at };
  }

  /** Trims blanks around [s, e) like EAT_LEADING/TRAILING_WHITESPACE. */
  private trimmed(s: number, e: number): [number, number] {
    while (s < e && isTs(this.text.charCodeAt(s))) s++;
    while (e > s && isTs(this.text.charCodeAt(e - 1))) e--;
    return [s, e];
  }

  next(): Token {
    for (;;) {
      const i = this.pos;
      if (i >= this.len) {
        if (this.state === State.Value) {
          this.state = State.Initial;
          return this.tok('EOL', i, i, '');
        }
        return this.end(i);
      }
      switch (this.state) {
        case State.Initial: {
          const t = this.initial(i);
          if (t) return t;
          continue; // whitespace eaten
        }
        case State.Value:
          return this.value(i);
        case State.SectionValue:
        case State.Offset:
          return this.sectionOrOffset(i);
        case State.DoubleQuotes:
          return this.doubleQuotes(i);
        case State.VarName:
          return this.varName(i);
      }
    }
  }

  private initial(i: number): Token | null {
    const c = this.at(i);
    const lab = this.label(i);
    const m = this.match.reset();
    if (c === 91) m.offer(1, 1); // "["
    if (lab > 0 && this.at(i + lab) === 91) m.offer(4, lab + 1 + this.tsRun(i + lab + 1));
    const kwT = this.keyword(i, ['true', 'yes', 'on']);
    const kwF = this.keyword(i, ['false', 'none', 'off', 'no']);
    const kwN = this.keyword(i, ['null']);
    if (kwT) m.offer(8, kwT);
    if (kwF) m.offer(9, kwF);
    if (kwN) m.offer(10, kwN);
    if (lab > 0) m.offer(11, lab);
    const ts = this.tsRun(i);
    if (this.at(i + ts) === 61) m.offer(12, ts + 1 + this.tsRun(i + ts + 1));
    if (TOKENS.has(c)) m.offer(18, 1);
    if (ts > 0) m.offer(27, ts);
    const nl = this.newline(i + ts);
    if (nl) m.offer(28, ts + nl);
    const com = this.comment(i);
    if (com === PAST_END || lab === PAST_END) {
      // The longest rule reads past the buffer: re2c's YYFILL returns 0.
      return this.end(i);
    }
    if (com) m.offer(29, com);
    if (!m.length) return this.end(i);
    const { rule, length: n } = m;
    const e = i + n;
    switch (rule) {
      case 1:
        this.state = State.SectionValue;
        return this.tok('SECTION', i, e, '[');
      case 4: {
        const [s, te] = this.trimmed(i, i + lab);
        this.state = State.Offset;
        return this.tok('OFFSET', i, e, undefined, s, te);
      }
      case 8:
        return this.tok('TRUE', i, e, '1');
      case 9:
        return this.tok('FALSE', i, e, '');
      case 10:
        return this.tok('NULL', i, e, '');
      case 11: {
        const [s, te] = this.trimmed(i, e);
        return this.tok('LABEL', i, e, undefined, s, te);
      }
      case 12:
        this.state = State.Value;
        return this.tok('CHAR', i, e, '=');
      case 18:
        return this.tok('CHAR', i, e, String.fromCharCode(c));
      case 27:
        this.pos = e;
        return null;
      default: // 28, 29
        return this.tok('EOL', i, e, '');
    }
  }

  private value(i: number): Token {
    const c = this.at(i);
    const raw = this.raw(i);
    if (raw === PAST_END) return this.end(i);
    const m = this.match.reset();
    if (raw) m.offer(2, raw);
    if (c === 36 && this.at(i + 1) === 123) m.offer(6, 2);
    const kwT = this.keyword(i, ['true', 'yes', 'on']);
    const kwF = this.keyword(i, ['false', 'none', 'off', 'no']);
    const kwN = this.keyword(i, ['null']);
    if (kwT) m.offer(8, kwT);
    if (kwF) m.offer(9, kwF);
    if (kwN) m.offer(10, kwN);
    const ts = this.tsRun(i);
    const nl = this.newline(i + ts);
    if (nl) m.offer(15, ts + nl);
    const k = this.constant(i);
    if (k) m.offer(16, k);
    const num = this.number(i);
    if (num) m.offer(17, num);
    if (OPERATORS.has(c)) m.offer(19, 1 + this.tsRun(i + 1));
    if (c === 61) m.offer(20, 1);
    const vc = this.chars(i, false);
    if (vc) m.offer(21, vc);
    if (this.at(i + ts) === 34) m.offer(23, ts + 1);
    if (ts) m.offer(26, ts);
    const com = this.comment(i);
    if (com === PAST_END) return this.end(i);
    if (com) m.offer(29, com);
    m.offer(30, 1);
    const { rule, length: n } = m;
    const e = i + n;
    switch (rule) {
      case 2:
        return this.tok('RAW', i, e, undefined, i + 1, e - 1);
      case 6:
        this.stack.push(this.state);
        this.state = State.VarName;
        return this.tok('DOLLAR_CURLY', i, e, '${');
      case 8:
        return this.tok('TRUE', i, e, '1');
      case 9:
        return this.tok('FALSE', i, e, '');
      case 10:
        return this.tok('NULL', i, e, '');
      case 16:
        return this.tok('CONSTANT', i, e);
      case 17:
        return this.tok('NUMBER', i, e);
      case 19:
        return this.tok('CHAR', i, e, String.fromCharCode(c));
      case 20:
        // `=` inside a value: END_OF_LINE without consuming it; INITIAL then rejects the `=`.
        this.state = State.Initial;
        return this.tok('EOL', i, i, '');
      case 21:
        return this.tok('STRING', i, e);
      case 23:
        this.stack.push(this.state);
        this.state = State.DoubleQuotes;
        return this.tok('CHAR', i, e, '"');
      case 26:
        return this.tok('WHITESPACE', i, e);
      default: // 15, 29, 30
        this.state = State.Initial;
        return this.tok('EOL', i, e, '');
    }
  }

  private sectionOrOffset(i: number): Token {
    const c = this.at(i);
    const raw = this.raw(i);
    const svc = this.chars(i, true);
    if (raw === PAST_END || svc === PAST_END) return this.end(i);
    const ts = this.tsRun(i);
    const m = this.match.reset();
    if (raw) m.offer(2, raw);
    if (this.state === State.SectionValue && c === 93) {
      const t = this.tsRun(i + 1);
      m.offer(3, 1 + t + this.newline(i + 1 + t));
    }
    if (this.state === State.Offset && this.at(i + ts) === 93) m.offer(5, ts + 1);
    if (c === 36 && this.at(i + 1) === 123) m.offer(6, 2);
    const k = this.constant(i);
    if (k) m.offer(16, k);
    const num = this.number(i);
    if (num) m.offer(17, num);
    if (svc) m.offer(22, svc);
    if (this.at(i + ts) === 34) m.offer(23, ts + 1);
    if (ts) m.offer(26, ts);
    if (!m.length) return this.end(i);
    const { rule, length: n } = m;
    const e = i + n;
    switch (rule) {
      case 2:
        return this.tok('RAW', i, e, undefined, i + 1, e - 1);
      case 3:
      case 5:
        this.state = State.Initial;
        return this.tok('CHAR', i, e, ']');
      case 6:
        this.stack.push(this.state);
        this.state = State.VarName;
        return this.tok('DOLLAR_CURLY', i, e, '${');
      case 16:
        return this.tok('CONSTANT', i, e);
      case 17:
        return this.tok('NUMBER', i, e);
      case 22:
        return this.tok('STRING', i, e);
      case 23:
        this.stack.push(this.state);
        this.state = State.DoubleQuotes;
        return this.tok('CHAR', i, e, '"');
      default: // 26
        return this.tok('WHITESPACE', i, e);
    }
  }

  private doubleQuotes(i: number): Token {
    const c = this.at(i);
    if (c === 36 && this.at(i + 1) === 123) {
      this.stack.push(this.state);
      this.state = State.VarName;
      return this.tok('DOLLAR_CURLY', i, i + 2, '${');
    }
    if (c === 34) {
      this.state = this.stack.pop() ?? State.Initial;
      return this.tok('CHAR', i, i + 1 + this.tsRun(i + 1), '"');
    }
    // The contents up to the closing `"` or a `${`; `\"` at the end of a line closes the string
    // after a backslash (Windows paths: key="C:\path\").
    let s = i;
    const len = this.len;
    for (;;) {
      if (s >= len) break;
      const ch = this.text.charCodeAt(s++);
      if (ch === 34) {
        s--;
        break;
      }
      if (ch === 36) {
        if (s < len && this.text.charCodeAt(s) === 123) {
          s--;
          break;
        }
        continue;
      }
      if (ch === 92 && s < len) {
        const escaped = this.text.charCodeAt(s++);
        if (escaped === 34 && (s >= len || this.text.charCodeAt(s) === LF || this.text.charCodeAt(s) === CR)) {
          s--;
          break;
        }
      }
    }
    const { value, units } = unescapeDoubleQuoted(this.text, i, s);
    const t = this.tok('QUOTED', i, s, value, i, s);
    t.units = units;
    return t;
  }

  private varName(i: number): Token {
    if (this.at(i) === 125) {
      this.state = this.stack.pop() ?? State.Initial;
      return this.tok('CHAR', i, i + 1, '}');
    }
    const lab = this.label(i);
    if (lab === PAST_END || lab === 0) return this.end(i);
    const [s, e] = this.trimmed(i, i + lab);
    return this.tok('VARNAME', i, i + lab, undefined, s, e);
  }
}

/** re2c's choice among the rules that match: the longest; on a tie, the rule written first. */
class Longest {
  rule = 0;
  length = 0;

  reset(): this {
    this.rule = 0;
    this.length = 0;
    return this;
  }

  /** Rules are offered in the order they are written: a later one wins only when strictly longer. */
  offer(rule: number, length: number): void {
    if (length > this.length) {
      this.rule = rule;
      this.length = length;
    }
  }
}

/** zend_ini_escape_string for `"`: \" \\ \$ lose their backslash, any other escape is kept. */
function unescapeDoubleQuoted(text: string, start: number, end: number): { value: string; units: number[] } {
  const units: number[] = [];
  const backslash = text.indexOf('\\', start);
  if (backslash < 0 || backslash >= end) {
    // No escape (the common case): the text as written.
    for (let i = start; i < end; i++) units.push(i);
    return { value: text.slice(start, end), units };
  }
  let value = '';
  for (let i = start; i < end; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (i + 1 >= end) {
        value += '\\';
        units.push(i);
        continue;
      }
      const n = text[i + 1]!;
      if (n === '"' || n === '\\' || n === '$') {
        value += n;
        units.push(i);
        i++;
        continue;
      }
    }
    value += c;
    units.push(i);
  }
  return { value, units };
}
