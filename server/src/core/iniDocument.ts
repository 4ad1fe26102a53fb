// A php.ini-style document (php.ini, conf.d/*.ini, .user.ini, php-fpm pool *.conf) as config lines.
import { configLines, type ConfigLine, type LineMapping } from './configLine.ts';

/**
 * The lines of a php.ini-style document, read as PHP reads the whole file. In a php-fpm pool
 * (`fpm`), read line by line as php-fpm does, and a line a fix adds after a `php_value[...]` line
 * is written in the same form: fpm passes only those to PHP.
 */
export function iniDocumentLines(text: string, fpm = false): ConfigLine[] {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const mappings: LineMapping[] = [];
  const starts: number[] = [];
  const prefixes: (string | undefined)[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length : nl + 1;
    let end = nl < 0 ? text.length : nl;
    if (end > start && text[end - 1] === '\r') end--;
    const lineStart = start;
    const lineEnd = end;
    const index = mappings.length;
    starts.push(lineStart);
    mappings.push({
      text: text.slice(lineStart, lineEnd),
      origin: 'ini',
      toDoc: (i) => lineStart + i,
      encode: (s) => s,
      removal: () => ({ start: lineStart, end: next, newText: '' }),
      insertAfter: (s) => ({ start: lineEnd, end: lineEnd, newText: eol + (fpm ? asFpm(s, prefixes[index]) : s) }),
    });
    if (nl < 0) break;
    start = next;
  }
  const lines = configLines(mappings, text, starts, fpm);
  lines.forEach((l, i) => (prefixes[i] = l.ini.fpmPrefix));
  return lines;
}

/** `name = value` → `php_value[name] = value` (or the prefix of the line it follows). */
function asFpm(line: string, prefix = 'php_value'): string {
  const m = /^\s*([^=\s]+)\s*=\s*(.*)$/.exec(line);
  return m ? `${prefix}[${m[1]}] = ${m[2]}` : line;
}
