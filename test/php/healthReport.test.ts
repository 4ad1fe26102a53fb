// The health report against a keyspace real PHP wrote (php, igbinary, msgpack, php_serialize
// sessions through phpredis), with planted leaks (PERSIST), TTLs above gc_maxlifetime, stuck locks
// left by PHP requests killed while holding them (lock_expire=0 on the CLI: no expiry), a lock
// without a session, and undecodable values. Its figures must agree with a direct count.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { main } from '../../server/src/cli/main.ts';
import type { Io } from '../../server/src/cli/io.ts';
import type { HealthReport } from '../../server/src/sessions/report/healthReport.ts';
import type { SessionSerializer } from '../../server/src/sessions/sessionFormats.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { PhpHarness, phpReady } from './phpHarness.ts';

const P = 'PHPREDIS_SESSION:';

const WRITE_PHP = String.raw`<?php
[, $prefix, $n] = $argv;
for ($i = 0; $i < (int)$n; $i++) {
    session_id(sprintf('%s%04d%s', $prefix, $i, str_repeat('0', 20)));
    if (!session_start()) exit(2);
    $_SESSION['user'] = ['id' => $i, 'name' => "user $i"];
    $_SESSION['cart'] = array_fill(0, $i % 7, ['sku' => 'A-1', 'qty' => 2]);
    if ($i % 5 === 0) $_SESSION['blob'] = str_repeat('x', 1000 * $i);
    if (!session_write_close()) exit(3);
}
`;

// Takes the lock of session argv[1] (writing it first unless argv[2] says so) and dies holding it.
const DIE_LOCKED_PHP = String.raw`<?php
session_id($argv[1]);
if (($argv[2] ?? '') !== 'lock-only') {
    session_start();
    $_SESSION['user'] = ['id' => 1];
    session_write_close();
}
session_start();
posix_kill(getmypid(), 9);
`;

function capture(): { io: Io; out: () => string } {
  let out = '';
  const io: Io = {
    stdout: (t) => void (out += t),
    stdoutBytes: () => undefined,
    stderr: () => undefined,
    cwd: process.cwd(),
    env: {},
    color: false,
    readStdin: async () => Buffer.alloc(0),
  };
  return { io, out: () => out };
}

