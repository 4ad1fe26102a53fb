// Test connection on a workspace's save_path answers what PHP would do with it: for each
// save_path below, real PHP + phpredis writes and reads sessions (or fails), and our test of the
// same handler and save_path (the verdict before connecting, then a connection made as phpredis
// makes it) must agree, against a server without a password and one with requirepass. `${VAR}`
// references are replaced as PHP's ini reader does.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseDocument } from '../../server/src/core/document.ts';
import { expandSavePath, sessionStoreOf } from '../../server/src/core/sessionStore.ts';
import { testSessionStore, type StoreTestResult } from '../../server/src/sessions/redis/index.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { findPhp, probeAll, RedisKeyLocator, type PhpRuntime } from './phpSessionProbe.ts';

const PW = 'T3st-conn pw+/#';
const enc = encodeURIComponent;

interface Case {
  name: string;
  /** The ini value as written (quoted), A / B = the two servers' ports. */
  value: (a: number, b: number) => string;
  env?: (a: number, b: number) => Record<string, string>;
  /** What our test must say: why PHP cannot use it (a rule), or that a server failed (a code). */
  expect: { ok: true } | { blocker: string } | { failure: string };
}

const CASES: Case[] = [
  { name: 'tcp, no password needed', value: (a) => `"tcp://127.0.0.1:${a}?timeout=2"`, expect: { ok: true } },
  {
    name: 'auth= on requirepass',
    value: (_, b) => `"tcp://127.0.0.1:${b}?auth=${enc(PW)}&timeout=2"`,
    expect: { ok: true },
  },
  {
    name: 'a pool of both',
    value: (a, b) => `"tcp://127.0.0.1:${a}, tcp://127.0.0.1:${b}?auth=${enc(PW)}&timeout=2"`,
    expect: { ok: true },
  },
  { name: 'database 3', value: (a) => `"tcp://127.0.0.1:${a}?database=3&timeout=2"`, expect: { ok: true } },
  { name: 'redis:// URL', value: (a) => `"redis://127.0.0.1:${a}"`, expect: { blocker: 'unsupported-scheme' } },
  {
    name: 'redis:// URL with its password',
    value: (_, b) => `"redis://:${enc(PW)}@127.0.0.1:${b}"`,
    expect: { blocker: 'unsupported-scheme' },
  },
  {
    name: 'TCP:// in capitals',
    value: (a) => `"TCP://127.0.0.1:${a}?timeout=2"`,
    expect: { blocker: 'unsupported-scheme' },
  },
  {
    name: 'parameters without tcp://',
    value: (a) => `"127.0.0.1:${a}?timeout=2"`,
    expect: { blocker: 'params-without-scheme' },
  },
  {
    name: 'weight=0',
    value: (a) => `"tcp://127.0.0.1:${a}?weight=0&timeout=2"`,
    expect: { blocker: 'invalid-weight' },
  },
  { name: 'empty auth', value: (a) => `"tcp://127.0.0.1:${a}?auth=&timeout=2"`, expect: { blocker: 'empty-auth' } },
  {
    name: 'no auth on requirepass',
    value: (_, b) => `"tcp://127.0.0.1:${b}?timeout=2"`,
    expect: { failure: 'NOAUTH' },
  },
  {
    name: 'wrong auth',
    value: (_, b) => `"tcp://127.0.0.1:${b}?auth=nope&timeout=2"`,
    expect: { failure: 'WRONGPASS' },
  },
  {
    name: 'userinfo on requirepass (never sent)',
    value: (_, b) => `"tcp://:${enc(PW)}@127.0.0.1:${b}?timeout=2"`,
    expect: { failure: 'NOAUTH' },
  },
  { name: 'userinfo where none is needed', value: (a) => `"tcp://:x@127.0.0.1:${a}?timeout=2"`, expect: { ok: true } },
  // phpredis sends no AUTH and warns "When passing an array as auth it must have one or two elements!" each time
  {
    name: 'auth[] of 3 where none is needed',
    value: (a) => `"tcp://127.0.0.1:${a}?auth[]=a&auth[]=b&auth[]=c&timeout=2"`,
    expect: { blocker: 'auth-array-size' },
  },
  {
    name: 'ACL-style auth[] user and password',
    value: (_, b) => `"tcp://127.0.0.1:${b}?auth[]=default&auth[]=${enc(PW)}&timeout=2"`,
    expect: { ok: true },
  },
  {
    name: 'one server of the pool wants a password',
    value: (a, b) => `"tcp://127.0.0.1:${a}, tcp://127.0.0.1:${b}?timeout=2"`,
    expect: { failure: 'NOAUTH' },
  },
  { name: 'nothing listening', value: () => `"tcp://127.0.0.1:1?timeout=1"`, expect: { failure: 'ECONNREFUSED' } },
  {
    name: '${VAR} holding the whole save_path',
    value: () => `"\${PRS_TC_PATH}"`,
    env: (_, b) => ({ PRS_TC_PATH: `tcp://127.0.0.1:${b}?auth=${enc(PW)}&timeout=2` }),
    expect: { ok: true },
  },
  {
    name: '${VAR}s inside the save_path',
    value: () => `"tcp://\${PRS_TC_HOST}:\${PRS_TC_PORT}?auth=\${PRS_TC_PW}&timeout=2"`,
    env: (_, b) => ({ PRS_TC_HOST: '127.0.0.1', PRS_TC_PORT: String(b), PRS_TC_PW: enc(PW) }),
    expect: { ok: true },
  },
];

