// `php-redis-sessions set`: the built CLI edits a session PHP wrote; PHP reads the new value.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { runCli } from '../helpers/cli.ts';
import { runPhpJson } from '../helpers/php.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';

const ID = 'c'.repeat(26) + '000001';

const run = runCli;

let server: RedisServer;
let url: string;
const ini = (): string[] => [
  'session.save_handler = redis',
  `session.save_path = "tcp://127.0.0.1:${server.port}"`,
  'session.use_cookies = 0',
  'session.use_strict_mode = 0',
];
const readUser = async (): Promise<unknown> =>
  runPhpJson(`session_id($input); session_start(['read_and_close' => true]); return $_SESSION['user'];`, ID, {
    iniLines: ini(),
  });

before(async () => {
  server = await startRedis();
  url = `redis://127.0.0.1:${server.port}`;
  await runPhpJson(
    `session_id($input); session_start(); $_SESSION['user'] = ['id' => 1, 'name' => 'Zoë']; session_write_close(); return true;`,
    ID,
    { iniLines: ini() },
  );
});
after(async () => {
  await server?.stop();
});

test('set: written (exit 0), and PHP reads the new value', async () => {
  const r = await run(['set', url, ID, 'user.name', '"Bob"']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /written: user\.name in c+000001 \(php, \d+ bytes, TTL \d+ s kept\)/);
  assert.deepEqual(await readUser(), { id: 1, name: 'Bob' });
  const big = await run(['set', url, ID, 'user.id', '--', '-9223372036854775808']);
  assert.equal(big.code, 0, big.stderr);
  assert.deepEqual(await readUser(), { id: -9223372036854775808, name: 'Bob' });
});

test('set: refused (exit 1) while locked or for a missing session; usage errors exit 2', async () => {
  const admin = new Redis({ port: server.port, host: '127.0.0.1' });
  try {
    await admin.set(`PHPREDIS_SESSION:${ID}_LOCK`, 'web-1|99');
    const locked = await run(['set', url, ID, 'user.name', '"Eve"']);
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /locked by a running request \(web-1\|99\); it has no expiry/);
    await admin.del(`PHPREDIS_SESSION:${ID}_LOCK`);
  } finally {
    admin.disconnect();
  }
  assert.deepEqual(await readUser(), { id: -9223372036854775808, name: 'Bob' }, 'untouched');
  const missing = await run(['set', url, 'nope'.repeat(8), 'user.name', '"x"']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No session "nope/);
  for (const args of [
    ['set', url, ID, 'user.name', '{bad'],
    ['set', url, ID, 'user.name'],
    ['set', url],
  ]) {
    const r = await run(args);
    assert.equal(r.code, 2, args.join(' '));
  }
});
