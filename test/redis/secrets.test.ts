// No secret in any output: distinctive passwords go through every failure path of
// the scanner and of the CLI — wrong password, ACL user without rights, refused port, silent port,
// TLS mismatch, database out of range, malformed addresses — and every line that comes out is
// searched for them (raw, percent-encoded, and the distinctive core of each): error messages,
// stacks, enumerable properties, test-connection results and labels, describeTarget() labels,
// anything printed on the console (ioredis prints "Unhandled error event" there), the CLI's
// stdout and stderr in every format.
// The VS Code part (output channel lines, tree labels and tooltips) belongs to the e2e suite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { lint } from '../../server/src/core/lint.ts';
import {
  describeTarget,
  parseConnectionTarget,
  parseConnectionTargets,
} from '../../server/src/sessions/connectionTarget.ts';
import { testConnection, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { freePort, startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { admin, seedSessions } from './fixtures.ts';

// Each has a distinctive core ("SeCrEt…") that must never appear, whatever the encoding around it.
const RIGHT = 'Rt-SeCrEtA-91';
const WRONG = 'Wr-SeCrEtB-27';
const ACL = 'p@ss:w+rd%-SeCrEtC-é';
const SLASHY = 'ab/SeCrEtD#x?';
const SECRETS = [RIGHT, WRONG, ACL, SLASHY];
const CORES = ['SeCrEtA', 'SeCrEtB', 'SeCrEtC', 'SeCrEtD'];
const enc = encodeURIComponent;
const forms = (s: string): string[] => [s, enc(s), enc(s).replace(/%20/g, '+'), Buffer.from(s).toString('base64')];
const NEEDLES = [...SECRETS.flatMap(forms), ...CORES];

function leaks(text: string): string[] {
  return NEEDLES.filter((n) => text.includes(n));
}

function assertClean(what: string, text: string): void {
  const found = leaks(text);
  assert.deepEqual(found, [], `${what} shows a secret (${found.join(', ')}):\n${text.slice(0, 2000)}`);
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return JSON.stringify(err) ?? String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  return `${err.name}: ${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err)}\n${cause ? errorText(cause) : ''}`;
}

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, REDIS_PASSWORD: '', ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.end();
  });
}

