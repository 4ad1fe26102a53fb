// The php-fpm oracle: php-fpm reads pool files with its own ini callback (sapi/fpm/fpm_conf.c), not php.ini's:
// `php_value[…]`/`php_admin_value[…]` arrays, `[pool]` sections, `include=` globs, pool directives with time units.
// `php-fpm -tt` (config test, with the parsed configuration dumped at notice level) tells whether php-fpm accepts a
// pool file and which values each pool passes to PHP — after php-fpm's own handling (a php_flag becomes 1/0, an
// error_reporting expression is evaluated).
//
// The pool file is included from a generated main file, at the end of a host pool (HOST_POOL) that supplies what
// php-fpm requires (listen, pm): like Heroku's and Scalingo's buildpacks including a user's pool snippet, directives
// before the file's first [section] go to that pool. The host pool has a slowlog (buildpacks' pools have one), so a
// snippet's request_slowlog_timeout is judged as in its host. Runs with -R because tests run as root in CI.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimit, messageLines, runProgram } from './phpIni.ts';

export const HOST_POOL = 'php-ini-oracle-host';

export interface FpmPool {
  /** Pool directives as php-fpm dumps them (`listen`, `pm.max_children`, `user`…). */
  readonly settings: Readonly<Record<string, string>>;
  /** `php_value[...]` and `php_flag[...]` as passed to PHP. */
  readonly phpValue: Readonly<Record<string, string>>;
  /** `php_admin_value[...]` and `php_admin_flag[...]` as passed to PHP. */
  readonly phpAdminValue: Readonly<Record<string, string>>;
}

export interface FpmResult {
  /** php-fpm said "configuration file … test is successful". */
  readonly ok: boolean;
  /** ERROR / WARNING / ALERT lines, without timestamps, temporary paths replaced by `<ini>`. */
  readonly messages: readonly string[];
  /** Pools by name, HOST_POOL included. */
  readonly pools: Readonly<Record<string, FpmPool>>;
  readonly global: Readonly<Record<string, string>>;
  readonly exitCode: number | null;
}

let binary: string | null | undefined;
/** The php-fpm binary (`php-fpm` or Debian's versioned `php-fpm8.2`), or null when none is installed. */
export function fpmBinary(): string | null {
  if (binary === undefined) {
    binary = null;
    for (const name of ['php-fpm', 'php-fpm8.2', 'php-fpm8.3', 'php-fpm8.4']) {
      if (spawnSync(name, ['-v'], { stdio: 'ignore' }).status === 0) {
        binary = name;
        break;
      }
    }
  }
  return binary;
}

/** Parses the `-tt` dump: `[name]` headers, then `\tkey = value` lines (a value may be empty). */
export function parseFpmDump(lines: readonly string[]): {
  global: Record<string, string>;
  pools: Record<string, FpmPool>;
} {
  const global: Record<string, string> = {};
  const pools: Record<
    string,
    { settings: Record<string, string>; phpValue: Record<string, string>; phpAdminValue: Record<string, string> }
  > = {};
  let current: string | undefined;
  for (const raw of lines) {
    const m = /^(?:\[[^\]]*\] )?NOTICE: (.*)$/.exec(raw);
    if (!m) continue;
    const body = m[1]!;
    const header = /^\[(.+)\]$/.exec(body);
    if (header) {
      current = header[1]!;
      if (current !== 'global') pools[current] = { settings: {}, phpValue: {}, phpAdminValue: {} };
      continue;
    }
    const kv = /^\t([^=]+?) = ?(.*)$/.exec(body);
    if (!kv || current === undefined) continue;
    const [key, value] = [kv[1]!, kv[2]!];
    if (current === 'global') {
      global[key] = value;
      continue;
    }
    const pool = pools[current]!;
    const arr = /^(php_value|php_admin_value)\[(.+)\]$/.exec(key);
    if (arr?.[1] === 'php_value') pool.phpValue[arr[2]!] = value;
    else if (arr) pool.phpAdminValue[arr[2]!] = value;
    else pool.settings[key] = value;
  }
  return { global, pools };
}

/** Runs `php-fpm -tt` on one pool file. */
export async function fpmConfigTest(pool: string | Buffer, opts: { timeoutMs?: number } = {}): Promise<FpmResult> {
  const bin = fpmBinary();
  if (!bin) throw new Error('php-fpm is not installed (Debian: apt-get install php8.2-fpm)');
  const dir = mkdtempSync(join(tmpdir(), 'php-fpm-oracle-'));
  try {
    writeFileSync(join(dir, 'pool.conf'), pool);
    writeFileSync(
      join(dir, 'main.conf'),
      [
        '[global]',
        `error_log = ${join(dir, 'fpm.log')}`,
        `pid = ${join(dir, 'fpm.pid')}`,
        `[${HOST_POOL}]`,
        `listen = ${join(dir, 'host.sock')}`,
        'pm = static',
        'pm.max_children = 1',
        `slowlog = ${join(dir, 'slow.log')}`,
        `include = ${join(dir, 'pool.conf')}`,
        '',
      ].join('\n'),
    );
    const r = await runProgram(bin, ['-tt', '-R', '-y', join(dir, 'main.conf')], {
      cwd: dir,
      timeoutMs: opts.timeoutMs,
      outputDir: dir,
    });
    const lines = messageLines(`${r.stderr.toString('utf8')}\n${r.stdout.toString('utf8')}`, dir);
    const { global, pools } = parseFpmDump(lines);
    const messages = [
      ...new Set(lines.map((l) => l.replace(/^\[[^\]]*\] /, '')).filter((l) => /^(ERROR|WARNING|ALERT):/.test(l))),
    ];
    const ok = lines.some((l) => /configuration file .* test is successful/.test(l));
    return { ok, messages, pools, global, exitCode: r.code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Config-tests many pool files, one php-fpm process each, several at a time. */
export function fpmConfigTestMany(
  pools: readonly (string | Buffer)[],
  opts: { concurrency?: number; timeoutMs?: number } = {},
): Promise<FpmResult[]> {
  return mapLimit(pools, opts.concurrency ?? Math.min(4, availableParallelism() * 2), (p) => fpmConfigTest(p, opts));
}
