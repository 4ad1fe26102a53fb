// From a document offset to the ini line under it, and the offset inside that line.
import type { ConfigLine } from './configLine.ts';

export interface LinePosition {
  line: ConfigLine;
  /** Offset inside line.text. */
  local: number;
}

export function lineAt(lines: readonly ConfigLine[], offset: number): LinePosition | undefined {
  for (const line of lines) {
    const first = line.toDoc(0);
    const last = line.toDoc(line.text.length);
    if (offset < first || offset > last) continue;
    let local = 0;
    while (local < line.text.length && line.toDoc(local + 1) <= offset) local++;
    return { line, local };
  }
  return undefined;
}

/** The save_path parameter key under `local` in a value text: `a[b]=c` → `a`, with the key's span. */
export function paramKeyAt(
  text: string,
  local: number,
): { name: string; start: number; end: number; inKey: boolean } | undefined {
  const isSep = (c: string): boolean => c === '?' || c === '&' || c === ',' || /\s/.test(c);
  let start = local;
  while (start > 0 && !isSep(text[start - 1])) start--;
  const prev = start > 0 ? text[start - 1] : '';
  // Keys follow `?` or `&`; the rediscluster form (no URL) starts with one.
  if (!(prev === '?' || prev === '&' || (start === 0 && !text.includes('://')))) return undefined;
  let end = start;
  while (end < text.length && !isSep(text[end])) end++;
  const segment = text.slice(start, end);
  const eq = segment.indexOf('=');
  const keyEnd = eq < 0 ? end : start + eq;
  const rawKey = text.slice(start, keyEnd);
  const name = rawKey.replace(/\[.*$/, '');
  if (!name || name.includes('/') || name.includes(':')) return undefined;
  return { name, start, end: keyEnd, inKey: local <= keyEnd };
}
