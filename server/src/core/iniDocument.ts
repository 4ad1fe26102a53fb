// A php.ini-style document (php.ini, conf.d/*.ini, .user.ini, php-fpm pool *.conf) as config lines.
import { configLines, type ConfigLine } from './configLine.ts';
import type { IniLine } from './ini.ts';
import type { TextEdit } from './types.ts';

interface IniFile {
  eol: string;
  fpm: boolean;
}

/** One line of the file. Its mapping is a few offsets and prototype methods: no closures per line. */
class IniFileLine implements ConfigLine {
  readonly origin = 'ini';
  ini!: IniLine;

  constructor(
    readonly text: string,
    private readonly lineStart: number,
    private readonly lineEnd: number,
    /** Where the next line starts (after this one's line break). */
    private readonly nextStart: number,
    private readonly file: IniFile,
  ) {}

  toDoc(i: number): number {
    return this.lineStart + i;
  }

  encode(s: string): string {
    return s;
  }

  removal(): TextEdit {
    return { start: this.lineStart, end: this.nextStart, newText: '' };
  }

  insertAfter(s: string): TextEdit {
    const newText = this.file.eol + (this.file.fpm ? asFpm(s, this.ini.fpmPrefix) : s);
    return { start: this.lineEnd, end: this.lineEnd, newText };
  }
}

/**
 * The lines of a php.ini-style document, read as PHP reads the whole file. In a php-fpm pool
 * (`fpm`), read line by line as php-fpm does, and a line a fix adds after a `php_value[...]` line
 * is written in the same form: fpm passes only those to PHP.
 */
export function iniDocumentLines(text: string, fpm = false): ConfigLine[] {
  const file: IniFile = { eol: text.includes('\r\n') ? '\r\n' : '\n', fpm };
  const lines: IniFileLine[] = [];
  const starts: number[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length : nl + 1;
    let end = nl < 0 ? text.length : nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    starts.push(start);
    lines.push(new IniFileLine(text.slice(start, end), start, end, next, file));
    if (nl < 0) break;
    start = next;
  }
  return configLines(lines, text, starts, fpm);
}

/** `name = value` → `php_value[name] = value` (or the prefix of the line it follows). */
function asFpm(line: string, prefix = 'php_value'): string {
  const m = /^\s*([^=\s]+)\s*=\s*(.*)$/.exec(line);
  return m ? `${prefix}[${m[1]}] = ${m[2]}` : line;
}
