// Dispatches the effective session.save_path to the checks of the handler that reads it.
import { effective } from '../config.ts';
import type { Rule } from '../ruleContext.ts';
import { checkClusterPath } from './clusterPath.ts';
import { handlerName, pathKind } from './handler.ts';
import { checkRedisPath } from './redisPath.ts';
import { SAVE_HANDLERS } from '../directives.ts';

const isKnownHandler = (h: string): boolean => (SAVE_HANDLERS as readonly string[]).includes(h);

export const savePathRules: Rule = (ctx) => {
  const pathOcc = effective(ctx.config, 'session.save_path');
  const value = pathOcc?.value;
  // ${VAR} is only known at run time; a line PHP cannot even read is already an ini-syntax error.
  if (!pathOcc || !value || value.env.length || pathOcc.line.ini.problems.length || !value.text.replace(/[\s,]/g, '')) return;
  const handlerOcc = effective(ctx.config, 'session.save_handler');
  const handler = handlerName(handlerOcc);
  if (handlerOcc && handler === undefined) return;
  const kind = pathKind(value.text);
  const site = { ctx, line: pathOcc.line, value, text: value.text };
  if (handler === 'rediscluster') {
    if (kind !== 'url' && kind !== 'socket') checkClusterPath(site);
  }
  else if (handler === 'redis' || ((handler === undefined || !isKnownHandler(handler)) && (kind === 'url' || kind === 'socket'))) {
    // An unknown handler next to a URL path is a typo of redis: check the path as phpredis would.
    if (kind !== 'cluster' && kind !== 'directory') checkRedisPath(site);
  }
};
