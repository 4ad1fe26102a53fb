// One ini line wherever it lives (a line of an ini file, a string of composer.json's php-config),
// with the mapping that turns spans and replacement text of the line into document edits.
import { analyzeIni, type IniLine, type LineText } from './ini.ts';
import type { TextEdit } from './types.ts';

export type LineOrigin = 'ini' | 'paas' | 'heroku';

export interface LineMapping {
  /** The line as PHP reads it (a JSON string already unescaped), without its line break. */
  text: string;
  origin: LineOrigin;
  /** Document offset of line offset i (i may equal text.length). */
  toDoc(i: number): number;
  /** The document text that stands for `text` placed inside this line (JSON-escaped in composer.json). */
  encode(text: string): string;
  /** Removes the whole line from the document. */
  removal(): TextEdit;
  /** Inserts a new line with `text` right after this one. */
  insertAfter(text: string): TextEdit;
}

export interface ConfigLine extends LineMapping {
  ini: IniLine;
}

/**
 * Reads the lines of one ini text as PHP reads them together and gives each mapping its `ini`:
 * `text` is what PHP parses and `starts[i]` where line i begins in it (a php.ini file as it is;
 * composer.json's php-config lines as the buildpack appends them to php.ini, one per line).
 * php-fpm reads a pool line by line (`fpm`). The mappings are completed in place (no copy per line).
 */
export function configLines<M extends ConfigLine>(
  mappings: M[],
  text: string,
  starts: readonly number[],
  fpm = false,
): M[] {
  const lines: LineText[] = mappings.map((m, i) => ({ start: starts[i]!, text: m.text }));
  const ini = analyzeIni(text, lines, fpm);
  for (let i = 0; i < mappings.length; i++) mappings[i]!.ini = ini[i]!;
  return mappings;
}

/** The lines of a standalone list of texts (composer.json's php-config: one php.ini line each). */
export function joinedConfigLines<M extends ConfigLine>(mappings: M[]): M[] {
  const starts: number[] = [];
  let text = '';
  for (const m of mappings) {
    starts.push(text.length);
    // A JSON string may hold a line break: PHP then reads two lines, the offsets stay exact.
    text += m.text + '\n';
  }
  return configLines(mappings, text, starts);
}

/** Replaces line offsets [start, end) by `newText`. */
export function lineEdit(line: ConfigLine, start: number, end: number, newText: string): TextEdit {
  return { start: line.toDoc(start), end: line.toDoc(end), newText: line.encode(newText) };
}
