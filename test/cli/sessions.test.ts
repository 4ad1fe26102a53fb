import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { runPhpJson } from '../helpers/php.ts';
import { startRedis, freePort, type RedisServer } from '../helpers/redisServer.ts';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const PASSWORD = 's3cr3t-p4ss';

function run(
  args: string[],
  options: { stdin?: Buffer; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: Buffer; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, REDIS_PASSWORD: '', ...options.env },
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err, ms: Date.now() - t0 }));
    child.stdin.end(options.stdin ?? Buffer.alloc(0));
  });
}

let server: RedisServer;
const ids = ['a'.repeat(26) + '000001', 'a'.repeat(26) + '000002', 'b'.repeat(26) + '000003'];

before(async () => {
  server = await startRedis({ args: ['--requirepass', PASSWORD] });
  // Real PHP writes the sessions through phpredis.
  await runPhpJson(
    `foreach ($input as $i => $id) { session_id($id); session_start(); $_SESSION['user'] = ['id' => $i + 1, 'name' => "Zoë"]; $_SESSION['cart'] = [1.5, true, null]; session_write_close(); } return true;`,
    ids,
    {
      iniLines: [
        'session.save_handler = redis',
        `session.save_path = "tcp://127.0.0.1:${server.port}?auth=${PASSWORD}&database=2"`,
        'session.use_cookies = 0',
        'session.use_strict_mode = 0',
      ],
    },
  );
});
after(async () => {
  await server?.stop();
});

test('sessions: lists what PHP wrote, as a table and as JSON', async () => {
  const url = `redis://:${PASSWORD}@127.0.0.1:${server.port}/2`;
  const table = await run(['sessions', url]);
  assert.equal(table.code, 0, table.stderr);
  for (const id of ids) assert.match(table.stdout.toString(), new RegExp(`^${id} `, 'm'));
  const json = await run(['sessions', url, '--json']);
  const rows = JSON.parse(json.stdout.toString()) as {
    id: string;
    key: string;
    ttl: number;
    size: number;
    serializer: string;
    locked: boolean;
  }[];
  assert.deepEqual(rows.map((r) => r.id).sort(), [...ids].sort());
  for (const r of rows) {
    assert.equal(r.key, `PHPREDIS_SESSION:${r.id}`);
    assert.ok(r.ttl > 1400 && r.ttl <= 1440);
    assert.ok(r.size > 20);
    assert.equal(r.serializer, 'php');
    assert.equal(r.locked, false);
  }
});

test('sessions: --match and --limit; the save_path form and REDIS_PASSWORD', async () => {
  const savePath = `tcp://127.0.0.1:${server.port}?database=2`;
  const matched = JSON.parse(
    (
      await run(['sessions', savePath, '--json', '--match', 'bbb'], { env: { REDIS_PASSWORD: PASSWORD } })
    ).stdout.toString(),
  );
  assert.deepEqual(
    matched.map((r: { id: string }) => r.id),
    [ids[2]],
  );
  const limited = JSON.parse(
    (
      await run(['sessions', savePath, '--json', '--limit', '2'], { env: { REDIS_PASSWORD: PASSWORD } })
    ).stdout.toString(),
  );
  assert.equal(limited.length, 2);
});

test('sessions --limit among many other keys: the page is filled from as many SCANs as it takes', async () => {
  // Database 3: the sessions PHP wrote, among 5,000 other keys (a SCAN call looks at about 1,000).
  const r = new Redis({ port: server.port, password: PASSWORD, db: 2 });
  try {
    for (const id of ids) await r.copy(`PHPREDIS_SESSION:${id}`, `PHPREDIS_SESSION:${id}`, 'DB', 3, 'REPLACE');
    await r.select(3);
    const p = r.pipeline();
    for (let i = 0; i < 5000; i++) p.set(`cache:item:${i}`, 'x');
    await p.exec();
  } finally {
    r.disconnect();
  }
  const url = `redis://:${PASSWORD}@127.0.0.1:${server.port}/3`;
  for (const limit of [2, 3, 10]) {
    const page = await run(['sessions', url, '--json', '--limit', String(limit)]);
    assert.equal(page.code, 0, page.stderr);
    const got = (JSON.parse(page.stdout.toString()) as { id: string }[]).map((row) => row.id);
    assert.equal(got.length, Math.min(limit, ids.length), `--limit ${limit}`);
    for (const id of got) assert.ok(ids.includes(id), id);
  }
});

