// Test connection: PING, AUTH, SELECT, the server's version and a bounded count of sessions;
// never throws, the result says what failed.
import { LOCK_SUFFIX, describeTarget, sessionMatchPattern, type ConnectionTarget } from '../connectionTarget.ts';
import { openConnection } from './openConnection.ts';
import { toSessionError, type RedisErrorCode } from './redisError.ts';
import type { OpenOptions, RedisHandle } from './redisHandle.ts';
import { parseInfo } from './serverInfo.ts';

export interface TestSuccess {
  ok: true;
  /** `redis_version` of INFO server (of the first master for a cluster). */
  redisVersion: string;
  mode: 'standalone' | 'cluster';
  /** Session keys under the target's prefix (lock keys not counted). */
  sessionCount: number;
  /** False when the count stopped at its time budget: `sessionCount` is then a lower bound. */
  sessionCountComplete: boolean;
  /** Round trip of one PING after connecting. */
  latencyMs: number;
  label: string;
}

export interface TestFailure {
  ok: false;
  error: string;
  code: RedisErrorCode;
  label: string;
}

export type TestResult = TestSuccess | TestFailure;

export interface TestOptions extends OpenOptions {
  /** How long counting the sessions may take before it reports a lower bound (default 3 s). */
  countBudgetMs?: number;
}

/** PING, AUTH, SELECT, INFO server and a SCAN count of sessions; never throws. */
export async function testConnection(target: ConnectionTarget, options: TestOptions = {}): Promise<TestResult> {
  const label = describeTarget(target);
  let handle: RedisHandle | undefined;
  try {
    handle = await openConnection(target, options);
    const first = handle.scanNodes()[0];
    const t0 = performance.now();
    await first.ping();
    const latencyMs = Math.round((performance.now() - t0) * 100) / 100;
    const info = parseInfo(await first.info('server'));
    const { count, complete } = await countSessions(handle, options.countBudgetMs ?? 3_000);
    return {
      ok: true,
      redisVersion: info.redis_version ?? 'unknown',
      mode: target.kind === 'cluster' ? 'cluster' : 'standalone',
      sessionCount: count,
      sessionCountComplete: complete,
      latencyMs,
      label,
    };
  } catch (err) {
    const e = toSessionError(err, target, handle?.bounds);
    return { ok: false, error: e.message, code: e.code, label };
  } finally {
    handle?.close();
  }
}

async function countSessions(handle: RedisHandle, budgetMs: number): Promise<{ count: number; complete: boolean }> {
  const match = sessionMatchPattern(handle.target.prefix);
  const stopAt = Date.now() + budgetMs;
  const seen = new Set<string>();
  for (const node of handle.scanNodes()) {
    let cursor = '0';
    do {
      if (Date.now() > stopAt) return { count: seen.size, complete: false };
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 5000);
      cursor = next;
      for (const k of keys) if (!k.endsWith(LOCK_SUFFIX)) seen.add(k);
    } while (cursor !== '0');
  }
  return { count: seen.size, complete: true };
}
