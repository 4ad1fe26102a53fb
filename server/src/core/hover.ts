// Hover on a directive, a handler / serializer name, or a save_path parameter: what it does,
// its default and valid values.
import { CLUSTER_PARAMS, directiveDoc, REDIS_PARAMS, SERIALIZE_HANDLERS } from './directives.ts';
import { phpIniValue, type IniValue } from './ini.ts';
import { REDIS_URL_ENV } from './redisUrl.ts';
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

/** Hover on a `${VAR}` reference: what PHP does with it (line offsets). */
function envHover(name: string, v: IniValue, local: number): HoverResult | undefined {
  const literal = v.literalEnv.find((e) => local >= e.span.start && local <= e.span.end);
  if (literal) {
    return {
      markdown: `\`\${${literal.name}}\` is inside single quotes: PHP keeps it as written and does not read the environment variable. Use double quotes.`,
      ...literal.span,
    };
  }
  const ref = v.env.find((e) => local >= e.span.start && local <= e.span.end);
  if (!ref) return undefined;
  const [varName, fallback] = ref.name.split(':-');
  const lines = [
    `\`\${${ref.name}}\` — PHP replaces it with the environment variable \`${varName}\` when it reads the configuration${fallback !== undefined ? ` (PHP ≥ 8.3: \`${fallback}\` when it is unset or empty)` : ''}. Under php-fpm the pool must pass the variable (\`clear_env = no\` or \`env[${varName}]\`).`,
  ];
  if (name === 'session.save_path' && REDIS_URL_ENV.test(varName ?? '')) {
    lines.push(
      `On Scalingo and Heroku \`${varName}\` holds a \`redis://\` URL, which phpredis cannot use as a save_path: keep the save_path in its own variable (\`tcp://host:port?auth=…\`).`,
    );
  }
  return { markdown: lines.join('\n\n'), ...ref.span };
}

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
  const env = envHover(ini.name, v, local);
  if (env) return { markdown: env.markdown, ...span(env.start, env.end) };
  const valueSpan = span(v.span.start, v.span.end);
  if (ini.name === 'session.save_handler') {
    // An unknown name already has its diagnostic (with the valid names): no second message.
    const note = HANDLER_NOTES[phpIniValue(v).toLowerCase()];
    return note ? { markdown: `**${phpIniValue(v).toLowerCase()}** — ${note}`, ...valueSpan } : undefined;
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
