// A php.ini-style document (php.ini, conf.d/*.ini, .user.ini, php-fpm pool *.conf) as config lines.
import { configLine, type ConfigLine } from './configLine.ts';

export function iniDocumentLines(text: string): ConfigLine[] {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines: ConfigLine[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length : nl + 1;
    let end = nl < 0 ? text.length : nl;
    if (end > start && text[end - 1] === '\r') end--;
    const lineStart = start;
    const lineEnd = end;
    lines.push(
      configLine({
        text: text.slice(lineStart, lineEnd),
        origin: 'ini',
        toDoc: (i) => lineStart + i,
        encode: (s) => s,
        removal: () => ({ start: lineStart, end: next, newText: '' }),
        insertAfter: (s) => ({ start: lineEnd, end: lineEnd, newText: eol + s }),
      }),
    );
    if (nl < 0) break;
    start = next;
  }
  return lines;
}
