// The PHP ini oracle: hands ini text to the real PHP CLI the way PHP meets it in production and returns what
// PHP made of it — every directive's value, the loaded extensions, error_reporting() and every startup message
// (ini syntax errors, "Unable to load dynamic library", warnings from directives that refuse a value).
//
// - A whole php.ini is loaded as the main ini file with `php -c <dir>`.
// - conf.d-style fragments go in an extra PHP_INI_SCAN_DIR entry after the compiled-in one (an empty element stands
//   for it), so Debian's conf.d keeps phpredis, igbinary and msgpack loaded and the fragments are read after it.
// - composer.json `extra.paas.php-config` (or `extra.heroku.php-config`) lines are appended to the main php.ini the
//   way Scalingo's PHP buildpack does it (bin/compile: `echo $PHP_EXTRA_CONFIG | while read conf; do echo "$conf"
//   >> /app/vendor/php/etc/php.ini; done` with IFS empty): one line per array element, after `read`'s backslash
//   handling.
//
// Startup messages are only printed when display_startup_errors is on, so the oracle forces it (and sends displayed
// errors to stderr, with logging off so nothing is printed twice); those directives are listed in `forced` and their
// values in `ini` are the forced ones. Syntax errors of the ini files themselves are written by PHP's ini parser
// straight to stderr ("PHP:  syntax error, unexpected …") whatever the settings.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getNodeValue, parseTree, findNodeAtLocation, type ParseError } from 'jsonc-parser';

export interface ConfFragment {
  /** File name in the scan directory (PHP reads a directory's *.ini files in name order); default `NN-fragment.ini`. */
  readonly name?: string;
  readonly text: string | Buffer;
}

export interface PhpIniInput {
  /** A whole php.ini, loaded as the main ini file (`php -c`). Absent: the system php.ini stays the main file. */
  readonly phpIni?: string | Buffer;
  /** conf.d fragments, read after the system conf.d (phpredis stays loaded). */
  readonly confD?: readonly ConfFragment[];
  /**
   * composer.json php-config entries, appended to the main php.ini as Scalingo's buildpack does. The main php.ini
   * is `phpIni` when given, else the system php.ini (Scalingo's own is conf/php/php.ini of Scalingo/php-buildpack).
   */
  readonly phpConfig?: readonly string[];
  /** Extra environment for `${VAR}` in the ini files. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface PhpIniResult {
  /** PHP ran the probe script and printed its JSON (false when PHP could not even start the script). */
  readonly ok: boolean;
  /** `ini_get_all(null, false)`: every directive PHP knows, with its effective value. */
  readonly ini: Readonly<Record<string, string | null>>;
  readonly extensions: readonly string[];
  readonly zendExtensions: readonly string[];
  readonly errorReporting: number;
  /** Every line PHP printed outside the probe's JSON, temporary paths replaced by `<ini>`. */
  readonly messages: readonly string[];
  /** Directives the oracle forces so startup messages get printed. */
  readonly forced: readonly string[];
  readonly exitCode: number | null;
}

/** Forced on every run (see the header): startup messages displayed on stderr, never logged twice. */
export const FORCED_DIRECTIVES: Readonly<Record<string, string>> = {
  display_startup_errors: '1',
  display_errors: 'stderr',
  log_errors: '0',
};

const MARK = '@@php-ini-oracle@@';
const PROBE = `<?php
echo "\\n${MARK}", json_encode([
  'ini' => ini_get_all(null, false),
  'extensions' => get_loaded_extensions(false),
  'zend' => get_loaded_extensions(true),
  'errorReporting' => error_reporting(),
], JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR);
`;

export interface RunResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/**
 * Runs a program with a time limit and collects its output (no shell). With `outputDir`, stdout and stderr are
 * real files there rather than pipes: Node's pipes are sockets, and a program that opens /proc/self/fd/2 (php-fpm's
 * `error_log = /proc/self/fd/2`, common in containers) gets ENXIO from a socket.
 */
export function runProgram(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; outputDir?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const files = opts.outputDir ? [join(opts.outputDir, 'stdout.txt'), join(opts.outputDir, 'stderr.txt')] : undefined;
    const fds = files?.map((f) => openSync(f, 'w'));
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['ignore', fds?.[0] ?? 'pipe', fds?.[1] ?? 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    const closeFds = (): void => fds?.forEach((fd) => closeSync(fd));
    child.on('error', (e) => {
      clearTimeout(timer);
      closeFds();
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      closeFds();
      resolve({
        code,
        stdout: files ? readFileSync(files[0]!) : Buffer.concat(out),
        stderr: files ? readFileSync(files[1]!) : Buffer.concat(err),
      });
    });
  });
}

/** Text lines of PHP's output, temporary directory names replaced by `<ini>`. */
export function messageLines(text: string, tmpDir: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.split(tmpDir).join('<ini>').trimEnd())
    .filter((l) => l.trim() !== '');
}

/**
 * What the line `read conf` gives for one line of input when IFS is empty and -r is not given: a backslash keeps
 * the next character and is dropped; a backslash at the end of a line joins the next line.
 */
export function shellRead(lines: readonly string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const line of lines) {
    let cur = pending;
    let joined = false;
    for (let i = 0; i < line.length; i++) {
      if (line[i] === '\\') {
        if (i + 1 < line.length) cur += line[++i];
        else joined = true;
      } else cur += line[i];
    }
    if (joined) pending = cur;
    else {
      out.push(cur);
      pending = '';
    }
  }
  if (pending) out.push(pending);
  return out;
}

