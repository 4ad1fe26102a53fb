// The Redis side of the end-to-end runs: redis-servers on free loopback ports, filled with
// sessions that real PHP writes (session.save_handler = redis, phpredis), and the workspace files
// that name them. Used by run.mjs (code-server) and runElectron.mjs (@vscode/test-electron) before
// VS Code starts:
//   - the main server: a few sessions (one per serializer, a locked one) in database 0, and in
//     database 1 many sessions among other keys (counts, sort, a search that stops at its cap);
//   - a server with requirepass AUTH_PASSWORD and the same few sessions (the password prompt).
//   - in database 5 of the main server, the sessions the workspace's Laravel and Symfony projects save.
// The ports reach the extension host as E2E_REDIS_PORT / E2E_REDIS_AUTH_PORT and replace the
// `__E2E_REDIS_PORT__` / `__E2E_REDIS_AUTH_PORT__` placeholders of the workspace copy's files.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './install.mjs';
import { freePort } from './runCodeServer.mjs';

export const PORT_PLACEHOLDER = '__E2E_REDIS_PORT__';
export const AUTH_PORT_PLACEHOLDER = '__E2E_REDIS_AUTH_PORT__';
export const WRITE_SESSIONS_PHP = path.join(REPO_ROOT, 'test', 'fixtures', 'e2e-sessions', 'write-sessions.php');
export const WRITE_MANY_PHP = path.join(REPO_ROOT, 'test', 'fixtures', 'e2e-sessions', 'write-many.php');
/** The password of the requirepass server; never in a log (run.mjs scans them). */
export const AUTH_PASSWORD = 'E2E-Auth-Secret-57';
/** Database 1 of the main server: MANY_SESSIONS sessions among MANY_OTHERS other keys. */
export const MANY_SESSIONS = 1200;
export const MANY_OTHERS = 3000;
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

/** Starts redis-server on 127.0.0.1:<free port>, no persistence, with extra arguments. Returns { port, stop() }. */
export async function startRedis(extraArgs = []) {
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
      ...extraArgs,
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

/** Runs a PHP script with session.save_handler = redis and the given save_path; resolves its stdout. */
function runPhp(savePath, script, args, ok) {
  return new Promise((resolve, reject) => {
    const argv = ['-d', 'session.save_handler=redis', '-d', `session.save_path="${savePath}"`, script, ...args];
    const child = spawn('php', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (!ok(code, signal, out)) {
        // (the save_path may hold the test password: not in the message)
        reject(new Error(`php ${path.basename(script)} failed (${signal ?? `exit ${code}`}):\n${err}${out}`));
        return;
      }
      resolve(out);
    });
  });
}

/**
 * Runs real PHP (session.save_handler = redis) to write the test sessions into the server.
 * Resolves with the session ids PHP wrote.
 */
export async function writeSessionsWithPhp(port, password) {
  const auth = password ? `&auth=${encodeURIComponent(password)}` : '';
  const out = await runPhp(`tcp://127.0.0.1:${port}?timeout=2${auth}`, WRITE_SESSIONS_PHP, [], (code, signal, text) => {
    const ids = text.split('\n').filter(Boolean);
    // The script ends by killing itself while it holds a session lock (a crashed worker).
    return (code === 0 || (signal === 'SIGKILL' && ids.at(-1) === 'e2e-locked-frank')) && ids.includes('e2e-php-alice');
  });
  return out.split('\n').filter(Boolean);
}

/** Many sessions (and other keys) in database 1, written by PHP. */
export function writeManySessionsWithPhp(port) {
  return runPhp(
    `tcp://127.0.0.1:${port}?database=1&timeout=2`,
    WRITE_MANY_PHP,
    [String(MANY_SESSIONS), String(MANY_OTHERS)],
    (code) => code === 0,
  );
}

/** Replaces the port placeholders in every text file of a workspace copy. */
export function fillPortPlaceholders(workspace, redis) {
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const text = fs.readFileSync(full, 'utf8');
        if (text.includes(PORT_PLACEHOLDER) || text.includes(AUTH_PORT_PLACEHOLDER))
          fs.writeFileSync(
            full,
            text
              .replaceAll(AUTH_PORT_PLACEHOLDER, String(redis.authPort))
              .replaceAll(PORT_PLACEHOLDER, String(redis.port)),
          );
      }
    }
  };
  walk(workspace);
}

/** What the extension host learns of the servers. */
export function redisEnv(redis) {
  return { E2E_REDIS_PORT: String(redis.port), E2E_REDIS_AUTH_PORT: String(redis.authPort) };
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
export function prepareWorkspace(workspace, redis, log = () => {}) {
  fillPortPlaceholders(workspace, redis);
  const ids = writeFrameworkSessions(workspace);
  log(`Laravel 8 wrote ${ids.laravel.join(', ')}; Symfony 5.4 wrote ${ids.symfony.join(', ')}`);
}

/**
 * The redis-servers with PHP's sessions in them, for the length of fn(redis): redis.port (the
 * main one), redis.authPort (requirepass AUTH_PASSWORD). Stopped afterwards, also when fn throws.
 */
export async function withRedisSessions(fn, log = () => {}) {
  const t0 = Date.now();
  const redis = await startRedis();
  let auth;
  try {
    auth = await startRedis(['--requirepass', AUTH_PASSWORD]);
    redis.authPort = auth.port;
    redis.sessionIds = await writeSessionsWithPhp(redis.port);
    await writeManySessionsWithPhp(redis.port);
    await writeSessionsWithPhp(auth.port, AUTH_PASSWORD);
    log(
      `redis-server on 127.0.0.1:${redis.port} with ${redis.sessionIds.length} sessions written by PHP (${redis.sessionIds.join(', ')}) and ${MANY_SESSIONS} among ${MANY_OTHERS} other keys in database 1; one with a password on 127.0.0.1:${auth.port} (${Date.now() - t0} ms)`,
    );
    return await fn(redis);
  } finally {
    await auth?.stop();
    await redis.stop();
  }
}
