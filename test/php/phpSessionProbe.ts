// Runs real `php` (+ phpredis) with a given php.ini fragment and reports whether a session really
// round-trips through Redis. The ground truth the linter is tested against.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

export interface PhpRuntime {
  php: string;
  /** The scan dir PHP uses by default (conf.d with redis/igbinary/msgpack); kept so the extensions load. */
  defaultScanDir: string;
  phpVersion: string;
  redisVersion: string;
}

/** Finds `php` and its default PHP_INI_SCAN_DIR; null when PHP or phpredis is missing. */
export function findPhp(php = 'php'): PhpRuntime | null {
  try {
    // Without PHP_INI_SCAN_DIR in the environment, `php --ini` shows the compiled-in scan dir.
    const env = { ...process.env };
    delete env.PHP_INI_SCAN_DIR;
    const ini = execFileSync(php, ['--ini'], { encoding: 'utf8', env });
    const scan = /Scan for additional \.ini files in:\s*(.+)/.exec(ini)?.[1]?.trim() ?? '';
    const defaultScanDir = scan === '(none)' ? '' : scan;
    const versions = execFileSync(php, ['-r', 'echo PHP_VERSION, " ", phpversion("redis") ?: "-";'], {
      encoding: 'utf8',
    }).trim();
    const [phpVersion = '', redisVersion = '-'] = versions.split(' ');
    if (redisVersion === '-') return null;
    return { php, defaultScanDir, phpVersion, redisVersion };
  } catch {
    return null;
  }
}

/** Why PHP is considered to have failed; `ok` when the session round-tripped where the ini says. */
export type OutcomeReason =
  | 'ok'
  | 'ini-syntax'
  | 'startup-error'
  | 'save-handler-not-found'
  | 'serializer-not-found'
  | 'storage-init'
  | 'read-failed'
  | 'write-failed'
  | 'exception'
  | 'warning'
  | 'no-roundtrip'
  | 'handler-ignored'
  | 'serializer-ignored'
  | 'line-ignored'
  | 'path-not-as-written'
  | 'swallowed-after-semicolon'
  | 'files-with-redis-path'
  | 'not-in-redis'
  | 'timeout'
  | 'crash';

export interface ProbeOutcome {
  ok: boolean;
  reason: OutcomeReason;
  /** The PHP message (or check) that decided the reason, one line. */
  detail: string;
  /** Where the sessions ended up when ok. */
  storage: 'redis' | 'files' | null;
  /** Effective values as PHP saw them (ini_get), '' when the script did not run. */
  handler: string;
  savePath: string;
  serializer: string;
  /** Every PHP diagnostic line (warnings, notices, startup errors), raw. */
  messages: string[];
  output: string;
  durationMs: number;
}

export interface ProbeInput {
  /** The php.ini fragment, written verbatim to a file in an extra scan dir. */
  iniText: string;
  /** Unique, [A-Za-z0-9] only: the session ids are built from it (and looked up in Redis by it). */
  tag: string;
  /** Extra environment (for `${VAR}` in the ini). */
  env?: Record<string, string>;
  /**
   * The save_handler the author wrote (last one in the fragment, unquoted), null when none:
   * used to tell "PHP worked as written" from "PHP silently ran the files default".
   */
  writtenHandler: string | null;
  /** The serialize_handler as written, null when none (then PHP's default is what was meant). */
  writtenSerializer: string | null;
  /** The save_path value as meant (quotes removed), null when not checkable (none, `${VAR}`). */
  writtenPath: string | null;
}

/** Looks the probe's session keys up in the test's Redis servers. */
export interface KeyLocator {
  /** Keys (any db of any server) that contain `stem`. */
  find(stem: string): Promise<string[]>;
}

export interface RedisEndpoint {
  port: number;
  host?: string;
  password?: string;
  /** Cluster nodes have only db 0. */
  cluster?: boolean;
}

/** KeyLocator over plain ioredis connections (SCAN per db, the keyspaces are tiny). */
export class RedisKeyLocator implements KeyLocator {
  private readonly clients: Array<{ client: Redis; dbs: number }>;

  constructor(endpoints: RedisEndpoint[]) {
    this.clients = endpoints.map((e) => ({
      client: new Redis({
        host: e.host ?? '127.0.0.1',
        port: e.port,
        password: e.password,
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: true,
      }),
      dbs: e.cluster ? 1 : 16,
    }));
  }

  async find(stem: string): Promise<string[]> {
    const found: string[] = [];
    for (const { client, dbs } of this.clients) {
      const p = client.pipeline();
      for (let db = 0; db < dbs; db++) {
        if (dbs > 1) p.select(db);
        p.scan('0', 'MATCH', `*${stem}*`, 'COUNT', 100000);
      }
      const res = (await p.exec()) ?? [];
      for (const [err, value] of res) {
        if (err || !Array.isArray(value)) continue;
        const keys = value[1];
        if (Array.isArray(keys)) found.push(...keys.map(String));
      }
    }
    return found;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map(({ client }) => client.quit().catch(() => client.disconnect())));
  }
}

