// The one entry point of the linter: document text → findings. The LSP server, the CLI and the
// tests all call this; rules never re-parse text, they read the parsed model in RuleContext.
import { parseComposer } from './composer.ts';
import { buildConfig } from './config.ts';
import type { ConfigLine } from './configLine.ts';
import { iniDocumentLines } from './iniDocument.ts';
import type { Rule, RuleContext } from './ruleContext.ts';
import { extensionRules } from './rules/extensions.ts';
import { handlerRules } from './rules/handler.ts';
import { iniLineRules } from './rules/iniLines.ts';
import { otherRules } from './rules/other.ts';
import { savePathRules } from './rules/savePath.ts';
import { structureRules } from './rules/structure.ts';
import type { DocumentKind, Finding, LintOptions } from './types.ts';

const RULES: Rule[] = [structureRules, iniLineRules, handlerRules, extensionRules, savePathRules, otherRules];

/** The kind of document a path names, or undefined when the linter has nothing to say about it. */
export function documentKind(fileName: string): DocumentKind | undefined {
  const base = fileName.replace(/\\/g, '/').split('/').pop()?.toLowerCase() ?? '';
  if (base === 'composer.json') return 'composer';
  if (base.endsWith('.ini') || base === '.user.ini' || base === 'php.ini-development' || base === 'php.ini-production')
    return 'ini';
  if (base.endsWith('.conf')) return 'fpm';
  return undefined;
}

/** Parses a document into what the rules (and hover, completion, code lens) read. */
export function parseDocument(text: string, kind: DocumentKind): Omit<RuleContext, 'report'> {
  if (kind === 'composer') {
    const composer = parseComposer(text);
    const effectiveLines = composer.lines.filter((l) => l.origin === composer.effectiveOrigin);
    return { kind, text, composer, lines: composer.lines, config: buildConfig(effectiveLines) };
  }
  let lines: ConfigLine[] = iniDocumentLines(text, kind === 'fpm');
  // A php-fpm pool file also holds fpm's own directives: only php_value[...] lines reach PHP.
  if (kind === 'fpm') lines = lines.filter((l) => l.ini.fpmPrefix !== undefined);
  return { kind, text, lines, config: buildConfig(lines) };
}

/** Lints a composer.json or php.ini-style document. Never throws on any input. */
export function lint(text: string, fileName: string, options: LintOptions = {}): Finding[] {
  const kind = options.kind ?? documentKind(fileName) ?? 'ini';
  const findings: Finding[] = [];
  const model = parseDocument(text, kind);
  const ctx: RuleContext = { ...model, report: (f) => findings.push(f) };
  for (const rule of RULES) {
    try {
      rule(ctx);
    } catch (err) {
      // A rule bug must not take the others (or the server) down; the caller logs it.
      if (!options.onRuleError) throw err;
      options.onRuleError(rule.name, err);
    }
  }
  return applySeverities(
    findings.map((f) => withSoundFixes(f, text.length)),
    options,
  ).sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * A fix whose edits are out of the document, inverted or overlapping would corrupt the file (or
 * make applying it throw): it is dropped, whatever rule bug produced it. The finding stays.
 */
function withSoundFixes(f: Finding, length: number): Finding {
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
