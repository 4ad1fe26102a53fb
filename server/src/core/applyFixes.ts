// Applying fixes to text: the CLI's --fix, the LSP's source.fixAll, and the tests' "apply, re-lint".
import { lint } from './lint.ts';
import { applyEdits } from './textEdits.ts';
import type { Finding, LintOptions, TextEdit } from './types.ts';

export { applyEdits } from './textEdits.ts';

export interface FixAllResult {
  text: string;
  /** Titles of the fixes applied, in order. */
  applied: string[];
}

/**
 * Applies every safe fix, one at a time, re-linting after each (bounded). A fix whose finding is
 * still there after it (same rule, same message, no fewer of them) is undone and not tried again:
 * fix-all never loops on a fix that does not do its job, and a second run changes nothing.
 */
export function fixAll(text: string, fileName: string, options: LintOptions = {}, maxFixes = 500): FixAllResult {
  const key = (f: Finding): string => `${f.rule}\u0000${f.message}`;
  const count = (fs: Finding[], k: string): number => fs.reduce((n, f) => n + (key(f) === k ? 1 : 0), 0);
  let current = text;
  let findings = lint(current, fileName, options);
  const stuck = new Set<string>();
  const applied: string[] = [];
  for (let tries = 0; tries < maxFixes; tries++) {
    const next = findings.find((f) => !stuck.has(key(f)) && f.fixes.some((x) => x.safe && x.edits.length));
    if (!next) break;
    const k = key(next);
    const fx = next.fixes.find((x) => x.safe && x.edits.length)!;
    const fixed = applyEdits(current, fx.edits);
    const after = fixed === current ? findings : lint(fixed, fileName, options);
    if (fixed === current || count(after, k) >= count(findings, k)) {
      stuck.add(k);
      continue;
    }
    current = fixed;
    findings = after;
    applied.push(fx.title);
    // The text changed: a fix that did nothing before may work now. What ends the run is a pass
    // over every remaining fix with none of them working, so a second run changes nothing.
    stuck.clear();
  }
  return { text: current, applied };
}

/** The single edit that turns `before` into `after` (common prefix and suffix kept). */
export function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, newText: after.slice(start, endAfter) };
}