// The script PHP runs: several session ids so that every server of a multi-server save_path gets
// picked (phpredis picks by the first 4 bytes of the id modulo the total weight), each one
// written, closed, re-opened and read back.
const PROBE_SCRIPT = String.raw`<?php
$sids = explode(',', (string) getenv('PRS_SIDS'));
$token = (string) getenv('PRS_TOKEN');
$rep = ['handler' => (string) ini_get('session.save_handler'), 'path' => (string) ini_get('session.save_path'),
        'serializer' => (string) ini_get('session.serialize_handler'), 'runs' => []];
// Lines PHP's ini parser accepts but drops: a line without '=' is a bare name with no value.
$rep['ignored'] = [];
foreach (preg_split('/\r?\n/', (string) @file_get_contents((string) getenv('PRS_INI_FILE'))) as $line) {
    $l = trim($line);
    if ($l === '' || $l[0] === ';' || $l[0] === '[') { continue; }
    if (@parse_ini_string($l, false, INI_SCANNER_RAW) === []) { $rep['ignored'][] = $l; }
}
foreach ($sids as $sid) {
    $r = ['sid' => $sid, 'start1' => false, 'close1' => false, 'start2' => false, 'read' => false, 'error' => null];
    try {
        session_id($sid);
        $r['start1'] = session_start();
        if ($r['start1']) {
            $_SESSION['probe'] = $token . ':' . $sid;
            $r['close1'] = session_write_close();
            session_id($sid);
            $r['start2'] = session_start();
            if ($r['start2']) {
                $r['read'] = (($_SESSION['probe'] ?? null) === $token . ':' . $sid);
                // files: clean up after ourselves; redis: keep the key for the test to find.
                if (strcasecmp($rep['handler'], 'files') === 0) { session_destroy(); } else { session_write_close(); }
            }
        }
    } catch (Throwable $e) {
        $r['error'] = get_class($e) . ': ' . $e->getMessage();
        if (session_status() === PHP_SESSION_ACTIVE) { @session_abort(); }
    }
    $rep['runs'][] = $r;
    // One failing id decides the outcome; the others would only add timeouts.
    if ($r['error'] !== null || !$r['read']) { break; }
}
echo "\n@@PRS-PROBE@@", json_encode($rep), "\n";
`;

interface ScriptReport {
  handler: string;
  path: string;
  serializer: string;
  ignored: string[];
  runs: Array<{ sid: string; start1: boolean; close1: boolean; start2: boolean; read: boolean; error: string | null }>;
}

/** First bytes 'A'..'P' are 16 consecutive values: every residue modulo a total weight ≤ 16. */
export const SIDS_PER_PROBE = 16;

export function sessionIds(tag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < SIDS_PER_PROBE; i++) {
    // PHP accepts 22..256 chars of [0-9a-zA-Z,-] (php_session_valid_key). Padded with '-',
    // which no tag contains, so that tag "x11" and tag "x110" never give the same id.
    const sid = `${String.fromCharCode(65 + i)}prs${tag}-`;
    out.push(sid.length >= 26 ? sid : sid + '-'.repeat(26 - sid.length));
  }
  return out;
}

/** The stem shared by the ids of one probe (what the locator searches for). */
function stemOf(tag: string): string {
  return sessionIds(tag)[0]!.slice(1);
}

export interface ProbeOptions {
  runtime: PhpRuntime;
  locator: KeyLocator;
  /** php processes at a time (the CI box has 2 cores shared with others). */
  concurrency?: number;
  /** Kill a php run after this long (a stall is a failure, not a hang of the test). */
  timeoutMs?: number;
  /** Extra `-d` settings, e.g. openssl.cafile for the test's TLS server. */
  extraIni?: Record<string, string>;
  onProgress?: (done: number, total: number) => void;
}

// Settings the probe needs whatever the fragment says; -d wins over every ini file.
const BASE_INI: Record<string, string> = {
  display_errors: 'stderr',
  display_startup_errors: '1',
  log_errors: '0',
  html_errors: '0',
  error_reporting: '-1',
  'session.use_cookies': '0',
  'session.use_only_cookies': '0',
  'session.use_strict_mode': '0',
  'session.cache_limiter': '',
  default_socket_timeout: '1',
  max_execution_time: '10',
};

