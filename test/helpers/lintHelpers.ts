// Small helpers for rule tests: build documents, list rule ids, apply a rule's fix and re-lint.
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/applyFixes.ts';
import { lint } from '../../server/src/core/lint.ts';
import type { Finding, RuleId } from '../../server/src/core/types.ts';

export interface ComposerParts {
  require?: Record<string, string>;
  requireDev?: Record<string, string>;
  platform?: Record<string, string | false>;
  heroku?: unknown;
}

/** A composer.json with the given php-config lines, in Composer's 4-space style. */
export function composer(
  lines: string[],
  parts: ComposerParts = { require: { php: '^8.2', 'ext-redis': '*' } },
): string {
  const doc: Record<string, unknown> = { name: 'acme/app' };
  if (parts.require) doc.require = parts.require;
  if (parts.requireDev) doc['require-dev'] = parts.requireDev;
  if (parts.platform) doc.config = { platform: parts.platform };
  const extra: Record<string, unknown> = { paas: { 'php-config': lines } };
  if (parts.heroku !== undefined) extra.heroku = parts.heroku;
  doc.extra = extra;
  return JSON.stringify(doc, null, 4) + '\n';
}

export function ini(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

export function rules(text: string, file = 'php.ini'): RuleId[] {
  return lint(text, file).map((f) => f.rule);
}

export function only(text: string, rule: RuleId, file = 'php.ini'): Finding[] {
  return lint(text, file).filter((f) => f.rule === rule);
}

/** The document text under a finding's range. */
export function covered(text: string, f: Finding): string {
  return text.slice(f.start, f.end);
}

/**
 * Applies fix `index` of the first finding of `rule`, checks the result (strict JSON for
 * composer.json, the finding gone) and returns the new text.
 */
export function applyFix(text: string, rule: RuleId, file = 'php.ini', index = 0): string {
  const f = only(text, rule, file)[0];
  assert.ok(f, `no ${rule} finding in:\n${text}`);
  const fx = f.fixes[index];
  assert.ok(fx, `${rule} has no fix #${index}`);
  const next = applyEdits(text, fx.edits);
  if (file.endsWith('.json')) JSON.parse(next);
  const again = only(next, rule, file).filter((g) => g.message === f.message);
  assert.equal(again.length, 0, `${rule} still reported after its fix:\n${next}`);
  return next;
}
