// Where a document's configuration keeps sessions: the Redis store its effective
// session.save_handler / session.save_path name (what the Sessions view connects to).
import { effective, handlerName } from './config.ts';
import { isRuntimeValue } from './ini.ts';
import type { ParsedDocument } from './document.ts';

export interface SessionStore {
  handler: 'redis' | 'rediscluster';
  /** The save_path as PHP reads it (quotes undone, no `${VAR}` in it). */
  savePath: string;
}

/** The Redis session store a document names, when its handler is redis/rediscluster and its path is literal. */
export function sessionStoreOf(doc: ParsedDocument): SessionStore | undefined {
  const handler = handlerName(effective(doc.config, 'session.save_handler'));
  const path = effective(doc.config, 'session.save_path');
  if ((handler !== 'redis' && handler !== 'rediscluster') || !path?.value || isRuntimeValue(path.value))
    return undefined;
  const savePath = path.value.text.trim();
  return savePath ? { handler, savePath } : undefined;
}
