// Minimal, formatting-preserving edits of composer.json: remove an array element or property,
// insert after an element, add a package to `require` (creating it when absent) in the file's
// own indentation, colon spacing and key order style.
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { TextEdit } from './types.ts';

const end = (n: Node): number => n.offset + n.length;

/** Removes child `index` of an array or object node together with one separating comma. */
export function removeChild(container: Node, index: number): TextEdit {
  const kids = container.children ?? [];
  if (kids.length === 1) {
    return { start: container.offset + 1, end: end(container) - 1, newText: '' };
  }
  if (index < kids.length - 1) {
    return { start: kids[index].offset, end: kids[index + 1].offset, newText: '' };
  }
  return { start: end(kids[index - 1]), end: end(kids[index]), newText: '' };
}

/** The whitespace that precedes child `index` (after `[`/`{` or `,`): reused as separator. */
function separatorBefore(text: string, container: Node, index: number): string {
  const kids = container.children ?? [];
  const from = index === 0 ? container.offset + 1 : end(kids[index - 1]);
  const between = text.slice(from, kids[index].offset);
  const ws = between.replace(/^[^\s]*/, '').match(/\s*$/);
  return ws ? ws[0] : ' ';
}

/** Inserts `literal` (already JSON) as a new array element after child `index`. */
export function insertAfterChild(text: string, container: Node, index: number, literal: string): TextEdit {
  const kids = container.children ?? [];
  const at = end(kids[index]);
  return { start: at, end: at, newText: ',' + separatorBefore(text, container, index) + literal };
}

export function detectIndent(text: string, root: Node | undefined): string {
  const first = root?.children?.[0];
  if (first) {
    const lineStart = text.lastIndexOf('\n', first.offset) + 1;
    const ws = text.slice(lineStart, first.offset);
    if (/^[ \t]+$/.test(ws)) return ws;
  }
  return '    ';
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Composer's sort-packages order: php, hhvm, ext-*, lib-*, other platform names, then packages. */
export function composerSortKey(name: string): string {
  const lower = name.toLowerCase();
  const platform = !lower.includes('/');
  if (!platform) return '5-' + lower;
  if (lower.startsWith('php')) return '0-' + lower;
  if (lower.startsWith('hhvm')) return '1-' + lower;
  if (lower.startsWith('ext-')) return '2-' + lower;
  if (lower.startsWith('lib-')) return '3-' + lower;
  return '4-' + lower;
}

const isPlatform = (name: string): boolean => !name.includes('/');

function colonOf(text: string, prop: Node | undefined): string {
  if (!prop?.children || prop.children.length < 2) return ': ';
  const between = text.slice(end(prop.children[0]), prop.children[1].offset);
  return between.trim() === ':' ? between : ': ';
}

/** Adds `"name": "constraint"` to the object `obj`, at the place its key order suggests. */
export function addProperty(text: string, obj: Node, name: string, constraint: string, indentUnit: string): TextEdit {
  const props = obj.children ?? [];
  const entry = (colon: string): string => `${JSON.stringify(name)}${colon}${JSON.stringify(constraint)}`;
  if (props.length === 0) {
    const lineStart = text.lastIndexOf('\n', obj.offset) + 1;
    const baseIndent = text.slice(lineStart, obj.offset).match(/^[ \t]*/)?.[0] ?? '';
    const eol = eolOf(text);
    return {
      start: obj.offset + 1,
      end: end(obj) - 1,
      newText: `${eol}${baseIndent}${indentUnit}${entry(': ')}${eol}${baseIndent}`,
    };
  }
  const keys = props.map((p) => String(p.children?.[0]?.value ?? ''));
  const sorted = keys.every((k, i) => i === 0 || composerSortKey(keys[i - 1]) <= composerSortKey(k));
  let after: number; // insert after this index; -1 = before the first
  if (sorted) {
    const key = composerSortKey(name);
    after = keys.findIndex((k) => composerSortKey(k) > key) - 1;
    if (after === -2) after = props.length - 1;
  } else {
    const lastPlatform = keys.map(isPlatform).lastIndexOf(true);
    after = isPlatform(name) && lastPlatform >= 0 ? lastPlatform : props.length - 1;
  }
  const colon = colonOf(text, props[Math.max(after, 0)]);
  if (after < 0) {
    const sep = separatorBefore(text, obj, 0);
    return { start: props[0].offset, end: props[0].offset, newText: entry(colon) + ',' + sep };
  }
  const at = end(props[after]);
  return { start: at, end: at, newText: ',' + separatorBefore(text, obj, after) + entry(colon) };
}

// Keys Composer's documentation lists before `require`: the new `require` goes after the last of them.
const BEFORE_REQUIRE = [
  'name',
  'description',
  'version',
  'type',
  'keywords',
  'homepage',
  'readme',
  'time',
  'license',
  'authors',
  'support',
  'funding',
];

/** Adds a package to `require`, creating `require` when it is absent. */
export function addRequire(text: string, root: Node, name: string, constraint: string): TextEdit | undefined {
  if (root.type !== 'object') return undefined;
  const indent = detectIndent(text, root);
  const req = findNodeAtLocation(root, ['require']);
  if (req) return req.type === 'object' ? addProperty(text, req, name, constraint, indent) : undefined;
  const eol = eolOf(text);
  const props = root.children ?? [];
  const block = `"require": {${eol}${indent}${indent}${JSON.stringify(name)}: ${JSON.stringify(constraint)}${eol}${indent}}`;
  if (props.length === 0) {
    return { start: root.offset + 1, end: end(root) - 1, newText: `${eol}${indent}${block}${eol}` };
  }
  const keys = props.map((p) => String(p.children?.[0]?.value ?? ''));
  let after = -1;
  keys.forEach((k, i) => {
    if (BEFORE_REQUIRE.includes(k)) after = i;
  });
  if (after < 0) {
    const sep = separatorBefore(text, root, 0);
    return { start: props[0].offset, end: props[0].offset, newText: block + ',' + sep };
  }
  const at = end(props[after]);
  return { start: at, end: at, newText: ',' + separatorBefore(text, root, after) + block };
}
