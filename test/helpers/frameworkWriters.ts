// Laravel 8 and Symfony 5.4 themselves (Debian's packages) writing sessions into a Redis, through
// the scripts in test/fixtures/frameworks/writers/: the ground truth of the framework tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { phpAvailable } from './php.ts';

const FIXTURES = join(__dirname, '..', 'fixtures', 'frameworks');
const WRITERS = join(FIXTURES, 'writers');
/** The laravel/laravel 8.x skeleton's config/: what a project without its own files gets. */
export const LARAVEL8_CONFIG = join(FIXTURES, 'laravel-skeleton', '8.x', 'config');

/** Laravel 8, Symfony 5.4 (with their Dotenv / Yaml) and predis are installed, and PHP runs. */
export const FRAMEWORKS_AVAILABLE =
  phpAvailable() &&
  [
    '/usr/share/php/Illuminate/Session/SessionManager.php',
    '/usr/share/php/Dotenv/autoload.php',
    '/usr/share/php/Symfony/Component/HttpFoundation/Session/Session.php',
    '/usr/share/php/Symfony/Component/Dotenv/autoload.php',
    '/usr/share/php/Symfony/Component/Yaml/autoload.php',
    '/usr/share/php/Predis/autoload.php',
  ].every((f) => existsSync(f));

function php(script: string, args: string[]): Record<string, unknown> {
  // Only PATH from the test's environment: a SESSION_DRIVER or REDIS_PORT there would win over .env.
  const r = spawnSync('php', [join(WRITERS, script), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    timeout: 60_000,
  });
  if (r.status !== 0 || !r.stdout.startsWith('{'))
    throw new Error(`php ${script} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

export type LaravelResult =
  { ok: true; id: string; token: string; all: Record<string, unknown> } | { ok: false; error: string };

/** Laravel saves a session as the project at `dir` configures it (its .env, its config/ or the 8.x skeleton's). */
export function laravelSession(dir: string, options: { user?: number } = {}): LaravelResult {
  const args = [dir, LARAVEL8_CONFIG, ...(options.user !== undefined ? [String(options.user)] : [])];
  return php('laravel-session.php', args) as LaravelResult;
}

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A project folder holding these files (path → text), for the writers; removed at exit. */
export function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'prs-project-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export interface SymfonyResult {
  id: string;
  created: number;
  used: number;
  lifetime: number;
  all: Record<string, unknown>;
}

/**
 * Symfony saves a session: through the handler FrameworkBundle makes of the project's handler_id
 * (`project`, dir), SessionHandlerFactory on a DSN (`dsn`), or a Predis client (`predis`, port).
 * `firewall` '-' leaves the session anonymous.
 */
export function symfonySession(
  mode: 'project' | 'dsn' | 'predis',
  arg: string,
  options: { prefix?: string; firewall?: string } = {},
): SymfonyResult {
  return php('symfony-session.php', [
    mode,
    arg,
    options.prefix ?? '-',
    options.firewall ?? 'main',
  ]) as unknown as SymfonyResult;
}