describe('health report against a keyspace PHP wrote', { skip: !phpReady() && 'php or redis-server missing' }, () => {
  let redis: RedisServer;
  let admin: Redis;
  let harness: PhpHarness;
  const written: Record<string, number> = { php: 60, igbinary: 25, msgpack: 15, php_serialize: 10 };
  const leaks = ['php', 'igbinary'].flatMap((s) =>
    [0, 1, 2].map((i) => `${s}${String(i).padStart(4, '0')}${'0'.repeat(20)}`),
  );
  const longTtl = [`php0010${'0'.repeat(20)}`, `msgpack0003${'0'.repeat(20)}`];
  const stuck = ['stuckone000000000000000000', 'stucktwo000000000000000000'];
  const lockOnly = 'lockonly00000000000000000000';
  const garbage = ['garbage-1', 'garbage-2', 'garbage-3'];
  const enumSession = 'msgpackenum00000000000000000';

  before(async () => {
    redis = await startRedis();
    admin = new Redis({ port: redis.port, host: '127.0.0.1' });
    harness = new PhpHarness(redis.port, { 'write.php': WRITE_PHP, 'die.php': DIE_LOCKED_PHP });
    for (const [serializer, n] of Object.entries(written))
      harness.run('write.php', [serializer, String(n)], serializer as SessionSerializer);
    const locking = ['redis.session.locking_enabled = 1', 'redis.session.lock_expire = 0', 'max_execution_time = 0'];
    for (const sid of stuck) await harness.start('die.php', [sid], 'php', locking).catch(() => undefined);
    await harness.start('die.php', [lockOnly, 'lock-only'], 'php', locking).catch(() => undefined);
    harness.run('writeEnum.php', [enumSession], 'msgpack');
    for (const id of leaks) await admin.persist(P + id);
    for (const id of longTtl) await admin.expire(P + id, 100_000);
    for (const g of garbage) await admin.set(P + g, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x7c]), 'EX', 600);
    await admin.set('unrelated:key', 'x');
  });
  after(async () => {
    admin?.disconnect();
    await redis?.stop();
    harness?.dispose();
  });

  test('report --json agrees with a direct count', async () => {
    const { io, out } = capture();
    const code = await main(['report', `redis://127.0.0.1:${redis.port}`, '--json', '--lock-expire', '30'], io);
    assert.equal(code, 0);
    const r = JSON.parse(out()) as HealthReport & { keyspaceKeys: number };

    // The direct count: every key under the prefix, its TTL, whether it is a lock.
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${P}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const sessionKeys = keys.filter((k) => !k.endsWith('_LOCK'));
    const lockKeys = keys.filter((k) => k.endsWith('_LOCK'));
    const ttls = await Promise.all(sessionKeys.map((k) => admin.ttl(k)));
    const lockTtls = await Promise.all(lockKeys.map((k) => admin.ttl(k)));

    const totalWritten = Object.values(written).reduce((a, b) => a + b, 0) + stuck.length + 1;
    assert.equal(sessionKeys.length, totalWritten + garbage.length, 'planted as intended');
    assert.equal(r.sessions, sessionKeys.length);
    assert.equal(r.withoutExpiry, ttls.filter((t) => t === -1).length);
    assert.equal(r.withoutExpiry, leaks.length);
    assert.deepEqual(r.lists.withoutExpiry.map((s) => s.id).sort(), [...leaks].sort());
    assert.equal(r.ttlAboveGcMaxlifetime, ttls.filter((t) => t > 1440).length);
    assert.equal(r.ttlAboveGcMaxlifetime, longTtl.length);
    assert.equal(r.locks, lockKeys.length);
    assert.equal(r.locksWithoutExpiry, lockTtls.filter((t) => t === -1).length);
    assert.deepEqual(r.lists.locksWithoutExpiry.map((s) => s.id).sort(), [...stuck, lockOnly].sort());
    assert.equal(r.lockOnly, 1);
    assert.equal(r.lists.lockOnly[0]!.id, lockOnly);
    assert.equal(r.undecodable, garbage.length);
    assert.deepEqual(r.lists.undecodable.map((s) => s.id).sort(), garbage);
    assert.deepEqual(r.bySerializer, {
      php: written.php! + stuck.length,
      igbinary: written.igbinary,
      msgpack: written.msgpack! + 1,
      php_serialize: written.php_serialize,
      undecodable: garbage.length,
    });
    assert.deepEqual(r.byCompression, { none: totalWritten });
    const sizes = await Promise.all(sessionKeys.map((k) => admin.strlen(k)));
    assert.equal(
      r.totalBytes,
      sizes.reduce((a, b) => a + b, 0),
    );
    assert.deepEqual(
      r.lists.largest.map((l) => l.size),
      [...sizes].sort((a, b) => b - a).slice(0, 10),
    );
    assert.equal(r.lists.largest[0]!.variables[0]!.name, 'blob', 'the largest variable of the largest session');
    assert.equal(r.keyspaceKeys, keys.length + 1);
    assert.equal(r.sampled, false);
    // PHP's own refusal, found by the decoder: msgpack-php wrote an enum it cannot read back.
    assert.equal(r.unreadableByPhp, 1);
    assert.equal(r.lists.unreadableByPhp[0]!.id, enumSession);
    assert.match(r.lists.unreadableByPhp[0]!.detail!, /Cannot instantiate enum Suit/);
  });

  test('a configured serializer marks the others unreadable by PHP; --sample states its size', async () => {
    const { io, out } = capture();
    await main(['report', `redis://127.0.0.1:${redis.port}`, '--json', '--serializer', 'php'], io);
    const r = JSON.parse(out()) as HealthReport;
    assert.equal(r.unreadableByPhp, written.igbinary! + written.msgpack! + 1 + written.php_serialize!);
    assert.match(
      r.lists.unreadableByPhp[0]!.detail!,
      /stored with \w+, PHP is configured for php|written as \w+; session.serialize_handler=php cannot read it/,
    );
    const sample = capture();
    await main(['report', `redis://127.0.0.1:${redis.port}`, '--json', '--sample', '20'], sample.io);
    const s = JSON.parse(sample.out()) as HealthReport;
    assert.equal(s.sampled, true);
    assert.ok(s.sessions >= 20 && s.sessions < 40, `${s.sessions} sessions in the sample`);
    const text = capture();
    await main(['report', `redis://127.0.0.1:${redis.port}`], text.io);
    assert.match(text.out(), /^Sessions: 116, /m);
    assert.match(text.out(), /Without expiry \(leaks\): 6/);
  });
});
