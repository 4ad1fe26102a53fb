// Where a document's configuration keeps sessions: the Redis store its effective
// session.save_handler / session.save_path name (what the Sessions view connects to).
import { effective, handlerName } from './config.ts';
import type { ParsedDocument } from './document.ts';
import { phpIniValue } from './ini.ts';

export interface SessionStore {
  handler: 'redis' | 'rediscluster';
  /** The save_path as PHP reads it (quotes undone, no `${VAR}` in it). */
  savePath: string;
}

/** The Redis session store a document names, when its handler is redis/rediscluster and its path is literal. */
export function sessionStoreOf(doc: ParsedDocument): SessionStore | undefined {
  const handler = handlerName(effective(doc.config, 'session.save_handler'));
  const path = effective(doc.config, 'session.save_path');
  if ((handler !== 'redis' && handler !== 'rediscluster') || !path?.value || path.value.env.length) return undefined;
  const savePath = phpIniValue(path.value).trim();
  return savePath ? { handler, savePath } : undefined;
}
