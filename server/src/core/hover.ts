// Hover on a directive, a handler / serializer name, or a save_path parameter: what it does,
// its default and valid values.
import { CLUSTER_PARAMS, directiveDoc, REDIS_PARAMS, SAVE_HANDLERS, SERIALIZE_HANDLERS } from './directives.ts';
import type { ParsedDocument } from './document.ts';
import { lineAt, paramKeyAt } from './position.ts';

export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

const HANDLER_NOTES: Record<string, string> = {
  files: "PHP's default: sessions on the local disk. Lost between containers and on every deploy.",
  redis: 'phpredis (`ext-redis`): one Redis server or a pool of servers. save_path `tcp://host:port?auth=…`.',
  rediscluster: 'phpredis (`ext-redis`): a Redis Cluster. save_path `seed[]=host:port&seed[]=…`.',
  memcached: 'php-memcached (`ext-memcached`).',
  memcache: 'pecl/memcache (`ext-memcache`).',
  mm: 'Shared memory (libmm), single host only.',
};

export function hover(model: ParsedDocument, offset: number): HoverResult | undefined {
  const pos = lineAt(model.lines, offset);
  if (!pos || pos.line.ini.kind !== 'directive') return undefined;
  const { line, local } = pos;
  const ini = line.ini;
  const span = (s: number, e: number): { start: number; end: number } => ({ start: line.toDoc(s), end: line.toDoc(e) });
  if (local >= ini.nameSpan.start && local <= ini.nameSpan.end) {
    const d = directiveDoc(ini.name);
    if (!d) return undefined;
    const values = d.values ? `\n\nValues: ${d.values.map((v) => `\`${v}\``).join(', ')}` : '';
    return {
      markdown: `**${d.name}**\n\n${d.doc}\n\nDefault: \`${d.default}\`${values}`,
      ...span(ini.nameSpan.start, ini.nameSpan.end),
    };
  }
  const v = ini.value;
  if (!v || local < v.span.start || local > v.span.end) return undefined;
  const valueSpan = span(v.span.start, v.span.end);
  if (ini.name === 'session.save_handler') {
    const name = v.text.toLowerCase();
    const note = HANDLER_NOTES[name];
    return {
      markdown: note
        ? `**${name}** — ${note}`
        : `Not a session save handler. Valid: ${SAVE_HANDLERS.map((h) => `\`${h}\``).join(', ')}`,
      ...valueSpan,
    };
  }
  if (ini.name === 'session.serialize_handler') {
    return {
      markdown: `Session serializers: ${SERIALIZE_HANDLERS.map((h) => `\`${h}\``).join(', ')}. \`igbinary\` and \`msgpack\` need their extensions.`,
      ...valueSpan,
    };
  }
  if (ini.name === 'session.save_path') {
    const i = v.offsets.findIndex((o) => o >= local);
    const at = i < 0 ? v.text.length : i;
    const key = paramKeyAt(v.text, at);
    if (!key) return undefined;
    const doc = [...REDIS_PARAMS, ...CLUSTER_PARAMS].find((p) => p.name === key.name);
    if (!doc)
      return {
        markdown: `phpredis ignores the parameter \`${key.name}\`.`,
        ...span(v.offsets[key.start], v.offsets[key.end]),
      };
    return {
      markdown: `**${doc.name}** — ${doc.doc}\n\nDefault: \`${doc.default}\``,
      ...span(v.offsets[key.start], v.offsets[key.end]),
    };
  }
  return undefined;
}
