// composer.json → the configuration it holds: the php-config lines Scalingo's buildpack appends to
// php.ini (extra.paas / extra.heroku), and the require / require-dev / config.platform entries.
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { joinedConfigLines, type ConfigLine, type LineOrigin } from './configLine.ts';
import type { IniLine } from './ini.ts';
import { decodeJsonString, encodeJsonStringBody } from './jsonString.ts';
import { insertAfterChild, removeChild } from './jsonEdits.ts';
import type { TextEdit } from './types.ts';

export interface PhpConfigBlock {
  origin: Exclude<LineOrigin, 'ini'>;
  /** The `php-config` value node (an array when well-formed). */
  node: Node;
  /** Elements that are not strings. */
  nonStrings: Node[];
}

export interface ComposerDocument {
  text: string;
  root: Node | undefined;
  /** Strict-JSON errors (comments, trailing commas included), in document order. */
  errors: ParseError[];
  blocks: PhpConfigBlock[];
  /** Every php-config string, in document order of its block. */
  lines: ConfigLine[];
  /** The block Scalingo reads: extra.heroku when it is present and non-empty, else extra.paas. */
  effectiveOrigin: 'paas' | 'heroku';
  /** The `extra.heroku` property node when it shadows extra.paas. */
  shadowingHeroku?: Node;
}

export function jsonErrorMessage(e: ParseError): string {
  return printParseErrorCode(e.error);
}

function isNonEmpty(node: Node | undefined): node is Node {
  if (!node) return false;
  if (node.type === 'object' || node.type === 'array') return (node.children?.length ?? 0) > 0;
  return node.type !== 'null';
}

/** One php-config string: its mapping reads the decoded string's offsets (prototype methods, no closures). */
class PhpConfigString implements ConfigLine {
  ini!: IniLine;

  constructor(
    readonly text: string,
    readonly origin: PhpConfigBlock['origin'],
    /** Document offset of each unit of `text`, and of its end. */
    private readonly offsets: number[],
    private readonly doc: string,
    private readonly array: Node,
    private readonly index: number,
  ) {}

  toDoc(i: number): number {
    const o = this.offsets;
    return o[Math.max(0, Math.min(i, o.length - 1))]!;
  }

  encode(s: string): string {
    return encodeJsonStringBody(s);
  }

  removal(): TextEdit {
    return removeChild(this.array, this.index);
  }

  insertAfter(s: string): TextEdit {
    return insertAfterChild(this.doc, this.array, this.index, JSON.stringify(s));
  }
}

function blockMappings(text: string, block: PhpConfigBlock): PhpConfigString[] {
  const arr = block.node;
  if (arr.type !== 'array') return [];
  const kids = arr.children ?? [];
  const lines: PhpConfigString[] = [];
  kids.forEach((el, index) => {
    if (el.type !== 'string') {
      block.nonStrings.push(el);
      return;
    }
    const decoded = decodeJsonString(text.slice(el.offset, el.offset + el.length), el.offset);
    lines.push(new PhpConfigString(decoded.value, block.origin, decoded.offsets, text, arr, index));
  });
  return lines;
}

export function parseComposer(text: string): ComposerDocument {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const blocks: PhpConfigBlock[] = [];
  const doc: ComposerDocument = { text, root, errors, blocks, lines: [], effectiveOrigin: 'paas' };
  if (!root || root.type !== 'object') return doc;
  for (const origin of ['paas', 'heroku'] as const) {
    const node = findNodeAtLocation(root, ['extra', origin, 'php-config']);
    if (node) blocks.push({ origin, node, nonStrings: [] });
  }
  const heroku = findNodeAtLocation(root, ['extra', 'heroku']);
  if (isNonEmpty(heroku)) {
    doc.effectiveOrigin = 'heroku';
    if (findNodeAtLocation(root, ['extra', 'paas'])) doc.shadowingHeroku = heroku.parent;
  }
  // Each block is a php.ini of its own for the buildpack: its lines are read together.
  doc.lines = blocks.flatMap((b) => joinedConfigLines(blockMappings(text, b)));
  return doc;
}

/** The string-keyed members of an object node at `path`, if it is an object. */
export function objectAt(root: Node | undefined, path: string[]): Node | undefined {
  const node = root ? findNodeAtLocation(root, path) : undefined;
  return node?.type === 'object' ? node : undefined;
}

/** The property node `key` of an object node (case-insensitive, as Composer treats package names). */
export function propertyOf(obj: Node | undefined, key: string): { prop: Node; index: number } | undefined {
  const kids = obj?.children ?? [];
  const lower = key.toLowerCase();
  const index = kids.findIndex((p) => String(p.children?.[0]?.value ?? '').toLowerCase() === lower);
  return index >= 0 ? { prop: kids[index], index } : undefined;
}
