// Fixes checked by applying them, in documents PHP cannot read whole. A fix is written for the
// lines around it as PHP reads them; when an earlier quote runs on, a stray `=` stops the parse or a
// value is garbled, those assumptions fail, and an edit there can leave its finding in place or write
// text PHP refuses. In such a document a fix is offered only when, applied and linted again, its
// finding is gone, what it wrote earns no new syntax finding on a line that had none, and it is not
// offered again over its own output.
import { parseDocument, type ParsedDocument } from './document.ts';
import { applyEdits } from './textEdits.ts';
import type { Finding, Fix } from './types.ts';

/** Findings that mean "PHP cannot read this text": a fix must never write text that earns one. */
const MALFORMED = new Set(['ini-syntax', 'invalid-json']);

type Span = { start: number; end: number };
const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/** Where the fix's new text lies in the fixed document. */
function writtenRegions(fix: Fix): Span[] {
  let shift = 0;
  const out: Span[] = [];
  for (const e of [...fix.edits].sort((a, b) => a.start - b.start)) {
    const start = e.start + shift;
    if (e.newText.length) out.push({ start, end: start + e.newText.length });
    shift += e.newText.length - (e.end - e.start);
  }
  return out;
}

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

/** The line(s) an edit touches, in the original text. */
function editLines(text: string, fix: Fix): Span[] {
  return fix.edits.map((e) => {
    const nl = text.indexOf('\n', e.end);
    return { start: text.lastIndexOf('\n', e.start - 1) + 1, end: nl < 0 ? text.length : nl };
  });
}

function holds(doc: ParsedDocument, findings: readonly Finding[], f: Finding, fix: Fix, lintText: LintText): boolean {
  if (fix.edits.length === 0) return true; // a command or another file's edit: nothing written here
  let next: string;
  try {
    next = applyEdits(doc.text, fix.edits);
  } catch {
    return false;
  }
  const after = lintText(parseDocument(next, doc.kind));
  const same = (g: Finding): boolean => g.rule === f.rule && g.message === f.message;
  const at = { start: mapOffset(fix, f.start, 'start'), end: mapOffset(fix, f.end, 'end') };
  const kept =
    after.filter(same).length >= findings.filter(same).length &&
    after.some(
      (g) =>
        same(g) &&
        (overlaps(g, at) || (g.start <= at.start && at.end <= g.end) || (at.start <= g.start && g.end <= at.end)),
    );
  if (kept) return false;
  const regions = writtenRegions(fix);
  // Offered again over its own output, it would change the text again: it never settles.
  const again = after.some(
    (g) =>
      g.rule === f.rule &&
      regions.some((r) => overlaps(r, g)) &&
      g.fixes.some((y) => y.title === fix.title && y.edits.length > 0 && applyEdits(next, y.edits) !== next),
  );
  if (again) return false;
  const lines = editLines(doc.text, fix);
  return !after.some(
    (g) =>
      MALFORMED.has(g.rule) &&
      regions.some((r) => overlaps(r, g) || (g.start === g.end && r.start <= g.start && g.start <= r.end)) &&
      !findings.some((h) => h.rule === g.rule && lines.some((l) => h.start <= l.end && l.start <= h.end)),
  );
}

/** Lints a document without checking its fixes (the check's own re-lint). */
export type LintText = (doc: ParsedDocument) => Finding[];

/**
 * The findings with only the fixes that do their job, when PHP cannot read the document whole
 * (it has a syntax finding); otherwise the findings as they are.
 */
export function checkedFixes(doc: ParsedDocument, findings: Finding[], lintText: LintText): Finding[] {
  if (!findings.some((f) => f.rule === 'ini-syntax')) return findings;
  return findings.map((f) => {
    if (f.fixes.length === 0) return f;
    const good = f.fixes.filter((x) => holds(doc, findings, f, x, lintText));
    return good.length === f.fixes.length ? f : { ...f, fixes: good };
  });
}
