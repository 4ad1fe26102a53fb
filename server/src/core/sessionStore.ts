// Where a document's configuration keeps sessions: the Redis store its effective
// session.save_handler / session.save_path name (what the Sessions view connects to), and the
// `${VAR}` references PHP replaces in that path when it reads the configuration.
import { effective, handlerName } from './config.ts';
import type { ParsedDocument } from './document.ts';

export interface SessionStore {
  handler: 'redis' | 'rediscluster';
  /** The save_path as PHP reads it (quotes undone), with its `${VAR}` references still in it. */
  savePath: string;
  /** The variables PHP replaces in it at run time, in order, without duplicates (`NAME` of `${NAME:-default}`). */
  env: string[];
  /** Offsets in `savePath` of the references PHP expands (single-quoted `${…}` is literal text). */
  refs: { start: number; end: number }[];
}

/** Where a variable's value comes from: the environment, a `.env` file, the secret storage… */
export type EnvLookup = (name: string) => string | undefined;

/** The Redis session store a document names, when its handler is redis/rediscluster and it has a save_path. */
export function sessionStoreOf(doc: ParsedDocument): SessionStore | undefined {
  const handler = handlerName(effective(doc.config, 'session.save_handler'));
  const path = effective(doc.config, 'session.save_path');
  // A PHP_* constant makes the path depend on the machine PHP runs on: nothing to connect to here.
  if ((handler !== 'redis' && handler !== 'rediscluster') || !path?.value || path.value.dynamic) return undefined;
  const value = path.value;
  const text = value.text;
  const lead = text.length - text.trimStart().length;
  const savePath = text.trim();
  if (!savePath) return undefined;
  const refs = value.env
    .map((e) => ({ start: e.textStart - lead, end: e.textEnd - lead }))
    .filter((r) => r.start >= 0 && r.end <= savePath.length && r.start < r.end);
  const env = [...new Set(value.env.map((e) => e.name))];
  return { handler, savePath, env, refs };
}

/** `NAME` of `NAME` or `NAME:-default`. */
export function envName(ref: string): string {
  const i = ref.indexOf(':-');
  return i < 0 ? ref : ref.slice(0, i);
}

/**
 * The save_path with each `${NAME}` replaced as PHP does (the variable's value; `${NAME:-default}`
 * gives `default` when it is unset or empty, PHP ≥ 8.3). `missing` names the variables the lookup
 * does not know (and that have no default): PHP would read them as empty.
 */
export function expandSavePath(store: SessionStore, lookup: EnvLookup): { savePath: string; missing: string[] } {
  const missing: string[] = [];
  let out = '';
  let done = 0;
  for (const r of store.refs) {
    const ref = store.savePath.slice(r.start + 2, r.end - 1);
    const name = envName(ref);
    const fallback = ref.length > name.length ? ref.slice(name.length + 2) : undefined;
    const value = lookup(name);
    let replacement: string;
    if (value !== undefined && (value !== '' || fallback === undefined)) replacement = value;
    else if (fallback !== undefined) replacement = fallback;
    else {
      if (!missing.includes(name)) missing.push(name);
      replacement = '';
    }
    out += store.savePath.slice(done, r.start) + replacement;
    done = r.end;
  }
  return { savePath: (out + store.savePath.slice(done)).trim(), missing };
}
