// Locks written by real PHP + phpredis (redis.session.locking_enabled=1): a request killed while it
// holds the lock leaves `<key>_LOCK = "<hostname>|<pid>"`; the listing folds it into the session,
// flags one without TTL, and releasing it lets the next request in at once.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { SessionScanner, type SessionInfo } from '../../server/src/sessions/redis/index.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { drain } from './fixtures.ts';

const PW = 'php-lock-Secret-4';
const phpReady = spawnSync('php', ['-r', 'exit(extension_loaded("redis") ? 0 : 1);']).status === 0;

const SCRIPT = `<?php
session_id($argv[1]);
session_start();
$_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
fwrite(STDOUT, "started " . $_SESSION['n'] . "\\n");
if (($argv[2] ?? '') === 'hold') { sleep(60); }
`;

describe(
  'locks written by real phpredis',
  { skip: !phpReady && 'php with the redis extension is not installed' },
  () => {
    let server: RedisServer;
    let dir: string;
    let scanner: SessionScanner;
    const children = new Set<ChildProcess>();

    /** Runs the script with locking on; `hold` keeps the lock until the process is killed. */
    const php = (
      id: string,
      iniExtra: string[],
      hold: boolean,
    ): { child: ChildProcess; started: Promise<string>; stderr: Promise<string> } => {
      const iniDir = mkdtempSync(join(dir, 'ini-'));
      writeFileSync(
        join(iniDir, 'zz-sessions.ini'),
        [
          'session.save_handler = redis',
          `session.save_path = "tcp://127.0.0.1:${server.port}?auth=${PW}&timeout=2"`,
          'session.use_cookies = 0',
          'redis.session.locking_enabled = 1',
          ...iniExtra,
          '',
        ].join('\n'),
      );
      // An empty element keeps the default scan dir (and so phpredis) loaded.
      const env = { ...process.env, PHP_INI_SCAN_DIR: `${process.env.PHP_INI_SCAN_DIR ?? ''}:${iniDir}` };
      const child = spawn('php', [join(dir, 'session.php'), id, ...(hold ? ['hold'] : [])], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      child.on('exit', () => children.delete(child));
      let err = '';
      child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      const stderr = new Promise<string>((resolve) => child.on('close', () => resolve(err)));
      const started = new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.on('exit', (code) => reject(new Error(`php exited (${code}) before starting: ${err}`)));
      });
      return { child, started, stderr };
    };
    const kill = async (child: ChildProcess): Promise<void> => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    };
    const find = async (id: string): Promise<SessionInfo | undefined> =>
      (await drain(scanner.listAll())).find((s) => s.id === id);

    before(async () => {
      server = await startRedis({ args: ['--requirepass', PW] });
      dir = mkdtempSync(join(tmpdir(), 'prs-phplock-'));
      writeFileSync(join(dir, 'session.php'), SCRIPT);
      scanner = new SessionScanner(parseConnectionTarget(`tcp://127.0.0.1:${server.port}?auth=${PW}`, { env: {} }));
    });
    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      scanner?.close();
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('a crashed request leaves a lock without TTL: flagged, released, and the next request is not held up', async () => {
      const id = 'aaaabbbbccccddddeeeeffff00001111';
      const first = php(id, [], false);
      assert.equal(await first.started, 'started 1');
      await new Promise((r) => first.child.once('exit', r));

      // lock_expire=0 and the CLI's max_execution_time=0: phpredis sets the lock with no expiry.
      const holder = php(id, ['redis.session.lock_expire = 0'], true);
      assert.equal(await holder.started, 'started 2');
      await kill(holder.child);

      const s = await find(id);
      assert.ok(s, 'session listed');
      assert.equal(s.locked, true);
      assert.equal(s.lock?.owner, `${hostname()}|${holder.child.pid}`);
      assert.equal(s.lock?.noExpiry, true);
      const paged = (await scanner.listPage()).sessions.find((x) => x.id === id);
      assert.deepEqual(paged?.lock, s.lock);

      // While the stuck lock is there, a request waits for it, gives up and cannot save.
      const impatient = ['redis.session.lock_retries = 2', 'redis.session.lock_wait_time = 50000'];
      const blocked = php(id, impatient, false);
      assert.match(await blocked.stderr, /Acquire of session lock was not successful/);

      assert.equal(await scanner.releaseLock(id, s.lock!.owner!), true);
      const next = php(id, impatient, false);
      assert.equal(await next.started, 'started 2');
      assert.doesNotMatch(await next.stderr, /lock|Failed/);
      const third = php(id, impatient, false);
      assert.equal(await third.started, 'started 3', 'the released request saved its session');
      // Once the request has ended (its lock released at shutdown), nothing is locked any more.
      await third.stderr;
      assert.equal((await find(id))?.locked, false);
    });

    test('a lock with lock_expire has a TTL; a new session that crashed shows as a lone lock', async () => {
      const id = 'aaaabbbbccccddddeeeeffff00002222';
      const holder = php(id, ['redis.session.lock_expire = 30'], true);
      assert.equal(await holder.started, 'started 1');
      await kill(holder.child);
      const s = await find(id);
      assert.ok(s);
      // The session was never written: only its lock exists.
      assert.equal(s.lockOnly, true);
      assert.equal(s.lock?.noExpiry, false);
      assert.ok(s.lock!.ttlMs > 20_000 && s.lock!.ttlMs <= 30_000, `lock ttl ${s.lock?.ttlMs}`);
      assert.equal(s.lock?.owner, `${hostname()}|${holder.child.pid}`);
    });
  },
);