test('show: canonical JSON of a session; --raw gives the stored bytes; decode reads stdin', async () => {
  const url = `redis://:${PASSWORD}@127.0.0.1:${server.port}/2`;
  const shown = await run(['show', url, ids[1]]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(JSON.parse(shown.stdout.toString()), { user: { id: 2, name: 'Zoë' }, cart: [1.5, true, null] });
  const raw = await run(['show', url, ids[1], '--raw']);
  assert.match(raw.stdout.toString(), /^user\|a:2:\{s:2:"id";i:2;/);
  const decoded = await run(['decode'], { stdin: raw.stdout });
  assert.equal(decoded.stdout.toString(), shown.stdout.toString());
  const truncated = await run(['decode'], { stdin: raw.stdout.subarray(0, raw.stdout.length - 9) });
  assert.equal(truncated.code, 2);
  assert.match(truncated.stderr, /byte \d+/);
  const badOption = await run(['decode', '--serializer', 'json'], { stdin: raw.stdout });
  assert.equal(badOption.code, 2);
  const missing = await run(['show', url, 'nope']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no session "nope"/);
});

test("failures exit 2 with Redis's words, in bounded time, and never print the password", async () => {
  const wrong = await run(['sessions', `redis://:wrong-${PASSWORD}@127.0.0.1:${server.port}`]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /WRONGPASS|invalid password/i);
  const none = await run(['sessions', `redis://127.0.0.1:${server.port}`]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /NOAUTH/);
  const dead = await run(['sessions', `tcp://127.0.0.1:${await freePort()}?auth=${PASSWORD}`]);
  assert.equal(dead.code, 2);
  assert.match(dead.stderr, /ECONNREFUSED/);
  assert.ok(dead.ms < 5000, `refused in ${dead.ms} ms`);
  for (const r of [wrong, none, dead]) {
    assert.doesNotMatch(r.stderr + r.stdout.toString(), new RegExp(PASSWORD));
  }
  const usage = await run(['sessions']);
  assert.equal(usage.code, 2);
  const badLimit = await run(['sessions', `redis://127.0.0.1:${server.port}`, '--limit', 'x']);
  assert.equal(badLimit.code, 2);
});

test('every command answers --help (exit 0, its own usage)', async () => {
  for (const command of ['lint', 'sessions', 'show', 'decode']) {
    for (const flag of ['--help', '-h']) {
      const r = await run([command, flag]);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
      assert.match(r.stdout.toString(), new RegExp(`^Usage: php-redis-sessions ${command}\\b`));
      assert.equal(r.stderr, '');
    }
  }
  const help = await run(['help', 'decode']);
  assert.match(help.stdout.toString(), /--serializer NAME/);
});

/** What PHP's own session decoder (session_decode() under `handler`) says of the bytes. */
async function phpDecodes(handler: string, bytes: Buffer): Promise<boolean> {
  return (await runPhpJson(
    `ini_set('session.serialize_handler', $input['handler']);
     session_set_save_handler(new class implements SessionHandlerInterface {
       function open($p, $n): bool { return true; } function close(): bool { return true; }
       function read($id): string|false { return ''; } function write($id, $d): bool { return true; }
       function destroy($id): bool { return true; } function gc($m): int|false { return 0; } });
     session_start();
     try { return @session_decode(base64_decode($input['bytes'])); } catch (Throwable $e) { return false; }`,
    { handler, bytes: bytes.toString('base64') },
  )) as boolean;
}

test('decode: a named serializer is used alone and fails where PHP fails; what PHP refuses is said on stderr', async () => {
  // A php_serialize session, as PHP writes it.
  const b64 = (await runPhpJson(
    `ini_set('session.serialize_handler', 'php_serialize');
     session_set_save_handler(new class implements SessionHandlerInterface {
       function open($p, $n): bool { return true; } function close(): bool { return true; }
       function read($id): string|false { return ''; } function write($id, $d): bool { return true; }
       function destroy($id): bool { return true; } function gc($m): int|false { return 0; } });
     session_start(); $_SESSION['a'] = 1; return base64_encode(session_encode());`,
    null,
  )) as string;
  const stored = Buffer.from(b64, 'base64');
  assert.equal(await phpDecodes('php', stored), false);
  assert.equal(await phpDecodes('php_serialize', stored), true);
  const asPhp = await run(['decode', '--serializer', 'php'], { stdin: stored });
  assert.equal(asPhp.code, 2, 'PHP configured with php cannot read it');
  assert.match(asPhp.stderr, /Missing '\|'/);
  const named = await run(['decode', '--serializer', 'php_serialize'], { stdin: stored });
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(JSON.parse(named.stdout.toString()), { a: 1 });
  const detected = await run(['decode'], { stdin: stored });
  assert.equal(detected.stdout.toString(), named.stdout.toString());

  const refused = Buffer.from('v|O:13:"SplFileObject":0:{}', 'latin1');
  assert.equal(await phpDecodes('php', refused), false);
  const shown = await run(['decode', '--serializer', 'php'], { stdin: refused });
  assert.equal(shown.code, 0, 'the data is shown');
  assert.deepEqual(JSON.parse(shown.stdout.toString()), { v: { __class: 'SplFileObject' } });
  assert.match(shown.stderr, /PHP cannot read this back: Unserialization of 'SplFileObject' is not allowed/);
});
