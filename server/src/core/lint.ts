// The one entry point of the linter: document text → findings. The LSP server, the CLI and the
// tests all call this; rules never re-parse text, they read the parsed model in RuleContext.
import { parseDocument, type ParsedDocument } from './document.ts';
import { documentKind } from './fileKinds.ts';
import { checkedFixes } from './fixCheck.ts';
import { PHPREDIS_LATEST } from './phpredisVersions.ts';
import type { Rule, RuleContext } from './ruleContext.ts';
import { frameworkRules } from './frameworks/rules.ts';
import { extensionRules } from './rules/extensions.ts';
import { handlerRules } from './rules/handler.ts';
import { iniLineRules } from './rules/iniLines.ts';
import { otherRules } from './rules/other.ts';
import { savePathRules } from './rules/savePath.ts';
import { structureRules } from './rules/structure.ts';
import type { Finding, LintOptions } from './types.ts';

const RULES: Rule[] = [
  structureRules,
  iniLineRules,
  handlerRules,
  extensionRules,
  savePathRules,
  otherRules,
  frameworkRules,
];

/** Lints a composer.json or php.ini-style document. Never throws on any input. */
export function lint(text: string, fileName: string, options: LintOptions = {}): Finding[] {
  return lintDocument(parseDocument(text, options.kind ?? documentKind(fileName) ?? 'ini'), options);
}

/** Lints a parsed document (the language server parses once per version and shares the parse). */
export function lintDocument(doc: ParsedDocument, options: LintOptions = {}): Finding[] {
  const text = doc.text;
  const findings: Finding[] = [];
  const phpredis = doc.phpredisPin ?? options.phpredisVersion ?? PHPREDIS_LATEST;
  // The document's fields go last: V8 makes a slow object of a spread that new fields follow.
  const ctx: RuleContext = {
    phpredis,
    ...(options.project ? { project: options.project } : {}),
    report: (f) => findings.push(f),
    ...doc,
  };
  for (const rule of RULES) {
    try {
      rule(ctx);
    } catch (err) {
      // A rule bug must not take the others (or the server) down; the caller logs it.
      if (!options.onRuleError) throw err;
      options.onRuleError(rule.name, err);
    }
  }
  const sound = findings.map((f) => withSoundFixes(f, text.length));
  // (the check lints fixed texts with every rule on, and without checking their fixes again)
  const checked =
    options.checkFixes === false
      ? sound
      : checkedFixes(doc, sound, (d) => lintDocument(d, { ...options, rules: {}, checkFixes: false }));
  return applySeverities(checked, options).sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * A fix whose edits are out of the document, inverted or overlapping would corrupt the file (or
 * make applying it throw): it is dropped, whatever rule bug produced it. The finding stays.
 */
function withSoundFixes(found: Finding, length: number): Finding {
  // A position at the very end (PHP's "unexpected end of file" after the last newline) stays inside.
  const f =
    found.end > length || found.start > length
      ? { ...found, start: Math.min(found.start, length), end: Math.min(found.end, length) }
      : found;
  const sound = f.fixes.filter((fx) => {
    const edits = [...fx.edits].sort((a, b) => a.start - b.start);
    return edits.every(
      (e, i) => e.start >= 0 && e.start <= e.end && e.end <= length && (i === 0 || edits[i - 1].end <= e.start),
    );
  });
  return sound.length === f.fixes.length ? f : { ...f, fixes: sound };
}

function applySeverities(findings: Finding[], options: LintOptions): Finding[] {
  const overrides = options.rules ?? {};
  const out: Finding[] = [];
  for (const f of findings) {
    const setting = overrides[f.rule];
    if (setting === 'off') continue;
    out.push(setting ? { ...f, severity: setting } : f);
  }
  return out;
}
