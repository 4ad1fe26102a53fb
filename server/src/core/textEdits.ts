// Edits applied to text: what a fix does to a document.
import type { TextEdit } from './types.ts';

/** Applies non-overlapping edits (any order) to `text`. Throws on overlap: a fix bug, never silent. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.end > limit || e.start > e.end || e.start < 0 || e.end > text.length)
      throw new Error('overlapping or out-of-range edits');
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    limit = e.start;
  }
  return out;
}
