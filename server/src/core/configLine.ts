// One ini line wherever it lives (a line of an ini file, a string of composer.json's php-config),
// with the mapping that turns spans and replacement text of the line into document edits.
import { parseIniLine, type IniLine } from './ini.ts';
import type { TextEdit } from './types.ts';

export type LineOrigin = 'ini' | 'paas' | 'heroku';

export interface ConfigLine {
  /** The line as PHP reads it (a JSON string already unescaped). */
  text: string;
  ini: IniLine;
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

export interface LineMapping {
  text: string;
  origin: LineOrigin;
  toDoc(i: number): number;
  encode(text: string): string;
  removal(): TextEdit;
  insertAfter(text: string): TextEdit;
}

export function configLine(mapping: LineMapping): ConfigLine {
  return { ...mapping, ini: parseIniLine(mapping.text) };
}

/** Replaces line offsets [start, end) by `newText`. */
export function lineEdit(line: ConfigLine, start: number, end: number, newText: string): TextEdit {
  return { start: line.toDoc(start), end: line.toDoc(end), newText: line.encode(newText) };
}