/** Runs every input through PHP, `concurrency` at a time, results in input order. */
export async function probeAll(inputs: ProbeInput[], options: ProbeOptions): Promise<ProbeOutcome[]> {
  const work = mkdtempSync(join(tmpdir(), 'prs-php-'));
  const script = join(work, 'probe.php');
  writeFileSync(script, PROBE_SCRIPT);
  const results: ProbeOutcome[] = new Array(inputs.length);
  let next = 0;
  let done = 0;
  const worker = async (w: number): Promise<void> => {
    // One scan dir per worker: the fragment file is rewritten for each input.
    const scanDir = join(work, `scan${w}`);
    mkdirSync(scanDir, { recursive: true });
    for (;;) {
      const i = next++;
      if (i >= inputs.length) return;
      results[i] = await probeOne(inputs[i]!, scanDir, script, options);
      options.onProgress?.(++done, inputs.length);
    }
  };
  try {
    const n = Math.max(1, options.concurrency ?? 2);
    await Promise.all(Array.from({ length: n }, (_, w) => worker(w)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

async function probeOne(
  input: ProbeInput,
  scanDir: string,
  script: string,
  options: ProbeOptions,
): Promise<ProbeOutcome> {
  const { runtime } = options;
  const iniFile = join(scanDir, '99-prs-variant.ini');
  writeFileSync(iniFile, input.iniText);
  const sids = sessionIds(input.tag);
  const token = `t${input.tag}`;
  const args: string[] = [];
  for (const [k, v] of Object.entries({ ...BASE_INI, ...(options.extraIni ?? {}) })) args.push('-d', `${k}=${v}`);
  args.push(script);
  const scan = runtime.defaultScanDir ? `${runtime.defaultScanDir}${delimiter}${scanDir}` : scanDir;
  const started = Date.now();
  const { stdout, stderr, timedOut, code } = await new Promise<{
    stdout: string;
    stderr: string;
    timedOut: boolean;
    code: number | null;
  }>((resolve) => {
    execFile(
      runtime.php,
      args,
      {
        env: {
          ...process.env,
          ...(input.env ?? {}),
          PHP_INI_SCAN_DIR: scan,
          PRS_INI_FILE: iniFile,
          PRS_SIDS: sids.join(','),
          PRS_TOKEN: token,
        },
        timeout: options.timeoutMs ?? 10_000,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, out, errOut) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        resolve({
          stdout: String(out),
          stderr: String(errOut),
          timedOut: Boolean(e?.killed),
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        });
      },
    );
  });
  const durationMs = Date.now() - started;
  const marker = stdout.indexOf('@@PRS-PROBE@@');
  let report: ScriptReport | null = null;
  if (marker >= 0) {
    try {
      report = JSON.parse(
        stdout
          .slice(marker + '@@PRS-PROBE@@'.length)
          .trim()
          .split('\n')[0]!,
      ) as ScriptReport;
    } catch {
      report = null;
    }
  }
  const output = (stderr + (marker >= 0 ? stdout.slice(0, marker) : stdout)).trim();
  const keys = report ? await options.locator.find(stemOf(input.tag)) : [];
  return classify({
    report,
    output,
    keys,
    sids,
    timedOut,
    exitCode: code,
    durationMs,
    writtenHandler: input.writtenHandler,
    writtenSerializer: input.writtenSerializer,
    writtenPath: input.writtenPath,
  });
}

/** What one php run produced, before classification. */
export interface RawRun {
  report: ScriptReport | null;
  output: string;
  keys: string[];
  sids: string[];
  timedOut: boolean;
  exitCode: number | null;
  durationMs: number;
  writtenHandler: string | null;
  writtenSerializer: string | null;
  writtenPath: string | null;
}

/** Does a files-handler save_path name a Redis server rather than a directory? */
export function looksLikeRedisLocation(path: string): boolean {
  return /^\s*(tcp|tls|ssl|unix|redis|rediss):/i.test(path) || /seed\[/i.test(path) || /^\s*[^\s/;]+:\d+/.test(path);
}

// PHP's message → reason, in the order that decides when several appear (the earliest cause wins).
const MESSAGE_RULES: Array<[RegExp, OutcomeReason]> = [
  [/syntax error/i, 'ini-syntax'],
  [/PHP Startup:/, 'startup-error'],
  [/Cannot find (session )?save handler/i, 'save-handler-not-found'],
  [/Cannot find session serialization handler/i, 'serializer-not-found'],
  [/Failed to initialize storage module/, 'storage-init'],
  [/Failed to read session data/, 'read-failed'],
  [/Failed to write session data/, 'write-failed'],
  [/Fatal error|Uncaught /, 'exception'],
  // Any other E_WARNING (e.g. phpredis's "When passing an array as auth it must have one or two
  // elements!", "Seed '' not in host:port format", "Failed to decode session object") counts as a
  // failure: it is raised on every session_start, and frameworks (Laravel, Symfony) turn
  // warnings into exceptions. Notices and deprecations do not count.
  [/Warning:/, 'warning'],
];

/** Classifies one PHP run. Exported for the harness's own sanity checks. */
export function classify(run: RawRun): ProbeOutcome {
  const messages = run.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && /(Warning|Notice|Deprecated|Fatal error|Parse error|PHP:|syntax error)/.test(l));
  const base = {
    handler: run.report?.handler ?? '',
    savePath: run.report?.path ?? '',
    serializer: run.report?.serializer ?? '',
    messages,
    output: run.output,
    durationMs: run.durationMs,
  };
  const fail = (reason: OutcomeReason, detail: string): ProbeOutcome => ({
    ok: false,
    reason,
    detail,
    storage: null,
    ...base,
  });
  if (run.timedOut) return fail('timeout', `php killed after ${run.durationMs} ms`);
  for (const [re, reason] of MESSAGE_RULES) {
    const line = messages.find((m) => re.test(m));
    if (line) return fail(reason, line);
  }
  if (!run.report) return fail('crash', `php exited ${run.exitCode} without a report: ${run.output.slice(0, 200)}`);
  const bad = run.report.runs.find((r) => r.error || !r.start1 || !r.close1 || !r.start2 || !r.read);
  if (bad) return fail(bad.error ? 'exception' : 'no-roundtrip', bad.error ?? `session ${bad.sid} did not round-trip`);

  // Failures of intent: PHP "works", but not with what the fragment says.
  // A line without '=' is read by PHP as a bare name and silently dropped, even when the value
  // it meant happens to equal the default.
  const bare = run.report.ignored[0];
  if (bare !== undefined)
    return fail('line-ignored', `PHP read "${bare}" as a name without a value and ignored the line`);
  // An unquoted ';' starts a comment: PHP keeps less of the save_path than was written.
  // Leading/trailing separators are no-ops for phpredis (and PHP drops blanks between quoted parts).
  // A trailing unquoted ';' is an empty ini comment: nothing of the value is lost.
  const trimSeparators = (p: string): string => p.replace(/^[\s,]+|[\s,;]+$/g, '');
  if (run.writtenPath !== null && trimSeparators(run.report.path) !== trimSeparators(run.writtenPath)) {
    return fail('path-not-as-written', `PHP's save_path is "${run.report.path}", the ini meant "${run.writtenPath}"`);
  }
  // A ';' is no separator for phpredis: a `name=value` or a second server after it is swallowed
  // into the previous value and never used (`timeout=1;database=1` stays in database 0).
  const swallowed = /;\s*([A-Za-z_][\w[\]]*=|[a-z]+:\/\/)/.exec(run.report.path);
  if (swallowed)
    return fail(
      'swallowed-after-semicolon',
      `phpredis never reads "${swallowed[1]}…" after the ";" in ${run.report.path}`,
    );
  // A serialize_handler line PHP ignored (e.g. no '=') leaves another serializer in force.
  if (
    run.writtenSerializer !== null &&
    run.writtenSerializer.trim().toLowerCase() !== run.report.serializer.toLowerCase()
  ) {
    return fail(
      'serializer-ignored',
      `ini says serialize_handler ${run.writtenSerializer}, PHP used ${run.report.serializer}`,
    );
  }
  const handler = run.report.handler.toLowerCase();
  if (handler === 'files') {
    // PHP "worked", but in files. That is a failure of intent when the fragment asked for another
    // handler (a line PHP silently ignored, e.g. `session.save_handler redis` without `=`).
    const written = (run.writtenHandler ?? 'files').trim().toLowerCase();
    if (written !== 'files')
      return fail('handler-ignored', `ini says save_handler ${run.writtenHandler}, PHP used files`);
    // A files handler given a Redis URL stores (or tries to store) sessions on disk: PHP does not
    // do what the author meant. The handler-path-mismatch rule makes this an error, so it counts as
    // a failure even in the (rare) case where such a directory happens to exist.
    if (looksLikeRedisLocation(run.report.path)) {
      return fail('files-with-redis-path', `files handler with a Redis path: ${run.report.path}`);
    }
    return { ok: true, reason: 'ok', detail: 'round-tripped in files', storage: 'files', ...base };
  }
  // redis / rediscluster: "worked" means the sessions are really in one of the test's servers.
  const missing = run.sids.filter((sid) => !run.keys.some((k) => k.endsWith(sid)));
  if (missing.length > 0) {
    return fail(
      'not-in-redis',
      `${missing.length}/${run.sids.length} session keys not found in the test's Redis servers`,
    );
  }
  return {
    ok: true,
    reason: 'ok',
    detail: `round-tripped through Redis (${run.keys.filter((k) => !k.endsWith('_LOCK'))[0] ?? ''})`,
    storage: 'redis',
    ...base,
  };
}
