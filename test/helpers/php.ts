// Runs a snippet with the real PHP CLI, JSON in and JSON out, so tests can compare the TypeScript
// models with PHP itself. The default php.ini and conf.d stay in effect (phpredis must stay
// loaded); extra ini lines go in a temporary directory appended to PHP_INI_SCAN_DIR.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunPhpOptions {
  /** Extra php.ini lines, e.g. ['session.save_handler = redis']. */
  iniLines?: string[];
  /** Milliseconds before the PHP process is killed (default 60 s). */
  timeoutMs?: number;
}

/** True when a `php` binary can be run (tests skip their differential part otherwise). */
export function phpAvailable(): boolean {
  const r = spawnSync('php', ['-v'], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Runs `code` as the body of `function ($input) { ... }` (it must `return` the output) with the
 * JSON-decoded `input` (assoc arrays), and resolves with the JSON-decoded return value.
 * Notices and warnings go to stderr so they never corrupt the JSON on stdout.
 */
export async function runPhpJson(code: string, input: unknown, opts: RunPhpOptions = {}): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'prs-php-'));
  try {
    const script = join(dir, 'run.php');
    writeFileSync(
      script,
      [
        '<?php',
        "ini_set('display_errors', 'stderr');",
        '$__in = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);',
        '$__fn = function ($input) {',
        code,
        '};',
        'echo json_encode($__fn($__in), JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES);',
        '',
      ].join('\n'),
    );
    const env = { ...process.env };
    if (opts.iniLines?.length) {
      // Only *.ini files are scanned; an empty element in PHP_INI_SCAN_DIR stands for the
      // compiled-in default directory, so conf.d (and phpredis) stay loaded.
      writeFileSync(join(dir, 'zz-test.ini'), `${opts.iniLines.join('\n')}\n`);
      env.PHP_INI_SCAN_DIR = `${process.env.PHP_INI_SCAN_DIR ?? ''}:${dir}`;
    }
    return await new Promise<unknown>((resolve, reject) => {
      const child = spawn('php', [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (status) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(out).toString('utf8');
        if (status !== 0) {
          reject(new Error(`php exited with ${status}: ${Buffer.concat(err).toString('utf8')}\n${stdout}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout));
        } catch (e) {
          reject(new Error(`php printed no JSON (${String(e)}): ${stdout.slice(0, 500)}`));
        }
      });
      child.stdin.end(JSON.stringify(input));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
