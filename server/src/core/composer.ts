// composer.json → the configuration it holds: the php-config lines Scalingo's buildpack appends to
// php.ini (extra.paas / extra.heroku), and the require / require-dev / config.platform entries.
// Most composer.json files are strict JSON with at most an extra.paas.php-config array of strings:
// those are read with JSON.parse (native, no syntax tree) and the tree that offsets and fixes need
// is built only when something asks for it (a finding). Anything else takes jsonc-parser's tree.
import {
  createScanner,
  findNodeAtLocation,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { afterKey, KeyCounts } from './composerKeys.ts';
import { joinedConfigLines, type ConfigLine, type LineOrigin } from './configLine.ts';
import type { IniLine } from './ini.ts';
import { decodeJsonString, encodeJsonStringBody } from './jsonString.ts';
import { insertAfterChild, removeChild } from './jsonEdits.ts';
import type { TextEdit } from './types.ts';

export interface PhpConfigBlock {
  origin: Exclude<LineOrigin, 'ini'>;
  /** The `php-config` value node (an array when well-formed). */
  readonly node: Node;
  /** Whether that value is an array. */
  array: boolean;
  /** Elements that are not strings. */
  nonStrings: Node[];
}

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;

export class ComposerDocument {
  /** Strict-JSON errors (comments, trailing commas included), in document order. */
  errors: ParseError[] = [];
  blocks: PhpConfigBlock[] = [];
  /** Every php-config string, in document order of its block. */
  lines: ConfigLine[] = [];
  /** The block Scalingo reads: extra.heroku when it is present and non-empty, else extra.paas. */
  effectiveOrigin: 'paas' | 'heroku' = 'paas';
  /** The `extra.heroku` property node when it shadows extra.paas. */
  shadowingHeroku?: Node;
  /** The document is a JSON object (what Composer reads). */
  rootIsObject = false;
  /** Read with JSON.parse: `require` as it parsed (null: not an object), undefined when absent. */
  private parsedRequire?: Record<string, unknown> | null;
  private counted?: KeyCounts;
  private tree?: { root: Node | undefined };

  constructor(readonly text: string) {}

  /** jsonc-parser's tree of the document, built on first use when JSON.parse read it. */
  get root(): Node | undefined {
    this.tree ??= { root: parseTree(this.text, [], STRICT) };
    return this.tree.root;
  }

  /** How often the keys JSON.parse's reading relies on are written (counted when first asked). */
  private get keys(): KeyCounts {
    return (this.counted ??= new KeyCounts(this.text));
  }

  /** The first `require` entry named `name` (case-insensitive, as Composer treats package names). */
  requireEntry(name: string): { value: unknown } | undefined {
    const parsed = this.tree ? 'unsure' : this.parsedRequireEntry(name);
    if (parsed !== 'unsure') return parsed;
    const found = propertyOf(objectAt(this.root, ['require']), name);
    return found ? { value: found.prop.children?.[1]?.value } : undefined;
  }

  private parsedRequireEntry(name: string): { value: unknown } | undefined | 'unsure' {
    const req = this.parsedRequire;
    if (!req) return undefined;
    const lower = name.toLowerCase();
    for (const key in req) {
      if (key.toLowerCase() !== lower) continue;
      // JSON.parse keeps the last of duplicate keys, jsonc-parser (and Composer's reading) the first.
      return /^[\w.-]+$/.test(key) && this.keys.once(key) ? { value: req[key] } : 'unsure';
    }
    return undefined;
  }

  /** Fills the document from JSON.parse; false when it is not the plain case (then the tree reads it). */
  readParsed(): boolean {
    const text = this.text;
    // A \uXXXX escape may spell a key: the key counts below would not see it.
    if (text.includes('\\u')) return false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    if (!isObject(value)) return false;
    // Every check before any field is set: a document this cannot read is read by the tree instead.
    let config: string[] | undefined;
    if (has(value, 'extra')) {
      if (!this.keys.once('extra')) return false;
      const extra = value.extra;
      if (isObject(extra) && has(extra, 'heroku')) return false;
      if (isObject(extra) && has(extra, 'paas')) {
        if (!this.keys.once('paas')) return false;
        const paas = extra.paas;
        if (isObject(paas) && has(paas, 'php-config')) {
          const c = paas['php-config'];
          if (!this.keys.once('php-config') || !Array.isArray(c)) return false;
          if (!c.every((s) => typeof s === 'string')) return false;
          config = c;
        }
      }
    }
    if (has(value, 'require') && !this.keys.once('require')) return false;
    if (config) {
      const block = new ParsedBlock(text);
      this.blocks.push(block);
      this.lines = joinedConfigLines(config.map((s, i) => new PhpConfigString(s, block, i, text)));
    }
    if (has(value, 'require')) this.parsedRequire = isObject(value.require) ? value.require : null;
    this.rootIsObject = true;
    return true;
  }

  /** Fills the document from jsonc-parser's tree (errors, recovery, extra.heroku, odd php-config values). */
  readTree(): void {
    const text = this.text;
    const root = parseTree(text, this.errors, STRICT);
    this.tree = { root };
    if (!root || root.type !== 'object') return;
    this.rootIsObject = true;
    for (const origin of ['paas', 'heroku'] as const) {
      const node = findNodeAtLocation(root, ['extra', origin, 'php-config']);
      if (node) this.blocks.push({ origin, node, array: node.type === 'array', nonStrings: [] });
    }
    const heroku = findNodeAtLocation(root, ['extra', 'heroku']);
    if (isNonEmpty(heroku)) {
      this.effectiveOrigin = 'heroku';
      if (findNodeAtLocation(root, ['extra', 'paas'])) this.shadowingHeroku = heroku.parent;
    }
    // Each block is a php.ini of its own for the buildpack: its lines are read together.
    this.lines = this.blocks.flatMap((b) => joinedConfigLines(blockMappings(text, b)));
  }
}

/**
 * extra.paas.php-config of a document JSON.parse read: an array of strings whose key is written
 * once. Its node (the array and its string elements, what offsets and edits read) comes from
 * jsonc-parser's scanner over that array alone, when first asked for.
 */
class ParsedBlock implements PhpConfigBlock {
  readonly origin = 'paas';
  readonly array = true;
  readonly nonStrings: Node[] = [];
  private scanned?: Node;

  constructor(private readonly text: string) {}

  get node(): Node {
    return (this.scanned ??= scanStringArray(this.text, afterKey(this.text, 'php-config')));
  }
}

// jsonc-parser's SyntaxKind (a const enum its typings declare, which isolated modules cannot inline).
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const STRING_LITERAL = 10;

/** The array of strings written from `from` on (strict JSON, already validated) as a jsonc-parser node. */
function scanStringArray(text: string, from: number): Node {
  const scanner = createScanner(text, true);
  scanner.setPosition(from);
  while (scanner.scan() !== OPEN_BRACKET);
  const offset = scanner.getTokenOffset();
  const children: Node[] = [];
  for (let kind = scanner.scan(); kind !== CLOSE_BRACKET; kind = scanner.scan()) {
    if (kind === STRING_LITERAL)
      children.push({
        type: 'string',
        offset: scanner.getTokenOffset(),
        length: scanner.getTokenLength(),
        value: scanner.getTokenValue(),
      });
  }
  return { type: 'array', offset, length: scanner.getTokenOffset() + 1 - offset, children };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

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
    private readonly block: PhpConfigBlock,
    private readonly index: number,
    private readonly doc: string,
    /** Document offset of each unit of `text`, and of its end (from the tree when first needed). */
    private offsets?: number[],
  ) {}

  get origin(): PhpConfigBlock['origin'] {
    return this.block.origin;
  }

  toDoc(i: number): number {
    let o = this.offsets;
    if (!o) {
      const el = this.block.node.children![this.index]!;
      o = this.offsets = decodeJsonString(this.doc.slice(el.offset, el.offset + el.length), el.offset).offsets;
    }
    return o[Math.max(0, Math.min(i, o.length - 1))]!;
  }

  encode(s: string): string {
    return encodeJsonStringBody(s);
  }

  removal(): TextEdit {
    return removeChild(this.block.node, this.index);
  }

  insertAfter(s: string): TextEdit {
    return insertAfterChild(this.doc, this.block.node, this.index, JSON.stringify(s));
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
    lines.push(new PhpConfigString(decoded.value, block, index, text, decoded.offsets));
  });
  return lines;
}

export function parseComposer(text: string): ComposerDocument {
  const doc = new ComposerDocument(text);
  if (!doc.readParsed()) doc.readTree();
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
