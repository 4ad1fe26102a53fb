// Dispatches the effective session.save_path to the checks of the handler that reads it.
import { effective, handlerName } from '../config.ts';
import { ClientCommands } from '../../protocol.ts';
import { findPlaceholder } from '../placeholders.ts';
import { finding, valueDocSpan, type Rule } from '../ruleContext.ts';
import { fillArgs } from './iniLines.ts';
import { envRanges, maskEnv } from '../envMask.ts';
import type { Finding } from '../types.ts';
import { checkClusterPath } from './clusterPath.ts';
import { pathKind } from './handler.ts';
import { checkRedisPath } from './redisPath.ts';
import { at, type PathSite } from './params.ts';
import { SAVE_HANDLERS } from '../directives.ts';

const isKnownHandler = (h: string): boolean => (SAVE_HANDLERS as readonly string[]).includes(h);

export const savePathRules: Rule = (ctx) => {
  const pathOcc = effective(ctx.config, 'session.save_path');
  const value = pathOcc?.value;
  // A line PHP cannot even read is already an ini-syntax error.
  if (!pathOcc || !value || pathOcc.line.ini.problems.length || !value.text.replace(/[\s,]/g, '')) return;
  if (value.dynamic || value.expr) return;
  // ${VAR} is only known at run time: check what surrounds it twice, with two stand-ins for the
  // variable, and keep what both runs find and is not about the variable itself.
  if (!maskEnv(value)) return;
  const handlerOcc = effective(ctx.config, 'session.save_handler');
  const handler = handlerName(handlerOcc);
  if (handlerOcc && handler === undefined) return;
  if (!value.env.length) {
    check({ ctx, line: pathOcc.line, value, text: value.text }, handler);
    return;
  }
  // Digits fit every place a variable goes (host, port, number); letters would break a port.
  const run = (standIn: string): Finding[] => {
    const found: Finding[] = [];
    const masked = maskEnv(value, standIn)!;
    check(
      {
        ctx: { ...ctx, report: (f: Finding) => found.push(f) },
        line: pathOcc.line,
        value,
        text: masked.text,
        masked,
      },
      handler,
    );
    return found;
  };
  // Only what both runs find is kept: when the first finds nothing (the common case), no second run.
  const found = run('1');
  if (!found.length) return;
  const envSpans = envRanges(value).map(([a, b]) => valueDocSpan(pathOcc.line, value, a, b));
  // A finding inside the variable is about its stand-in, and so is a placeholder overlapping it
  // (checkAuth already leaves out a password that overlaps a stand-in).
  const aboutVariable = (f: Finding): boolean =>
    envSpans.some((e) => f.start >= e.start && f.end <= e.end) ||
    (f.rule === 'placeholder-save-path' && envSpans.some((e) => f.start < e.end && e.start < f.end));
  const first = found.filter((f) => !aboutVariable(f));
  if (!first.length) return;
  const key = (f: Finding): string => `${f.rule}:${f.start}:${f.end}`;
  const second = new Set(run('2').map(key));
  for (const f of first) if (second.has(key(f))) ctx.report(f);
};

const ROLE_WORDS = { host: 'host', port: 'port', password: 'password' } as const;

/** The documentation's placeholders, wherever a host, port or password goes: one clear finding, nothing else. */
function placeholder(site: PathSite, cluster: boolean): boolean {
  const found = findPlaceholder(site.text, cluster);
  if (!found) return false;
  const envName = /^(?:\$|%)?([A-Z][A-Z0-9_]*)%?$/.exec(found.text)?.[1];
  const hint =
    envName && envName.length > 3
      ? ` If "${found.text}" names an environment variable, write "\${${envName}}" inside double quotes: PHP expands that form only.`
      : '';
  site.ctx.report(
    finding(
      'placeholder-save-path',
      at(site, found.span),
      `The save_path still holds a placeholder where the Redis ${ROLE_WORDS[found.role]} goes ("${found.role === 'password' ? '…' : found.text}"): fill in your Redis host, port and password (from SCALINGO_REDIS_URL / REDIS_URL).${hint}`,
      [
        {
          title: 'Fill from Redis URL…',
          edits: [],
          safe: false,
          preferred: true,
          command: {
            command: ClientCommands.fillFromRedisUrl,
            title: 'Fill from Redis URL…',
            arguments: [fillArgs(site.line, site.value.span.start, site.value.span.end)],
          },
        },
      ],
    ),
  );
  return true;
}

function check(site: PathSite, handler: string | undefined): void {
  const kind = pathKind(site.text);
  const redisLike =
    handler === 'redis' || handler === 'rediscluster' || handler === undefined || !isKnownHandler(handler);
  if (redisLike && kind !== 'directory' && placeholder(site, handler === 'rediscluster' || kind === 'cluster')) return;
  if (handler === 'rediscluster') {
    if (kind !== 'url' && kind !== 'socket') checkClusterPath(site);
  } else if (
    handler === 'redis' ||
    ((handler === undefined || !isKnownHandler(handler)) && (kind === 'url' || kind === 'socket'))
  ) {
    // An unknown handler next to a URL path is a typo of redis: check the path as phpredis would.
    if (kind !== 'cluster' && kind !== 'directory') checkRedisPath(site);
  }
}
