// The structure of composer.json: strict JSON, php-config shape, extra.heroku shadowing extra.paas.
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import { jsonErrorMessage } from '../composer.ts';
import { removeChild } from '../jsonEdits.ts';
import { finding, fix, type Rule } from '../ruleContext.ts';
import type { TextEdit } from '../types.ts';

const end = (n: Node): number => n.offset + n.length;

export const structureRules: Rule = (ctx) => {
  const doc = ctx.composer;
  if (!doc) return;
  const first = doc.errors[0];
  if (first) {
    const start = Math.min(first.offset, ctx.text.length);
    ctx.report(
      finding(
        'invalid-json',
        { start, end: Math.min(ctx.text.length, start + Math.max(first.length, 1)) },
        `composer.json is not valid JSON (${jsonErrorMessage(first)}): Composer and the PaaS buildpacks reject comments, trailing commas and unquoted keys.`,
      ),
    );
  }
  if (!doc.rootIsObject && doc.root) {
    ctx.report(
      finding(
        'php-config-not-array',
        { start: doc.root.offset, end: end(doc.root) },
        'composer.json must hold a JSON object.',
      ),
    );
  }
  for (const block of doc.blocks) {
    const path = `extra.${block.origin}.php-config`;
    if (!block.array) {
      ctx.report(
        finding(
          'php-config-not-array',
          { start: block.node.offset, end: end(block.node) },
          `${path} must be an array of strings, one php.ini line each.`,
        ),
      );
      continue;
    }
    for (const el of block.nonStrings) {
      ctx.report(
        finding(
          'php-config-not-array',
          { start: el.offset, end: end(el) },
          `Each element of ${path} must be a string (one php.ini line).`,
        ),
      );
    }
  }
  const heroku = doc.shadowingHeroku;
  if (heroku && doc.root) {
    const key = heroku.children?.[0] ?? heroku;
    ctx.report(
      finding(
        'paas-config-shadowed',
        { start: key.offset, end: end(key) },
        'extra.heroku is present, so Scalingo reads extra.heroku.* and ignores extra.paas: move these keys under extra.paas.',
        doc.errors.length ? [] : moveHerokuFix(ctx.text, doc.root),
      ),
    );
  }
};

/** Moves every extra.heroku key under extra.paas (heroku's value wins, as it does today) and drops extra.heroku. */
function moveHerokuFix(text: string, root: Node) {
  const extra = findNodeAtLocation(root, ['extra']);
  const heroku = findNodeAtLocation(root, ['extra', 'heroku']);
  const paas = findNodeAtLocation(root, ['extra', 'paas']);
  if (!extra || !heroku || !paas || heroku.type !== 'object' || paas.type !== 'object') return [];
  const edits: TextEdit[] = [];
  const inserts: string[] = [];
  for (const prop of heroku.children ?? []) {
    const [k, v] = prop.children ?? [];
    if (!k || !v) continue;
    const same = (paas.children ?? []).find((p) => p.children?.[0]?.value === k.value);
    const valueText = text.slice(v.offset, end(v));
    if (same?.children?.[1])
      edits.push({ start: same.children[1].offset, end: end(same.children[1]), newText: valueText });
    else inserts.push(text.slice(prop.offset, end(prop)));
  }
  if (inserts.length) {
    const kids = paas.children ?? [];
    if (kids.length) {
      const last = kids[kids.length - 1];
      const before = text
        .slice(kids.length > 1 ? end(kids[kids.length - 2]) : paas.offset + 1, last.offset)
        .replace(/^[^\s]*/, '');
      edits.push({ start: end(last), end: end(last), newText: inserts.map((s) => ',' + before + s).join('') });
    } else {
      edits.push({ start: paas.offset + 1, end: end(paas) - 1, newText: inserts.join(', ') });
    }
  }
  const index = (extra.children ?? []).indexOf(heroku.parent as Node);
  if (index < 0) return [];
  edits.push(removeChild(extra, index));
  return [fix('Move the extra.heroku keys under extra.paas', edits, false)];
}
