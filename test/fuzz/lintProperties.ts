// The linter's fuzz properties (shared by the test and by replays of a counterexample).
//
// What is checked on every document: lint() does not throw (called without onRuleError, so a rule
// bug surfaces), every range (finding, related, fix edit) lies inside the document, every fix's
// edits apply (applyEdits throws on overlap).
// On ini/fpm documents and on composer.json documents that are strict JSON (a fix cannot be
// expected to repair a document whose tree is a recovery guess): every fix keeps strict JSON strict,
// removes its diagnostic (one fewer finding with that rule and message), and is idempotent (the
// same fix offered again over the text it wrote changes nothing). On `deep` cases: fix-all does not
// throw, keeps strict JSON strict and converges (a second fix-all changes nothing).
import assert from 'node:assert/strict';
import { applyEdits, fixAll } from '../../server/src/core/applyFixes.ts';
import { lint } from '../../server/src/core/lint.ts';
import type { Finding, Fix } from '../../server/src/core/types.ts';
import type { LintCase } from './arbitraries.ts';

export function strictJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function inRange(text: string, start: number, end: number, what: string): void {
  assert.ok(
    Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= text.length,
    `${what} [${start}, ${end}) outside the document (length ${text.length})`,
  );
}

const count = (fs: readonly Finding[], f: Finding): number =>
  fs.filter((g) => g.rule === f.rule && g.message === f.message).length;

/** Where the inserted text of each edit lands in the edited document. */
function mappedRegions(fix: Fix): { start: number; end: number }[] {
  let shift = 0;
  const out: { start: number; end: number }[] = [];
  for (const e of [...fix.edits].sort((a, b) => a.start - b.start)) {
    const start = e.start + shift;
    if (e.newText.length) out.push({ start, end: start + e.newText.length });
    shift += e.newText.length - (e.end - e.start);
  }
  return out;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end;

/** Where an offset of the original text lands after the fix (inside an edit: that edit's new text). */
function mapOffset(fix: Fix, p: number, side: 'start' | 'end'): number {
  let shift = 0;
  for (const e of [...fix.edits].sort((a, b) => a.start - b.start)) {
    if (e.end <= p && !(e.start === e.end && e.start === p && side === 'start'))
      shift += e.newText.length - (e.end - e.start);
    else if (e.start < p || (e.start === p && side === 'end'))
      return side === 'start' ? e.start + shift : e.start + shift + e.newText.length;
    else break;
  }
  return p + shift;
}

/**
 * The fixed diagnostic is still reported: a finding with its rule and message at the place it was
 * (another occurrence that only now gets reported, elsewhere, is a different diagnostic).
 */
function stillThere(after: readonly Finding[], f: Finding, fix: Fix): boolean {
  const at = { start: mapOffset(fix, f.start, 'start'), end: mapOffset(fix, f.end, 'end') };
  return after.some(
    (g) =>
      g.rule === f.rule &&
      g.message === f.message &&
      (overlaps(g, at) || (g.start <= at.start && at.end <= g.end) || (at.start <= g.start && g.end <= at.end)),
  );
}

/** The text of the line holding `offset`. */
function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  return text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
}

// ---------------------------------------------------------------------------------------------
// Bugs the fuzzer found in server/src that are not fixed yet. Each entry matches its bug narrowly
// (rule, fix title and the input feature that triggers it) so every other failure still fails the
// test. TODO(lead): remove each entry once its bug is fixed; the test then guards the fix.

export interface FixViolation {
  case: LintCase;
  finding: Finding;
  fix: Fix;
  /** 'kept' = diagnostic not removed; 'introduced' = a new syntax-level finding inside what the fix wrote; 'not-idempotent'; 'fix-all-diverges'; 'range' = the finding's own range. */
  kind: 'kept' | 'introduced' | 'not-idempotent' | 'fix-all-diverges' | 'range';
  /** For 'introduced': the new finding. */
  other?: Finding;
}

interface KnownBug {
  id: string;
  what: string;
  matches(v: FixViolation): boolean;
}

