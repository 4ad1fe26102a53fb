// The safe edit, proven by PHP: real PHP (phpredis session handler) stores the sessions, the edit
// changes one variable, and PHP's session_start() then reads exactly what PHP itself gets by
// making the same assignment — for every serializer, and for values phpredis compressed. It is
// refused while a request holds the session lock, and four PHP writers hammering the session
// (with phpredis locking) lose none of their writes and none of the edits reported written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { phpValueFromJson } from '../../server/src/sessions/edit/jsonValue.ts';
import { editSession, SessionEditRefused } from '../../server/src/sessions/edit/safeEdit.ts';
import { parseDottedPath } from '../../server/src/sessions/edit/setVariable.ts';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { openConnection } from '../../server/src/sessions/redis/openConnection.ts';
import type { RedisHandle } from '../../server/src/sessions/redis/redisHandle.ts';
import { SESSION_SERIALIZERS, type SessionSerializer } from '../../server/src/sessions/sessionFormats.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { PhpHarness, phpReady } from './phpHarness.ts';

const P = 'PHPREDIS_SESSION:';

const WRITE_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
require __DIR__ . '/data.php';
[, $serializer] = $argv;
foreach (array_slice($argv, 2) as $sid) {
    session_id($sid);
    if (!session_start()) exit(2);
    fill_session($serializer !== 'msgpack');
    if (!session_write_close()) exit(3);
}
`;

// stdin: [[sid, php code or null], …] → per sid: canonical JSON of what session_start() reads,
// after running the code on it (the expected result of an edit) when there is code.
const READ_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
require __DIR__ . '/canonical.php';
$out = [];
foreach (json_decode(stream_get_contents(STDIN), true) as [$sid, $code]) {
    session_id($sid);
    if (!session_start(['read_and_close' => true])) exit(2);
    if ($code !== null) eval($code);
    $out[] = cj_session($_SESSION);
}
echo json_encode($out);
`;

const WRITE_SMALL_PHP = String.raw`<?php
session_id($argv[1]);
if (!session_start()) exit(2);
$_SESSION['user'] = ['id' => 7, 'name' => 'Zoë', 'roles' => ['admin']];
if (!session_write_close()) exit(3);
`;

// argv: port, codec, sid, target key: stores the session compressed the way phpredis would.
const COMPRESS_PHP = String.raw`<?php
[, $port, $codec, $from, $to] = $argv;
$codecs = ['lzf' => Redis::COMPRESSION_LZF, 'zstd' => Redis::COMPRESSION_ZSTD, 'lz4' => Redis::COMPRESSION_LZ4];
$r = new Redis();
$r->connect('127.0.0.1', (int)$port);
$raw = $r->get($from);
$r->setOption(Redis::OPT_COMPRESSION, $codecs[$codec]);
$r->set($to, $raw);
$r->expire($to, 1440);
`;

// argv: port, codec, then [key, php code or null] pairs on stdin: reads compressed sessions
// through the Redis class's own decompression and session_decode().
const READ_COMPRESSED_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
require __DIR__ . '/canonical.php';
[, $port, $codec] = $argv;
$codecs = ['lzf' => Redis::COMPRESSION_LZF, 'zstd' => Redis::COMPRESSION_ZSTD, 'lz4' => Redis::COMPRESSION_LZ4];
$r = new Redis();
$r->connect('127.0.0.1', (int)$port);
$r->setOption(Redis::OPT_COMPRESSION, $codecs[$codec]);
ini_set('session.save_handler', 'files');
ini_set('session.save_path', sys_get_temp_dir());
session_id('cmp' . getmypid());
session_start();
$out = [];
foreach (json_decode(stream_get_contents(STDIN), true) as [$key, $code]) {
    session_unset();
    if (!session_decode($r->get($key))) exit(4);
    if ($code !== null) eval($code);
    $out[] = cj_session($_SESSION);
}
session_abort();
echo json_encode($out);
`;

// A request that holds the session lock for argv[2] seconds.
const HOLD_LOCK_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
session_id($argv[1]);
if (!session_start()) exit(2);
echo "locked\n";
usleep((int)($argv[2] * 1000000));
session_write_close();
`;