/** The php.ini text Scalingo's buildpack ends up with: `base` followed by one line per php-config entry. */
export function appendPhpConfig(base: string | Buffer, phpConfig: readonly string[]): Buffer {
  // jq --raw-output prints each string on its own line(s); `read` then handles backslashes.
  const lines = shellRead(phpConfig.flatMap((entry) => entry.split('\n')));
  return Buffer.concat([Buffer.from(base), Buffer.from(lines.map((l) => `${l}\n`).join(''))]);
}

export interface ComposerPhpConfig {
  /** The key Scalingo reads: `heroku` when `extra.heroku` is present, else `paas`. */
  readonly key: 'paas' | 'heroku';
  /** The array's string elements (absent when the document has no php-config array). */
  readonly lines?: readonly string[];
  /** False when the document is not strict JSON: `jq`, and so the buildpack, then fails on it. */
  readonly strictJson: boolean;
}

/** Reads composer.json the way Scalingo's buildpack picks its php-config lines (tolerantly, for broken files). */
export function composerPhpConfig(text: string): ComposerPhpConfig {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const strictErrors: ParseError[] = [];
  parseTree(text, strictErrors, { allowTrailingComma: false, disallowComments: true });
  const heroku = tree ? findNodeAtLocation(tree, ['extra', 'heroku']) : undefined;
  const key = heroku ? 'heroku' : 'paas';
  const node = tree ? findNodeAtLocation(tree, ['extra', key, 'php-config']) : undefined;
  const value: unknown = node ? getNodeValue(node) : undefined;
  const lines = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
  return { key, lines, strictJson: strictErrors.length === 0 };
}

let systemIni: Buffer | null | undefined;
/** The php.ini the CLI loads by default (asked of PHP once), or null when it loads none. */
function systemPhpIni(): Buffer | null {
  if (systemIni === undefined) {
    const r = spawnSync('php', ['-r', 'echo (string) php_ini_loaded_file();'], { encoding: 'utf8' });
    systemIni = r.status === 0 && r.stdout ? readFileSync(r.stdout) : null;
  }
  return systemIni;
}

/** Loads the given ini text(s) into a fresh PHP CLI process and reports what PHP made of them. */
export async function phpIniLoad(input: PhpIniInput, opts: { timeoutMs?: number } = {}): Promise<PhpIniResult> {
  const dir = mkdtempSync(join(tmpdir(), 'php-ini-oracle-'));
  try {
    const args: string[] = [];
    let main = input.phpIni;
    if (input.phpConfig) main = appendPhpConfig(main ?? systemPhpIni() ?? '', input.phpConfig);
    if (main !== undefined) {
      mkdirSync(join(dir, 'main'));
      writeFileSync(join(dir, 'main', 'php.ini'), main);
      args.push('-c', join(dir, 'main'));
    }
    const env: NodeJS.ProcessEnv = { ...process.env, ...input.env };
    if (input.confD?.length) {
      const scan = join(dir, 'conf.d');
      mkdirSync(scan);
      input.confD.forEach((f, i) =>
        writeFileSync(join(scan, f.name ?? `${String(i).padStart(2, '0')}-fragment.ini`), f.text),
      );
      env.PHP_INI_SCAN_DIR = `${process.env.PHP_INI_SCAN_DIR ?? ''}:${scan}`;
    }
    for (const [k, v] of Object.entries(FORCED_DIRECTIVES)) args.push('-d', `${k}=${v}`);
    writeFileSync(join(dir, 'probe.php'), PROBE);
    args.push(join(dir, 'probe.php'));
    const r = await runProgram('php', args, { env, cwd: dir, timeoutMs: opts.timeoutMs });
    const stdout = r.stdout.toString('utf8');
    const at = stdout.lastIndexOf(MARK);
    const messages = [
      ...messageLines(r.stderr.toString('utf8'), dir),
      ...messageLines(at >= 0 ? stdout.slice(0, at) : stdout, dir),
    ];
    const forced = Object.keys(FORCED_DIRECTIVES);
    if (at < 0) {
      return {
        ok: false,
        ini: {},
        extensions: [],
        zendExtensions: [],
        errorReporting: 0,
        messages,
        forced,
        exitCode: r.code,
      };
    }
    const data = JSON.parse(stdout.slice(at + MARK.length)) as {
      ini: Record<string, string | null>;
      extensions: string[];
      zend: string[];
      errorReporting: number;
    };
    return {
      ok: true,
      ini: data.ini,
      extensions: data.extensions,
      zendExtensions: data.zend,
      errorReporting: data.errorReporting,
      messages,
      forced,
      exitCode: r.code,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` over `items` with at most `concurrency` calls under way, keeping the results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** Evaluates many inputs, one PHP process each, several at a time (the corpus in seconds). */
export function phpIniLoadMany(
  inputs: readonly PhpIniInput[],
  opts: { concurrency?: number; timeoutMs?: number } = {},
): Promise<PhpIniResult[]> {
  return mapLimit(inputs, opts.concurrency ?? Math.min(4, availableParallelism() * 2), (input) =>
    phpIniLoad(input, opts),
  );
}

/** Directives whose value differs between two results (present in either), for before/after comparisons. */
export function iniDiff(before: PhpIniResult, after: PhpIniResult): string[] {
  const names = new Set([...Object.keys(before.ini), ...Object.keys(after.ini)]);
  return [...names].filter((n) => before.ini[n] !== after.ini[n]).sort();
}
