// What every rule receives, and the helpers that turn line-local spans into findings and edits.
import type { ComposerDocument } from './composer.ts';
import { lineEdit, type ConfigLine } from './configLine.ts';
import type { SessionConfig } from './config.ts';
import type { IniValue } from './ini.ts';
import type { Span } from './span.ts';
import type { DocumentKind, Finding, Fix, RelatedInfo, RuleId, Severity, TextEdit } from './types.ts';

export interface RuleContext {
  kind: DocumentKind;
  text: string;
  composer?: ComposerDocument;
  /** Every ini line of the document (composer: both php-config blocks). */
  lines: ConfigLine[];
  /** The configuration PHP ends up with. */
  config: SessionConfig;
  report(finding: Finding): void;
}

export type Rule = (ctx: RuleContext) => void;

/** Default severity of each rule (SPEC §2). */
export const DEFAULT_SEVERITY: Record<RuleId, Severity> = {
  'invalid-json': 'error',
  'php-config-not-array': 'error',
  'paas-config-shadowed': 'warning',
  'ini-syntax': 'error',
  'unknown-directive': 'warning',
  'duplicate-directive': 'warning',
  'env-in-single-quotes': 'warning',
  'redis-url-env': 'error',
  'unknown-save-handler': 'error',
  'user-save-handler': 'error',
  'handler-path-mismatch': 'error',
  'missing-save-path': 'error',
  'missing-ext-redis': 'warning',
  'ext-redis-dev-only': 'warning',
  'ext-redis-platform-only': 'warning',
  'missing-serializer-extension': 'warning',
  'unknown-serialize-handler': 'error',
  'placeholder-save-path': 'error',
  'unsupported-scheme': 'error',
  'params-without-scheme': 'error',
  'userinfo-ignored': 'error',
  'malformed-url': 'error',
  'separator-in-path': 'error',
  'invalid-weight': 'error',
  'invalid-timeout': 'error',
  'invalid-param-value': 'warning',
  'empty-auth': 'error',
  'auth-array-size': 'error',
  'unknown-param': 'warning',
  'duplicate-param': 'warning',
  'plus-in-value': 'warning',
  'stream-without-tls': 'warning',
  'no-timeout': 'information',
  'hardcoded-credentials': 'information',
  'cluster-missing-seeds': 'error',
  'cluster-bad-seed': 'error',
  'cluster-param-ignored': 'warning',
  'lock-without-expire': 'warning',
  'invalid-compression': 'warning',
  'invalid-gc-maxlifetime': 'warning',
};

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
