// Completion inside php-config strings and ini files: directive names, handler and serializer
// names, save_path parameter names.
import {
  CLUSTER_PARAMS,
  COMPRESSIONS,
  DIRECTIVES,
  REDIS_PARAMS,
  SAVE_HANDLERS,
  SERIALIZE_HANDLERS,
} from './directives.ts';
import type { ParsedDocument } from './document.ts';
import { lineAt } from './position.ts';

export interface CompletionResult {
  label: string;
  /** LSP CompletionItemKind: 10 Property, 12 Value, 5 Field. */
  kind: 5 | 10 | 12;
  detail: string;
  documentation: string;
  insertText: string;
  /** Document span the insert text replaces. */
  start: number;
  end: number;
  /** Open the completion list again after inserting (a directive name followed by its values). */
  retrigger?: boolean;
}

/** Parameters that may be given more than once (arrays). */
const REPEATABLE = new Set(['seed', 'stream']);

const VALUES: Record<string, readonly string[]> = {
  'session.save_handler': SAVE_HANDLERS,
  'session.serialize_handler': SERIALIZE_HANDLERS,
  'redis.session.compression': COMPRESSIONS,
};

export function completions(model: ParsedDocument, offset: number): CompletionResult[] {
  const pos = lineAt(model.lines, offset);
  if (!pos) {
    return [];
  }
  const { line, local } = pos;
  const ini = line.ini;
  const eq = line.text.indexOf('=');
  /** The word under the cursor: its document span, and its text. */
  const word = (isWordChar: (c: string) => boolean): { start: number; end: number; text: string } => {
    let s = local;
    while (s > 0 && isWordChar(line.text[s - 1])) s--;
    let e = local;
    while (e < line.text.length && isWordChar(line.text[e])) e++;
    return { start: line.toDoc(s), end: line.toDoc(e), text: line.text.slice(s, e) };
  };
  if (eq < 0 || local <= eq) {
    const range = word((c) => /[\w.[\]]/.test(c));
    return DIRECTIVES.map((d) => ({
      label: d.name,
      kind: 10,
      detail: `default ${d.default}`,
      documentation: d.doc,
      insertText: eq < 0 ? `${d.name} = ` : d.name,
      start: range.start,
      end: range.end,
      ...(eq < 0 && VALUES[d.name] ? { retrigger: true } : {}),
    }));
  }
  const values = VALUES[ini.name];
  if (values) {
    const range = word((c) => /[\w-]/.test(c));
    return values.map((v) => ({
      label: v,
      kind: 12,
      detail: ini.name,
      documentation: '',
      insertText: v,
      start: range.start,
      end: range.end,
    }));
  }
  if (ini.name === 'session.save_path') {
    const before = line.text.slice(eq + 1, local);
    const lastSep = Math.max(before.lastIndexOf('?'), before.lastIndexOf('&'));
    const cluster = /seed/.test(line.text) || !before.includes('://');
    if (lastSep < 0 && !cluster) return [];
    const tail = before.slice(lastSep + 1);
    if (tail.includes('=')) return [];
    const range = word((c) => /[\w[\]]/.test(c));
    // The keys this server URL (the whole value for rediscluster) already has, the one typed aside.
    const value = line.text.slice(eq + 1);
    const at = local - eq - 1;
    const from = cluster ? 0 : Math.max(...[' ', '\t', ','].map((c) => value.lastIndexOf(c, at - 1))) + 1;
    const toSep = cluster ? -1 : value.slice(at).search(/[\s,]/);
    const segment = value.slice(from, toSep < 0 ? value.length : at + toSep);
    const typed = range.text.replace(/\[.*$/, '');
    const present = new Set(
      [...segment.matchAll(/(?:^|[?&'"])([A-Za-z_]+)(?:\[[^\]]*\])?=/g)].map((m) => m[1]).filter((k) => k !== typed),
    );
    return (cluster ? CLUSTER_PARAMS : REDIS_PARAMS)
      .filter((p) => REPEATABLE.has(p.name) || !present.has(p.name))
      .map((p) => ({
        label: p.name,
        kind: 5,
        detail: `save_path parameter (default ${p.default})`,
        documentation: p.doc,
        insertText: p.name === 'seed' ? 'seed[]=' : p.name === 'stream' ? 'stream[verify_peer]=' : `${p.name}=`,
        start: range.start,
        end: range.end,
      }));
  }
  return [];
}
