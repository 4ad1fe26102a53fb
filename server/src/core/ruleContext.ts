// What every rule receives, and the helpers that turn line-local spans into findings and edits.
import { lineEdit, type ConfigLine } from './configLine.ts';
import type { ParsedDocument } from './document.ts';
import type { IniValue } from './ini.ts';
import type { PhpredisVersion } from './phpredisVersions.ts';
import { DEFAULT_SEVERITY } from './rules/catalogue.ts';
import type { Span } from './span.ts';
import type { Finding, Fix, ProjectInput, RelatedInfo, RuleId, Severity, TextEdit } from './types.ts';

export interface RuleContext extends ParsedDocument {
  /** The phpredis release line the configuration is judged for. */
  phpredis: PhpredisVersion;
  /** The project around the document (framework rules only). */
  project?: ProjectInput;
  report(finding: Finding): void;
}

export type Rule = (ctx: RuleContext) => void;

/** Document span of line offsets [start, end). */
export function lineSpan(line: ConfigLine, s: Span): Span {
  return { start: line.toDoc(s.start), end: line.toDoc(s.end) };
}

/** Line span of value-text offsets [start, end) (value text = what PHP reads, quotes excluded). */
export function valueLineSpan(value: IniValue, start: number, end: number): Span {
  return { start: value.offsets[start], end: value.offsets[end] };
}

/** Document span of value-text offsets [start, end). */
export function valueDocSpan(line: ConfigLine, value: IniValue, start: number, end: number): Span {
  return lineSpan(line, valueLineSpan(value, start, end));
}

/** Replaces value-text offsets [start, end) by `newText` (the caller keeps the quoting valid). */
export function valueEdit(line: ConfigLine, value: IniValue, start: number, end: number, newText: string): TextEdit {
  const s = valueLineSpan(value, start, end);
  return lineEdit(line, s.start, s.end, newText);
}

export function fix(title: string, edits: TextEdit[], safe = true, preferred = true): Fix {
  return { title, edits, safe, preferred };
}

/**
 * A finding at the rule's default severity. `severity` overrides it for the rare case where the
 * same rule means more in context (an ignored `password=` key with no `auth`: no AUTH at all).
 */
export function finding(
  rule: RuleId,
  where: Span,
  message: string,
  fixes: Fix[] = [],
  related?: RelatedInfo[],
  severity: Severity = DEFAULT_SEVERITY[rule],
): Finding {
  return { rule, severity, message, start: where.start, end: where.end, fixes, ...(related ? { related } : {}) };
}