function verdict(r: StoreTestResult): { ok: true } | { blocker: string } | { failure: string } {
  if (r.blockers.length) return { blocker: r.blockers[0]!.rule };
  const failed = r.results.find((x) => !x.ok);
  return failed && !failed.ok ? { failure: failed.code } : { ok: true };
}

const php = findPhp();

describe('Test connection agrees with PHP', { skip: php ? false : 'php with phpredis not found' }, () => {
  let a: RedisServer;
  let b: RedisServer;
  let runtime: PhpRuntime;
  let locator: RedisKeyLocator;

  before(async () => {
    runtime = php!;
    a = await startRedis();
    b = await startRedis({ args: ['--requirepass', PW] });
    locator = new RedisKeyLocator([{ port: a.port }, { port: b.port, password: PW }]);
  });
  after(async () => {
    await locator?.close();
    await a?.stop();
    await b?.stop();
  });

  test('every save_path: our verdict and PHP’s outcome', async () => {
    const inputs = CASES.map((c, i) => ({
      iniText: `session.save_handler = redis\nsession.save_path = ${c.value(a.port, b.port)}\n`,
      tag: `tc${i}x`,
      env: c.env?.(a.port, b.port) ?? {},
      writtenHandler: 'redis',
      writtenSerializer: null,
      writtenPath: null,
    }));
    const outcomes = await probeAll(inputs, { runtime, locator, concurrency: 2, timeoutMs: 15_000 });
    const rows: string[] = [];
    for (const [i, c] of CASES.entries()) {
      const store = sessionStoreOf(parseDocument(inputs[i]!.iniText, 'ini'))!;
      const env = inputs[i]!.env;
      const { savePath, missing } = expandSavePath(store, (n) => env[n] ?? process.env[n]);
      assert.deepEqual(missing, [], c.name);
      const ours = verdict(
        await testSessionStore('redis', savePath, { connectTimeoutMs: 2000, commandTimeoutMs: 2000 }),
      );
      const phpOk = outcomes[i]!.ok;
      rows.push(
        `${c.name}: PHP ${phpOk ? 'ok' : `fails (${outcomes[i]!.reason}: ${outcomes[i]!.detail})`}; ours ${JSON.stringify(ours)}`,
      );
      assert.equal(
        'ok' in ours,
        phpOk,
        `${c.name}: PHP ${phpOk ? 'works' : 'fails'} but we say ${JSON.stringify(ours)}\n${rows.join('\n')}`,
      );
      assert.deepEqual(ours, c.expect, c.name);
    }
  });

  test('${VAR} replaced as PHP reads it (ini_get of the same ini)', () => {
    const ini = 'session.save_path = "tcp://${PRS_H}:${PRS_P}?auth=${PRS_W}&x=${PRS_UNSET}&timeout=2"\n';
    const env = { PRS_H: 'redis.internal', PRS_P: '6380', PRS_W: 'p w%2B' };
    const dir = mkdtempSync(join(tmpdir(), 'prs-env-'));
    try {
      writeFileSync(join(dir, 'php.ini'), ini);
      const phpSays = execFileSync(
        runtime.php,
        ['-n', '-c', join(dir, 'php.ini'), '-r', 'echo ini_get("session.save_path");'],
        {
          env: { ...process.env, ...env },
          encoding: 'utf8',
        },
      );
      const store = sessionStoreOf(parseDocument(`session.save_handler = redis\n${ini}`, 'ini'))!;
      const ours = expandSavePath(store, (n) => (env as Record<string, string>)[n]);
      assert.equal(ours.savePath, phpSays);
      assert.deepEqual(ours.missing, ['PRS_UNSET']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
