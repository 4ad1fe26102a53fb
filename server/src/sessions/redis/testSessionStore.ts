// Test connection for a session store a configuration names: what phpredis would do with that
// exact handler and save_path. First what stops PHP before any server (the lint's errors, checked
// against real PHP), then a connection made as phpredis makes it: its transport, AUTH only from
// `auth=` / `auth[]=` (never a `user:pass@`, never REDIS_PASSWORD), SELECT of `database`, the prefix.
import { savePathVerdict, type SavePathProblem } from '../../core/savePathVerdict.ts';
import { parseConnectionTargets, TargetError } from '../connectionTarget.ts';
import { testConnection, type TestOptions, type TestResult } from './testConnection.ts';

export interface StoreTestResult {
  /** Why PHP cannot open the store whatever the server: empty when it can. Nothing was connected then. */
  blockers: SavePathProblem[];
  /** Where phpredis sends no password although the path seems to give one (it matters if the server wants one). */
  noAuth: SavePathProblem[];
  /** One test per server phpredis would use (it picks one per session id: each must work). */
  results: TestResult[];
}

export async function testSessionStore(
  handler: 'redis' | 'rediscluster',
  savePath: string,
  options: TestOptions = {},
): Promise<StoreTestResult> {
  const { blockers, noAuth } = savePathVerdict(handler, savePath);
  if (blockers.length) return { blockers, noAuth, results: [] };
  let targets;
  try {
    // No overrides: phpredis reads nothing but the save_path (an empty env: no REDIS_PASSWORD).
    targets = parseConnectionTargets(savePath, { env: {} });
  } catch (err) {
    if (!(err instanceof TargetError)) throw err;
    return { blockers: [{ rule: 'malformed-url', message: err.message }], noAuth, results: [] };
  }
  const results = await Promise.all(targets.map((t) => testConnection(t, options)));
  return { blockers: [], noAuth, results };
}
