// The Redis side of the end-to-end runs: a redis-server on a free loopback port, filled with
// sessions that real PHP writes (session.save_handler = redis, phpredis), and the workspace files
// that name it. Used by run.mjs (code-server) and runElectron.mjs (@vscode/test-electron) before
// VS Code starts; the port reaches the extension host as E2E_REDIS_PORT and the workspace copy's
// files have their `__E2E_REDIS_PORT__` placeholders replaced.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './install.mjs';
import { freePort } from './runCodeServer.mjs';

export const PORT_PLACEHOLDER = '__E2E_REDIS_PORT__';
export const WRITE_SESSIONS_PHP = path.join(REPO_ROOT, 'test', 'fixtures', 'e2e-sessions', 'write-sessions.php');
const WRITERS = path.join(REPO_ROOT, 'test', 'fixtures', 'frameworks', 'writers');
const LARAVEL8_CONFIG = path.join(REPO_ROOT, 'test', 'fixtures', 'frameworks', 'laravel-skeleton', '8.x', 'config');

const running = new Set();
process.on('exit', () => {
  for (const r of running) {
    try {
      r.child.kill('SIGKILL');
    } catch {}
    fs.rmSync(r.dir, { recursive: true, force: true });
  }
});

function waitForPort(port, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`redis-server exited (${child.signalCode ?? child.exitCode})`));
        return;
      }
      const sock = net.connect({ port, host: '127.0.0.1' });
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on 127.0.0.1:${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/** Starts redis-server on 127.0.0.1:<free port>, no persistence. Returns { port, stop() }. */
export async function startRedis() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prs-e2e-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const handle = {
    port,
    dir,
    child,
    async stop() {
      running.delete(handle);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(handle);
  try {
    await waitForPort(port, child, 10_000);
  } catch (err) {
    await handle.stop();
    throw new Error(`${err.message}: ${stderr.trim()}`);
  }
  return handle;
}

/**
 * Runs real PHP (session.save_handler = redis) to write the test sessions into the server.
 * Resolves with the session ids PHP wrote.
 */
export function writeSessionsWithPhp(port) {
  return new Promise((resolve, reject) => {
    const args = [
      '-d',
      'session.save_handler=redis',
      '-d',
      `session.save_path="tcp://127.0.0.1:${port}?timeout=2"`,
      WRITE_SESSIONS_PHP,
    ];
    const child = spawn('php', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`php could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ids = out.split('\n').filter(Boolean);
      // The script ends by killing itself while it holds a session lock (a crashed worker).
      const ok = code === 0 || (signal === 'SIGKILL' && ids.at(-1) === 'e2e-locked-frank');
      if (!ok || !ids.includes('e2e-php-alice')) {
        reject(new Error(`php ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${err}${out}`));
        return;
      }
      resolve(ids);
    });
  });
}

/** Replaces the port placeholder in every text file of a workspace copy. */
export function fillPortPlaceholders(workspace, port) {
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const text = fs.readFileSync(full, 'utf8');
        if (text.includes(PORT_PLACEHOLDER)) fs.writeFileSync(full, text.replaceAll(PORT_PLACEHOLDER, String(port)));
      }
    }
  };
  walk(workspace);
}

/**
 * The workspace copy's Laravel and Symfony projects save sessions the way they are configured: Laravel
 * 8 reads laravel-shop/.env (its Redis database, its key prefix), Symfony 5.4 reads symfony-shop's
 * .env and framework.yaml handler_id (Debian's packages, test/fixtures/frameworks/writers/). A signed-in
 * session and a guest's each. Returns the ids per framework.
 */
export function writeFrameworkSessions(workspace) {
  const run = (script, args) => {
    const r = spawnSync('php', [path.join(WRITERS, script), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 60_000,
    });
    const out = r.status === 0 && r.stdout.startsWith('{') ? JSON.parse(r.stdout) : undefined;
    if (!out || out.ok === false) throw new Error(`php ${script} ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
    return out.id;
  };
  const laravel = path.join(workspace, 'laravel-shop');
  const symfony = path.join(workspace, 'symfony-shop');
  return {
    laravel: [
      run('laravel-session.php', [laravel, LARAVEL8_CONFIG, '42']),
      run('laravel-session.php', [laravel, LARAVEL8_CONFIG]),
    ],
    symfony: [
      run('symfony-session.php', ['project', symfony, '-', 'main']),
      run('symfony-session.php', ['project', symfony, '-', '-']),
    ],
  };
}

/** A workspace copy for one run: the port in its files, its frameworks' sessions in the server. */
export function prepareWorkspace(workspace, port, log = () => {}) {
  fillPortPlaceholders(workspace, port);
  const ids = writeFrameworkSessions(workspace);
  log(`Laravel 8 wrote ${ids.laravel.join(', ')}; Symfony 5.4 wrote ${ids.symfony.join(', ')}`);
}

/**
 * A redis-server with PHP's sessions in it, for the length of fn(redis). Stopped afterwards, also
 * when fn throws.
 */
export async function withRedisSessions(fn, log = () => {}) {
  const t0 = Date.now();
  const redis = await startRedis();
  try {
    redis.sessionIds = await writeSessionsWithPhp(redis.port);
    log(
      `redis-server on 127.0.0.1:${redis.port} with ${redis.sessionIds.length} sessions written by PHP (${Date.now() - t0} ms): ${redis.sessionIds.join(', ')}`,
    );
    return await fn(redis);
  } finally {
    await redis.stop();
  }
}
