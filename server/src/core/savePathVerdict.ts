// What PHP does with a session store before it reaches the server: the lint's errors on a php.ini
// holding exactly that handler and save_path (its error rules are checked against real PHP +
// phpredis in test/php). Test connection says these instead of connecting where PHP would not.
import { quoteIniValue } from './ini.ts';
import { lint } from './lint.ts';
import type { RuleId } from './types.ts';

export interface SavePathProblem {
  rule: RuleId;
  /** The lint's message: what PHP does and what to write instead. */
  message: string;
}

export interface SavePathVerdict {
  /** Why PHP cannot open the store whatever the server (session_start() then fails): empty when it can. */
  blockers: SavePathProblem[];
  /**
   * Errors whose outcome depends on the server: phpredis ignores a `user:pass@` and sends no AUTH,
   * which fails only where the server wants a password. (An `auth[]` of the wrong size is a
   * blocker: phpredis also warns on every session_start().)
   */
  noAuth: SavePathProblem[];
}

const SENDS_NO_AUTH = new Set<string>(['userinfo-ignored']);

/** The verdict on `savePath` (the value PHP reads, `${VAR}` already replaced) for `handler`. */
export function savePathVerdict(handler: 'redis' | 'rediscluster', savePath: string): SavePathVerdict {
  if (/[\r\n\0]/.test(savePath)) {
    return {
      blockers: [
        {
          rule: 'separator-in-path',
          message: 'The save_path holds a line break or a NUL byte: phpredis splits (or cuts) it there.',
        },
      ],
      noAuth: [],
    };
  }
  // A single-quoted value is raw: the text PHP reads is exactly `savePath` (no second expansion).
  const value = savePath.includes("'") ? quoteIniValue(savePath) : `'${savePath}'`;
  const findings = lint(`session.save_handler = ${handler}\nsession.save_path = ${value}\n`, 'php.ini', {
    kind: 'ini',
  });
  const verdict: SavePathVerdict = { blockers: [], noAuth: [] };
  for (const f of findings) {
    if (f.severity !== 'error') continue;
    // (the lint's messages never repeat a password: test/e2e/suite/7-secrets.test.ts)
    const problem = { rule: f.rule, message: f.message };
    (SENDS_NO_AUTH.has(f.rule) ? verdict.noAuth : verdict.blockers).push(problem);
  }
  return verdict;
}
