// Runs PHP scripts against one test redis-server, with session.save_handler = redis and a chosen
// serializer, reusing the decoder fixtures' PHP (classes, canonical JSON, the rich $_SESSION).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionSerializer } from '../../server/src/sessions/sessionFormats.ts';

/** True when php (with redis, igbinary, msgpack) and redis-server can run. */
export function phpReady(): boolean {
  const r = spawnSync(
    'php',
    [
      '-r',
      'echo extension_loaded("redis") && extension_loaded("igbinary") && extension_loaded("msgpack") ? "ok" : "no";',
    ],
    { encoding: 'utf8' },
  );
  return r.stdout === 'ok' && spawnSync('redis-server', ['--version']).status === 0;
}

/** One of the decoder fixtures' PHP sources, harvested from their test. */
export function fixturePhp(name: 'CLASSES_PHP' | 'CANONICAL_PHP' | 'DATA_PHP'): string {
  if (name === 'CANONICAL_PHP') return readFileSync(join(process.cwd(), 'test/helpers/phpCanonical.php'), 'utf8');
  const src = readFileSync(join(process.cwd(), 'test/php/sessionFixtures.test.ts'), 'utf8');
  const m = new RegExp(`const ${name} = String\\.raw\`([\\s\\S]*?)\`;`).exec(src);
  assert.ok(m, `${name} found in sessionFixtures.test.ts`);
  return m[1]!;
}

// A msgpack session holding an enum: msgpack-php writes it, and then cannot read it back.
/** writeEnum.php SID, run with the msgpack serializer: */
const WRITE_ENUM_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
session_id($argv[1]);
if (!session_start()) exit(2);
$_SESSION['user'] = ['id' => 7];
$_SESSION['suit'] = Suit::Hearts;
if (!session_write_close()) exit(3);
`;

export class PhpHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'prs-php-'));

  constructor(
    readonly redisPort: number,
    files: Record<string, string>,
    private readonly extraIni: string[] = [],
  ) {
    const defaults: Record<string, string> = {
      'classes.php': `${fixturePhp('CLASSES_PHP')}\n#[AllowDynamicProperties] class Bag {}\n`,
      'canonical.php': fixturePhp('CANONICAL_PHP'),
      'data.php': fixturePhp('DATA_PHP'),
      'writeEnum.php': WRITE_ENUM_PHP,
    };
    for (const [name, text] of Object.entries({ ...defaults, ...files })) writeFileSync(join(this.dir, name), text);
  }

  private env(serializer: SessionSerializer, ini: string[]): NodeJS.ProcessEnv {
    const text = [
      'session.save_handler = redis',
      `session.save_path = "tcp://127.0.0.1:${this.redisPort}"`,
      `session.serialize_handler = ${serializer}`,
      'session.use_cookies = 0',
      'session.use_strict_mode = 0',
      'session.cache_limiter =',
      'error_reporting = E_ALL & ~E_DEPRECATED',
      'display_errors = stderr',
      ...this.extraIni,
      ...ini,
      '',
    ].join('\n');
    // One directory per distinct ini, written once: PHP processes started together must never
    // read a file another start is rewriting.
    const scan = join(this.dir, `scan-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`);
    if (!existsSync(scan)) {
      mkdirSync(scan, { recursive: true });
      writeFileSync(join(scan, 'zz-test.ini'), text);
    }
    // The default scan dir stays first so the extensions load.
    return { ...process.env, PHP_INI_SCAN_DIR: `:${scan}` };
  }

  /** Runs a script of the harness directory: its exit status (null when a signal killed PHP) and output. */
  spawn(
    script: string,
    args: string[],
    serializer: SessionSerializer,
    input?: string,
    ini: string[] = [],
  ): { status: number | null; signal: string | null; stdout: string; stderr: string } {
    const r = spawnSync('php', [join(this.dir, script), ...args], {
      env: this.env(serializer, ini),
      input,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs a script of the harness directory; fails the test on a non-zero exit. */
  run(script: string, args: string[], serializer: SessionSerializer, input?: string, ini: string[] = []): string {
    const r = this.spawn(script, args, serializer, input, ini);
    assert.equal(
      r.status,
      0,
      `php ${script} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.slice(0, 2000)}`,
    );
    return r.stdout;
  }

  /** Starts a script in the background; resolves with its stdout when it exits 0. */
  start(script: string, args: string[], serializer: SessionSerializer, ini: string[] = []): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('php', [join(this.dir, script), ...args], { env: this.env(serializer, ini) });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`php ${script} exited ${code}: ${err.slice(0, 2000)}`)),
      );
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