// A writer: argv[1] sid, argv[2] name, argv[3] requests; prints how many wrote.
const WRITER_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
[, $sid, $name, $n] = $argv;
$ok = 0;
for ($i = 0; $i < (int)$n; $i++) {
    session_id($sid);
    if (!session_start()) continue;
    $_SESSION[$name] = ($_SESSION[$name] ?? 0) + 1;
    if (session_write_close()) $ok++;
    usleep(random_int(0, 3000)); // think time: edits can also land between requests
}
echo $ok;
`;

interface Edit {
  path: string;
  json: string;
  php: string;
  /** msgpack-php reads references changed: edits through them are not comparable there. */
  viaReference?: boolean;
}

const EDITS: Edit[] = [
  { path: 'user.name', json: '"Bob"', php: "$_SESSION['user']['name'] = 'Bob';" },
  { path: 'user.roles.2', json: '"ops"', php: "$_SESSION['user']['roles'][2] = 'ops';" },
  { path: 'refB.v', json: '2', php: "$_SESSION['refB']['v'] = 2;", viaReference: true },
  { path: 'refA', json: '"flat"', php: "$_SESSION['refA'] = 'flat';", viaReference: true },
  {
    path: 'sameChild.extra',
    json: '{"__class":"stdClass","n":1}',
    php: "$_SESSION['sameChild']->extra = (object)['n' => 1];",
  },
  {
    path: 'added',
    json: '{"a":[1,2.5,null],"b":"Zoë","big":9223372036854775807}',
    php: "$_SESSION['added'] = ['a' => [1, 2.5, null], 'b' => 'Zoë', 'big' => PHP_INT_MAX];",
  },
  { path: 'ints.1', json: '-9223372036854775808', php: "$_SESSION['ints'][1] = PHP_INT_MIN;" },
];

describe(
  'session edit against real PHP',
  { skip: !phpReady() && 'php (redis, igbinary, msgpack) or redis-server missing' },
  () => {
    let redis: RedisServer;
    let admin: Redis;
    let harness: PhpHarness;
    let handle: RedisHandle;

    before(async () => {
      redis = await startRedis();
      admin = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
      await admin.connect();
      harness = new PhpHarness(redis.port, {
        'write.php': WRITE_PHP,
        'writeSmall.php': WRITE_SMALL_PHP,
        'read.php': READ_PHP,
        'compress.php': COMPRESS_PHP,
        'readCompressed.php': READ_COMPRESSED_PHP,
        'hold.php': HOLD_LOCK_PHP,
        'writer.php': WRITER_PHP,
      });
      handle = await openConnection(parseConnectionTarget(`tcp://127.0.0.1:${redis.port}`, { env: {} }));
    });
    after(async () => {
      handle?.close();
      admin?.disconnect();
      await redis?.stop();
      harness?.dispose();
    });

    const edit = (id: string, e: Edit, serializer?: SessionSerializer, compression?: 'lzf') =>
      editSession(handle, P, {
        id,
        path: parseDottedPath(e.path),
        value: phpValueFromJson(e.json),
        ...(serializer ? { serializer } : {}),
        ...(compression ? { compression } : {}),
      });

    for (const serializer of SESSION_SERIALIZERS) {
      test(`${serializer}: PHP reads each edit as its own assignment would leave the session`, async () => {
        const edits = EDITS.filter((e) => !(serializer === 'msgpack' && e.viaReference));
        const sids = edits.map((_, i) => `edit-${serializer}-${i}-0123456789abcdef`);
        const original = `orig-${serializer}-0123456789abcdef`;
        harness.run('write.php', [serializer, original, ...sids], serializer);
        const ttlBefore = await admin.pttl(P + sids[0]);
        for (let i = 0; i < edits.length; i++) {
          const done = await edit(sids[i]!, edits[i]!);
          assert.equal(done.serializer, serializer);
          assert.equal(done.compression, 'none');
        }
        const ttlAfter = await admin.pttl(P + sids[0]);
        assert.ok(
          ttlAfter > 0 && ttlAfter <= ttlBefore && ttlBefore - ttlAfter < 60_000,
          `TTL kept (${ttlBefore} → ${ttlAfter})`,
        );
        const requests = [...sids.map((sid) => [sid, null]), ...edits.map((e) => [original, e.php])];
        const out = JSON.parse(harness.run('read.php', [], serializer, JSON.stringify(requests))) as string[];
        edits.forEach((e, i) =>
          assert.ok(out[i] === out[edits.length + i], `${serializer} ${e.path}: PHP reads the edit as its own`),
        );
        // And the untouched session reads as before: the test would pass vacuously otherwise.
        assert.notEqual(
          out[0],
          JSON.parse(harness.run('read.php', [], serializer, JSON.stringify([[original, null]])))[0],
        );
      });
    }

    test('compressed sessions (lzf, zstd, lz4) are edited and written back in the same envelope', async () => {
      const e = EDITS[0]!;
      for (const serializer of SESSION_SERIALIZERS) {
        const sid = `cmp-src-${serializer}-0123456789abcdef`;
        harness.run('write.php', [serializer, sid], serializer);
        for (const codec of ['lzf', 'zstd', 'lz4'] as const) {
          const id = `cmp-${codec}-${serializer}-0123456789abcdef`;
          harness.run('compress.php', [String(redis.port), codec, P + sid, P + id], serializer);
          const done = await edit(id, e, serializer, codec === 'lzf' ? 'lzf' : undefined);
          assert.equal(done.compression, codec, `${serializer}+${codec} kept its envelope`);
          const out = JSON.parse(
            harness.run(
              'readCompressed.php',
              [String(redis.port), codec],
              serializer,
              JSON.stringify([
                [P + id, null],
                [P + sid, e.php],
              ]),
            ),
          ) as string[];
          assert.ok(out[0] === out[1], `${serializer}+${codec}: PHP reads the edit`);
        }
      }
    });

    test('refused while a request holds the lock, and for a stuck lock; the session is untouched', async () => {
      const sid = 'locked-0123456789abcdef0123';
      harness.run('write.php', ['php', sid], 'php');
      const before = await admin.getBuffer(P + sid);
      const holding = harness.start('hold.php', [sid, '2'], 'php', [
        'redis.session.locking_enabled = 1',
        'redis.session.lock_expire = 30',
      ]);
      holding.catch(() => undefined); // awaited below; a failure there fails the test
      const deadline = Date.now() + 5000;
      while (!(await admin.exists(`${P}${sid}_LOCK`)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await assert.rejects(
        edit(sid, EDITS[0]!),
        (err: unknown) =>
          err instanceof SessionEditRefused && err.reason === 'locked' && /expires in/.test(err.message),
      );
      assert.ok((await admin.getBuffer(P + sid))!.equals(before!), 'untouched while locked');
      await holding;
      await admin.set(`${P}${sid}_LOCK`, 'web-1|4242'); // a crashed request's lock, no TTL
      await assert.rejects(edit(sid, EDITS[0]!), /web-1\|4242.*no expiry/);
      await admin.del(`${P}${sid}_LOCK`);
      await edit(sid, EDITS[0]!);
      assert.ok(!(await admin.getBuffer(P + sid))!.equals(before!), 'written once the lock is gone');
    });

    test('refused for a session PHP does not read as stored (an enum under msgpack); untouched', async () => {
      const sid = 'msgpackenum-0123456789abcdef';
      harness.run('writeEnum.php', [sid], 'msgpack');
      const before = await admin.getBuffer(P + sid);
      await assert.rejects(
        edit(sid, EDITS[0]!),
        (err: unknown) =>
          err instanceof SessionEditRefused &&
          err.reason === 'unreadable' &&
          /Cannot instantiate enum/.test(err.message),
      );
      assert.ok((await admin.getBuffer(P + sid))!.equals(before!));
    });

    test('four PHP writers hammering the session lose no write, and no edit reported written is lost', async (t) => {
      const sid = 'hammer-0123456789abcdef0123';
      harness.run('writeSmall.php', [sid], 'php');
      const ini = [
        'redis.session.locking_enabled = 1',
        'redis.session.lock_expire = 10',
        'redis.session.lock_retries = -1',
        'redis.session.lock_wait_time = 2000',
      ];
      const requests = 100;
      let running = true;
      const writers = Promise.all(
        [0, 1, 2, 3].map((w) => harness.start('writer.php', [sid, `w${w}`, String(requests)], 'php', ini)),
      ).finally(() => (running = false));
      const written: number[] = [];
      const refused = { locked: 0, changed: 0 };
      try {
        for (let k = 0; running && k < 2000; k++) {
          try {
            await edit(sid, { path: `edits.k${k}`, json: String(k), php: '' });
            written.push(k);
          } catch (err) {
            if (!(err instanceof SessionEditRefused) || (err.reason !== 'locked' && err.reason !== 'changed'))
              throw err;
            refused[err.reason]++;
          }
        }
      } finally {
        await writers.catch(() => undefined); // never leave PHP running past the test
      }
      const counts = (await writers).map(Number);
      const parts = JSON.parse(
        (JSON.parse(harness.run('read.php', [], 'php', JSON.stringify([[sid, null]]))) as string[])[0]!,
      ) as Array<[string, string]>;
      const final = Object.fromEntries(parts.map(([n, j]) => [n, JSON.parse(j) as unknown]));
      counts.forEach((n, w) => assert.equal(final[`w${w}`], n, `writer ${w}: ${n} writes, all there`));
      const edits = (final.edits ?? {}) as Record<string, number>;
      assert.deepEqual(
        Object.keys(edits).sort(),
        written.map((k) => `k${k}`).sort(),
        'every edit reported written is there',
      );
      t.diagnostic(
        `PHP writes: ${counts.join('+')}; edits: ${written.length} written, ${refused.locked} refused (locked), ${refused.changed} (changed)`,
      );
      assert.ok(
        written.length > 0 && refused.locked > 0,
        `edits: ${written.length} written, ${refused.locked} refused (locked), ${refused.changed} (changed)`,
      );
    });
  },
);