export const KNOWN_BUGS: KnownBug[] = [
  {
    id: 'first-occurrence-only',
    what: 'separator-in-path and malformed-url (";") report only the first offending character of a URL, and their fix changes that one: `prefix=a,b,c` / `?a=1;b=2;c=3` need as many fix rounds as characters',
    matches: (v) =>
      v.kind !== 'range' &&
      ((v.finding.rule === 'separator-in-path' &&
        (lineAt(v.case.text, v.finding.start).match(/[ ,\t]/g)?.length ?? 0) > 1) ||
        (v.finding.rule === 'malformed-url' &&
          /^Write "[,&]" instead$/.test(v.fix.title) &&
          (lineAt(v.case.text, v.finding.start).match(/;|\\u003b/gi)?.length ?? 0) > 1)),
  },
  {
    id: 'value-rewritten-whole',
    what: 'a fix that must quote an unquoted value, or that edits a value made of several segments (`"…" # x`), rewrites the whole value: another finding of the same rule elsewhere in that value (a second server\'s no-timeout or TCP://) then lies inside the rewritten region and looks "offered again", though it is a different occurrence',
    matches: (v) =>
      v.kind === 'not-idempotent' &&
      v.fix.edits.some((e) => /^(['"]|\\")/.test(e.newText) && e.end - e.start > v.finding.end - v.finding.start),
  },
  {
    id: 'value-before-comment',
    what: 'a fix that fills an empty value before an ini comment (`session.save_handler=;x` → `mm;x`) earns ini-syntax "the ; starts an ini comment and cuts the value" (debatable: PHP reads "mm")',
    matches: (v) =>
      v.kind === 'introduced' && v.other?.rule === 'ini-syntax' && /starts an ini comment/.test(v.other.message),
  },
  {
    id: 'empty-auth-twice',
    what: 'empty-auth "Remove the empty auth" removes one of two empty auth params (`%61uth&auth`): the other keeps the diagnostic',
    matches: (v) =>
      v.kind !== 'range' &&
      v.finding.rule === 'empty-auth' &&
      (lineAt(v.case.text, v.finding.start).match(/auth|%61uth|%41uth/gi)?.length ?? 0) > 1,
  },
];

export const knownHits = new Map<string, number>();

function violation(v: FixViolation, message: string): void {
  const bug = KNOWN_BUGS.find((b) => b.matches(v));
  if (bug) {
    knownHits.set(bug.id, (knownHits.get(bug.id) ?? 0) + 1);
    return;
  }
  assert.fail(message);
}

// ---------------------------------------------------------------------------------------------

/** Findings that mean "this text is malformed": a fix must never write text that earns one. */
const INTRODUCED_RULES = new Set(['invalid-json', 'ini-syntax']);

export const stats = { cases: 0, findings: 0, fixesApplied: 0, fixesChecked: 0, composerStrict: 0, fixAllRuns: 0 };

export interface CheckOptions {
  /** Check the fixes (apply, re-lint): the expensive part. */
  fixes: boolean;
  /** Also run fix-all twice. */
  fixAll: boolean;
}

/** Every property for one document. Throws (assert) on a violation. */
export function checkDocument(c: LintCase, options: CheckOptions = { fixes: true, fixAll: true }): void {
  const { fileName, text } = c;
  stats.cases++;
  const findings = lint(text, fileName);
  const json = fileName.endsWith('.json');
  const strict = json && strictJson(text);
  if (strict) stats.composerStrict++;
  for (const f of findings) {
    stats.findings++;
    if (f.start > f.end && f.start <= text.length && f.end >= 0) {
      violation(
        { case: c, finding: f, fix: { title: '', edits: [], safe: false }, kind: 'range' },
        `${f.rule} range [${f.start}, ${f.end}) is inverted`,
      );
      continue;
    }
    inRange(text, f.start, f.end, `${f.rule} range`);
    for (const r of f.related ?? []) inRange(text, r.start, r.end, `${f.rule} related range`);
    for (const x of f.fixes) {
      if (x.edits.some((e) => e.start > e.end)) {
        violation(
          { case: c, finding: f, fix: x, kind: 'range' },
          `${f.rule} fix "${x.title}" has an inverted edit range: ${JSON.stringify(x.edits)}`,
        );
        continue;
      }
      for (const e of x.edits) inRange(text, e.start, e.end, `${f.rule} fix "${x.title}" edit`);
      // Overlapping edits throw here: a fix bug.
      if (x.edits.length) applyEdits(text, x.edits);
    }
  }
  if (options.fixes && (!json || strict)) {
    for (const f of findings) {
      // An inverted finding or edit was reported above (as a range violation).
      if (f.start > f.end) continue;
      for (const x of f.fixes) {
        if (x.edits.length === 0 || x.edits.some((e) => e.start > e.end)) continue;
        stats.fixesChecked++;
        const ctx = `${f.rule} fix "${x.title}"`;
        const next = applyEdits(text, x.edits);
        stats.fixesApplied++;
        if (strict) assert.ok(strictJson(next), `${ctx} breaks strict JSON:\n${next}`);
        const after = lint(next, fileName);
        if (count(after, f) >= count(findings, f) && stillThere(after, f, x)) {
          violation(
            { case: c, finding: f, fix: x, kind: 'kept' },
            `${ctx} does not remove its diagnostic "${f.message}":\n${next}`,
          );
        }
        const regions = mappedRegions(x);
        // What a fix writes is well-formed: no new ini-syntax / invalid-json finding inside it, on a
        // line that had none (a rename on a line that already lacked "=" only changes the message).
        for (const g of after) {
          if (
            !INTRODUCED_RULES.has(g.rule) ||
            !regions.some((r) => overlaps(r, g) || (g.start === g.end && r.start <= g.start && g.start <= r.end))
          )
            continue;
          const lines = x.edits.map((e) => ({
            start: text.lastIndexOf('\n', e.start - 1) + 1,
            end: text.indexOf('\n', e.end) < 0 ? text.length : text.indexOf('\n', e.end),
          }));
          if (findings.some((h) => h.rule === g.rule && lines.some((l) => h.start <= l.end && l.start <= h.end)))
            continue;
          violation(
            { case: c, finding: f, fix: x, kind: 'introduced', other: g },
            `${ctx} writes text that gets a new ${g.rule} finding ("${g.message}"):\n${next}`,
          );
        }
        // Applying it twice changes nothing: an offer of the same fix over what it wrote is a no-op.
        for (const g of after) {
          if (g.rule !== f.rule || !regions.some((r) => overlaps(r, g))) continue;
          for (const y of g.fixes) {
            if (y.title !== x.title || y.edits.length === 0) continue;
            if (applyEdits(next, y.edits) !== next) {
              violation(
                { case: c, finding: f, fix: x, kind: 'not-idempotent' },
                `${ctx} is not idempotent: offered again on its own output\n${next}`,
              );
            }
          }
        }
      }
    }
  }
  if (options.fixAll) {
    stats.fixAllRuns++;
    let once: ReturnType<typeof fixAll>;
    try {
      once = fixAll(text, fileName);
    } catch (err) {
      // An inverted finding range comes with inverted fix edits: fix-all (the CLI's --fix) throws.
      const inverted = findings.find((f) => f.start > f.end);
      const invertedFix = findings.flatMap((f) =>
        f.fixes.filter((x) => x.edits.some((e) => e.start > e.end)).map((x) => [f, x] as const),
      )[0];
      if (!inverted && !invertedFix) throw err;
      if (inverted)
        violation(
          { case: c, finding: inverted, fix: { title: 'fix-all', edits: [], safe: true }, kind: 'range' },
          `fix-all threw: ${(err as Error).message}`,
        );
      else
        violation(
          { case: c, finding: invertedFix![0], fix: invertedFix![1], kind: 'range' },
          `fix-all threw: ${(err as Error).message}`,
        );
      return;
    }
    if (strict) assert.ok(strictJson(once.text), `fix-all breaks strict JSON:\n${once.text}`);
    const twice = fixAll(once.text, fileName);
    if (twice.text !== once.text) {
      // The finding whose fix keeps being applied, looked up on the text fix-all left.
      const title = twice.applied[0] ?? '';
      const left = lint(once.text, fileName);
      const f = left.find((g) => g.fixes.some((x) => x.title === title)) ?? left[0];
      const fx = f?.fixes.find((x) => x.title === title) ?? { title, edits: [], safe: true };
      violation(
        {
          case: { fileName, text: once.text },
          finding:
            f ?? ({ rule: 'invalid-json', severity: 'error', message: '', start: 0, end: 0, fixes: [] } as Finding),
          fix: fx,
          kind: 'fix-all-diverges',
        },
        `fix-all does not converge (a second pass applied ${twice.applied.join(', ')}):\n${once.text}`,
      );
    }
  }
}
