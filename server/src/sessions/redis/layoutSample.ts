// Whose sessions are on a server: a bounded SCAN over its keys, to tell phpredis's own sessions
// from a Laravel or Symfony layout when the user named no prefix (the CLI's `sessions`/`show`, the
// view's connections without one). Reads key names only, never values.
import { escapeGlob, LOCK_SUFFIX } from '../connectionTarget.ts';
import { detectFrameworkFromKeys, type SessionFramework } from '../frameworkKeys.ts';
import type { LiveConnection } from './liveConnection.ts';

export interface LayoutSample {
  /** Keys looked at (at most `maxKeys` per node). */
  keys: number;
  /** How many of them are sessions under the target's own prefix (lock keys aside). */
  underPrefix: number;
  /** The framework layout most of them follow, if any. */
  framework?: { framework: SessionFramework; prefix: string };
  /** Every key of the server (or under `within`) was seen. */
  complete: boolean;
}

export interface SampleOptions {
  /** Keys per node to look at, at most (default 10 000: a few SCAN round trips). */
  maxKeys?: number;
  /** Only this framework's layouts. */
  only?: SessionFramework;
  /** Only keys starting with this (a prefix the user gave), else every key. */
  within?: string;
  /** Stop at the first session under the target's prefix (phpredis's sessions are there: enough said). */
  stopAtPrefix?: boolean;
}

const SAMPLE_COUNT = 1_000;

export async function sampleLayout(live: LiveConnection, options: SampleOptions = {}): Promise<LayoutSample> {
  const maxKeys = options.maxKeys ?? 10_000;
  const match = options.within !== undefined ? `${escapeGlob(options.within)}*` : '*';
  const prefix = live.target.prefix;
  return live.guard(async (h) => {
    const isSession = (k: string): boolean =>
      k.startsWith(prefix) && k.length > prefix.length && !k.endsWith(LOCK_SUFFIX);
    const keys: string[] = [];
    let underPrefix = 0;
    let complete = true;
    nodes: for (const node of h.scanNodes()) {
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', match, 'COUNT', SAMPLE_COUNT);
        cursor = next;
        for (const k of batch) {
          if (seen.has(k)) continue;
          seen.add(k);
          keys.push(k);
          if (isSession(k)) underPrefix++;
        }
        if (underPrefix > 0 && options.stopAtPrefix) {
          complete = false;
          break nodes;
        }
      } while (cursor !== '0' && seen.size < maxKeys);
      if (cursor !== '0') complete = false;
    }
    const framework = detectFrameworkFromKeys(keys, options.only);
    return { keys: keys.length, underPrefix, ...(framework ? { framework } : {}), complete };
  });
}