describe('no secret in any output', () => {
  let server: RedisServer;
  let plain: RedisServer;
  let r: Redis;
  let refused: number;
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();
  let dir: string;
  // Everything written on the console while the scanner runs.
  const consoleLines: string[] = [];
  const restore: (() => void)[] = [];

  before(async () => {
    server = await startRedis({ args: ['--requirepass', RIGHT] });
    r = admin(server, RIGHT);
    // An ACL user that may read other keys only: listing sessions is refused (NOPERM).
    await r.call('ACL', 'SETUSER', 'reader', 'on', `>${ACL}`, 'resetkeys', '~other:*', '+@all');
    await seedSessions(r, 50);
    plain = await startRedis();
    refused = await freePort();
    silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    silentPort = await freePort();
    await new Promise<void>((res) => silent.listen(silentPort, '127.0.0.1', res));
    dir = mkdtempSync(join(tmpdir(), 'prs-secrets-'));
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[m];
      console[m] = (...args: unknown[]) => {
        consoleLines.push(args.map((a) => (a instanceof Error ? errorText(a) : String(a))).join(' '));
        original.apply(console, args as []);
      };
      restore.push(() => (console[m] = original));
    }
  });
  after(async () => {
    for (const f of restore) f();
    r?.disconnect();
    for (const s of sockets) s.destroy();
    await new Promise((res) => silent?.close(res));
    await server?.stop();
    await plain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Connection strings that carry a secret, each with the failure it must produce. */
  const cases = (): { input: string; env?: Record<string, string>; expect: RegExp }[] => [
    { input: `redis://:${enc(WRONG)}@127.0.0.1:${server.port}`, expect: /WRONGPASS/ },
    { input: `redis://default:${enc(WRONG)}@127.0.0.1:${server.port}/2`, expect: /WRONGPASS/ },
    { input: `tcp://127.0.0.1:${server.port}?auth=${enc(WRONG)}&timeout=2`, expect: /WRONGPASS/ },
    { input: `tcp://127.0.0.1:${server.port}?auth[]=nobody&auth[]=${enc(WRONG)}`, expect: /WRONGPASS/ },
    { input: `redis://127.0.0.1:${server.port}`, env: { REDIS_PASSWORD: WRONG }, expect: /WRONGPASS/ },
    { input: `redis://reader:${enc(ACL)}@127.0.0.1:${server.port}`, expect: /NOPERM|No permissions/i },
    { input: `tcp://127.0.0.1:${server.port}?auth[]=reader&auth[]=${enc(ACL)}`, expect: /NOPERM|No permissions/i },
    { input: `redis://:${enc(RIGHT)}@127.0.0.1:${server.port}/99`, expect: /DB index is out of range/ },
    { input: `tcp://127.0.0.1:${server.port}?auth=${enc(RIGHT)}&database=99`, expect: /DB index is out of range/ },
    { input: `redis://:${enc(RIGHT)}@127.0.0.1:${refused}`, expect: /ECONNREFUSED/ },
    { input: `tcp://127.0.0.1:${refused}?auth=${enc(SLASHY)}`, expect: /ECONNREFUSED/ },
    { input: `rediss://:${enc(RIGHT)}@127.0.0.1:${plain.port}`, expect: /TLS|ETIMEDOUT|Connection lost/ },
    {
      input: `tls://127.0.0.1:${plain.port}?auth=${enc(RIGHT)}&stream[verify_peer]=0`,
      expect: /TLS|ETIMEDOUT|Connection lost/,
    },
    { input: `redis://:${enc(RIGHT)}@127.0.0.1:${silentPort}`, expect: /timed out|ETIMEDOUT/ },
    // Malformed addresses that hold a password.
    { input: `redis://:${RIGHT}@127.0.0.1:99999`, expect: /./ },
    { input: `redis://:${RIGHT}@[::1`, expect: /./ },
    { input: `tcp://127.0.0.1:notaport?auth=${RIGHT}`, expect: /./ },
    { input: `tcp://127.0.0.1:${server.port}?auth=${RIGHT} tcp://127.0.0.1:${refused}?auth=${WRONG}`, expect: /./ },
    { input: `seed[]=127.0.0.1:${refused}&auth=${enc(RIGHT)}`, expect: /./ },
    { input: `redis://:${enc(RIGHT)}@127.0.0.1:${server.port}/notadb`, expect: /./ },
  ];

  test('scanner, testConnection and labels, through every failure path', { timeout: 120_000 }, async () => {
    const bounds = { connectTimeoutMs: 500, commandTimeoutMs: 500 };
    let failures = 0;
    for (const c of cases()) {
      const what = `${c.input}${c.env ? ` with ${JSON.stringify(c.env)}` : ''}`;
      let targets;
      try {
        targets = parseConnectionTargets(c.input, { env: c.env ?? {} });
      } catch (err) {
        failures++;
        assertClean(`parse error of ${what}`, errorText(err));
        continue;
      }
      for (const target of targets) {
        assertClean(`label of ${what}`, describeTarget(target));
        const result = await testConnection(target, bounds);
        assertClean(`testConnection of ${what}`, JSON.stringify(result));
        const scanner = new SessionScanner(target, { ...bounds, readOnly: true });
        try {
          for (const op of [
            () => scanner.listPage(),
            async () => {
              for await (const b of scanner.listAll()) void b;
            },
            () => scanner.getSession('x'),
            () => scanner.serverInfo(),
            () => scanner.findSessionsContaining('user'),
          ]) {
            try {
              await op();
            } catch (err) {
              failures++;
              assertClean(`error of ${what}`, errorText(err));
              if (c.expect.source !== '.') assert.match(String((err as Error).message), c.expect, what);
            }
          }
        } finally {
          scanner.close();
        }
      }
    }
    assert.ok(failures > 40, `only ${failures} failures went through the check`);
    // Give late ioredis error events a moment to be printed, then check the console.
    await new Promise((res) => setTimeout(res, 300));
    assertClean('console output', consoleLines.join('\n'));
  });

  // A password pasted without percent-encoding (`redis://:ab/SeCrEt#x?@host`) holds "/", "?" or
  // "#": the masking must still reach the last "@".
  test('a password with a raw "/" or "#" in a redis:// URL is masked in the parse error', async () => {
    const input = `redis://:${SLASHY}@127.0.0.1:${server.port}`;
    let text = '';
    try {
      parseConnectionTargets(input, { env: {} });
    } catch (err) {
      text = errorText(err);
    }
    assertClean(`parse error of ${input}`, text);
    if (existsSync(CLI)) assertClean('CLI', (await runCli(['sessions', input])).out);
  });

  // Messages that quote a server URL as written (malformed-url…) show its userinfo as u:***@, in
  // the Problems panel, the CLI's stylish/json output and SARIF uploads alike.
  test('lint messages do not repeat a password written in a server URL', async () => {
    const file = join(dir, 'leak.ini');
    writeFileSync(
      file,
      `session.save_handler = redis\nsession.save_path = "tcp://u:${RIGHT}@h2:99999, tcp://u:${SLASHY}@h3"\n`,
    );
    const messages = lint(readFileSync(file, 'utf8'), file).map((f) => f.message);
    assertClean('lint messages', messages.join('\n'));
  });

  test('the right password: labels and results are clean too', async () => {
    const target = parseConnectionTarget(`redis://:${enc(RIGHT)}@127.0.0.1:${server.port}`, { env: {} });
    assertClean('label', describeTarget(target));
    const result = await testConnection(target);
    assert.ok(result.ok, JSON.stringify(result));
    assertClean('testConnection', JSON.stringify(result));
    const scanner = new SessionScanner(target, { readOnly: true });
    try {
      assertClean('server info', JSON.stringify(await scanner.serverInfo()));
      assertClean('listing', JSON.stringify((await scanner.listPage()).sessions));
    } finally {
      scanner.close();
    }
  });

  test(
    'CLI: sessions / show / lint, every failure path, every format',
    { timeout: 180_000, skip: !existsSync(CLI) && 'dist/cli.js is not built (npm run build)' },
    async () => {
      let runs = 0;
      const all = cases();
      for (const [i, c] of all.entries()) {
        // The silent port costs the CLI its full 5 s + 10 s bounds: once is enough (below).
        if (c.input.includes(`:${silentPort}`)) continue;
        // Every case through `sessions`; every third one through --json and `show` too (each run is a node start).
        // (A TLS mismatch costs the CLI ~7 s to fail: once.)
        const slow = c.input.includes(`:${plain.port}`);
        const variants =
          i % 3 || slow
            ? [['sessions', c.input]]
            : [
                ['sessions', c.input],
                ['sessions', c.input, '--json'],
                ['show', c.input, 'x'.repeat(32)],
              ];
        for (const args of variants) {
          const { code, out } = await runCli(args, c.env);
          runs++;
          assertClean(`php-redis-sessions ${args.join(' ')} (exit ${code})`, out);
          if (c.expect.source !== '.') assert.notEqual(code, 0, `${args.join(' ')} should fail:\n${out}`);
        }
      }
      // Success paths print nothing secret either.
      const ok = await runCli(['sessions', `redis://:${enc(RIGHT)}@127.0.0.1:${server.port}`, '--json']);
      assert.equal(ok.code, 0, ok.out);
      assertClean('sessions --json (success)', ok.out);
      const okEnv = await runCli(['sessions', `tcp://127.0.0.1:${server.port}`], { REDIS_PASSWORD: RIGHT });
      assert.equal(okEnv.code, 0, okEnv.out);
      assertClean('sessions with REDIS_PASSWORD (success)', okEnv.out);
      // lint: a composer.json and a php.ini that hold passwords, in every output format.
      const composer = join(dir, 'composer.json');
      writeFileSync(
        composer,
        JSON.stringify(
          {
            require: { 'ext-redis': '*' },
            extra: {
              paas: {
                'php-config': [
                  'session.save_handler = redis',
                  `session.save_path = 'redis://default:${RIGHT}@redis.example.com:6379/1'`,
                  `session.save_path = "tcp://h:6379?auth=${enc(ACL)}&auth=${WRONG}, tcp://u:${enc(SLASHY)}@h2"`,
                ],
              },
            },
          },
          null,
          4,
        ),
      );
      const ini = join(dir, 'php.ini');
      writeFileSync(ini, `session.save_handler = redis\nsession.save_path = tcp://h:6379?auth=${RIGHT}\n`);
      for (const format of ['stylish', 'json', 'sarif']) {
        for (const file of [composer, ini]) {
          const { out } = await runCli(['lint', '--format', format, file]);
          runs++;
          // The json/sarif reports carry fixes whose replacement text is the user's own file content;
          // what must stay clean is every message (and the stylish output as a whole).
          const text = format === 'stylish' ? out : JSON.stringify(collectMessages(JSON.parse(out)));
          assertClean(`lint --format ${format} ${file}`, text);
        }
      }
      console.log(`[secrets] ${runs} CLI runs checked`);
    },
  );

  test(
    'CLI: a server that never answers',
    { timeout: 60_000, skip: !existsSync(CLI) && 'dist/cli.js is not built (npm run build)' },
    async () => {
      const { code, out } = await runCli(['sessions', `redis://:${enc(RIGHT)}@127.0.0.1:${silentPort}`]);
      assert.notEqual(code, 0);
      assertClean('sessions against a silent port', out);
    },
  );
});

/** Every "message" (and message.text) string anywhere in a JSON report. */
function collectMessages(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) collectMessages(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'message' || k === 'text' || k === 'title' || k === 'description') && typeof x === 'string')
        out.push(x);
      else collectMessages(x, out);
    }
  }
  return out;
}
