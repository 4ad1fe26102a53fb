// Raw RESP (the whole-keyspace loops' protocol) against a real redis-server: every reply type read
// the way ioredis reads it, whatever the chunk boundaries; the lane's writer, errors and bounds.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { KeySet } from '../../server/src/sessions/redis/keySet.ts';
import { LiveConnection } from '../../server/src/sessions/redis/liveConnection.ts';
import { RespError, RespReader, RespWriter, type RespValue } from '../../server/src/sessions/redis/resp.ts';
import type { RespLane } from '../../server/src/sessions/redis/respLane.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { admin, rejection } from './fixtures.ts';

/** Commands whose replies cover every RESP2 type: ints, bulk (empty, binary, CRLF inside, megabytes), null, status, error, nested arrays. */
const BIG = Buffer.alloc(3 * 1024 * 1024 + 7, 'ab\r\n\x00\xff');
const COMMANDS: string[][] = [
  ['PING'],
  ['GET', 'str'],
  ['GET', 'empty'],
  ['GET', 'bin'],
  ['GET', 'big'],
  ['GET', 'missing'],
  ['STRLEN', 'big'],
  ['PTTL', 'str'],
  ['PTTL', 'missing'],
  ['EXPIRETIME', 'ttl'],
  ['GETRANGE', 'bin', '0', '3'],
  ['STRLEN', 'list'],
  ['LRANGE', 'list', '0', '-1'],
  ['LRANGE', 'missing', '0', '-1'],
  ['SCAN', '0', 'MATCH', 'k:*', 'COUNT', '1000'],
  ['HGETALL', 'hash'],
  ['EXISTS', 'str', 'bin', 'missing'],
  ['SET', 'counter', '0'],
  ['INCRBY', 'counter', '-12345678901'],
];

/** ioredis's reading of the same reply, in RespValue terms (bulk strings as bytes). */
function normalise(v: unknown): RespValue {
  if (v instanceof Error) return new RespError(v.message);
  if (Array.isArray(v)) return v.map(normalise);
  return v as RespValue;
}

function same(actual: RespValue, expected: RespValue, where: string): void {
  if (expected instanceof RespError) {
    assert.ok(actual instanceof RespError, `${where}: an error reply`);
    assert.equal(actual.message, expected.message, where);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: an array`);
    assert.equal(actual.length, expected.length, where);
    expected.forEach((e, i) => same(actual[i]!, e, `${where}[${i}]`));
  } else if (Buffer.isBuffer(expected)) {
    // ioredis gives status replies (+PONG) as bytes too; ours are strings.
    const bytes = typeof actual === 'string' ? Buffer.from(actual, 'latin1') : actual;
    assert.ok(Buffer.isBuffer(bytes), `${where}: bytes`);
    assert.ok(bytes.equals(expected), `${where}: the same bytes`);
  } else assert.deepEqual(actual, expected, where);
}

describe('raw RESP', () => {
  let server: RedisServer;
  let r: Redis;
  let expected: RespValue[];
  let wire: Buffer;

  before(async () => {
    server = await startRedis();
    r = admin(server);
    await r.set('str', 'Zoë ✓');
    await r.set('empty', '');
    await r.set('bin', Buffer.from([0, 13, 10, 255, 36, 42, 13]));
    await r.set('big', BIG);
    await r.set('ttl', 'x', 'EXAT', 4_102_444_800);
    await r.rpush('list', 'a', '', 'c\r\n');
    await r.hset('hash', 'f', 'v', 'g', '');
    for (let i = 0; i < 300; i++) await r.set(`k:${i}`, String(i));
    // The keyspace grew past 256 keys: Redis rehashes it incrementally, one bucket per lookup, and a
    // SCAN during that can order keys differently from the next one. Enough lookups finish it, so
    // the two SCANs below (ioredis's and the raw socket's) see one order.
    const lookups = r.pipeline();
    for (let i = 0; i < 2048; i++) lookups.exists('k:0');
    await lookups.exec();
    expected = [];
    for (const c of COMMANDS) {
      const reply = await r.callBuffer(c[0]!, ...c.slice(1)).catch((e: unknown) => e);
      expected.push(normalise(reply));
    }
    // The reply bytes exactly as the server sends them, for the chunking test.
    wire = await new Promise<Buffer>((resolve, reject) => {
      const w = new RespWriter();
      for (const c of COMMANDS) w.command(...c);
      w.command('QUIT');
      const chunks: Buffer[] = [];
      const s = connect(server.port, server.host);
      s.on('data', (d: Buffer) => chunks.push(d));
      s.on('error', reject);
      s.on('close', () => resolve(Buffer.concat(chunks)));
      s.write(w.take());
    });
  });
  after(async () => {
    r?.disconnect();
    await server?.stop();
  });

  test('the reader gives what ioredis gives, however the bytes are split', () => {
    const splits = [wire.length, 1, 2, 3, 7, 64, 1000, 65536];
    for (const size of splits) {
      const got: RespValue[] = [];
      const reader = new RespReader((v) => got.push(v));
      for (let i = 0; i < wire.length; i += size) reader.feed(wire.subarray(i, i + size));
      assert.equal(got.length, COMMANDS.length + 1, `chunks of ${size}`);
      got.slice(0, -1).forEach((v, i) => same(v, expected[i]!, `chunks of ${size}, ${COMMANDS[i]!.join(' ')}`));
      assert.equal(got[got.length - 1], 'OK');
    }
  });

  test('bytes that are not RESP are refused', () => {
    const reader = new RespReader(() => undefined);
    assert.throws(() => reader.feed(Buffer.from('?what\r\n')), /Protocol error/);
  });

  test('a lane: replies in order, grouped as sent; a lost connection fails what waits', async () => {
    const live = new LiveConnection(parseConnectionTarget(`tcp://127.0.0.1:${server.port}`, { env: {} }));
    const lane: RespLane = await live.lane();
    try {
      const w = new RespWriter();
      for (const c of COMMANDS) w.command(...c);
      const first = lane.call(w.take(), COMMANDS.length);
      const second = lane.call(w.command('PING').command('GET', 'str').take(), 2);
      (await first).forEach((v, i) => same(v, expected[i]!, COMMANDS[i]!.join(' ')));
      same((await second)[1]!, Buffer.from('Zoë ✓'), 'GET str');
      await r.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      const err = await rejection(lane.call(w.command('PING').take(), 1));
      assert.match(err.message, /Connection is closed/);
    } finally {
      lane.close();
      live.close();
    }
  });

  test('a lane bounds the wait for a reply by the command timeout', async () => {
    const live = new LiveConnection(parseConnectionTarget(`tcp://127.0.0.1:${server.port}`, { env: {} }), {
      commandTimeoutMs: 300,
    });
    const lane = await live.lane();
    try {
      await r.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const t0 = Date.now();
      const err = await rejection(lane.call(new RespWriter().command('PING').take(), 1));
      assert.match(err.message, /Command timed out/);
      assert.ok(Date.now() - t0 < 1500, `${Date.now() - t0} ms`);
    } finally {
      lane.close();
      live.close();
    }
  });

  test('the key set: each key once, through growth', () => {
    const set = new KeySet(4);
    const keys = Array.from({ length: 50_000 }, (_, i) => Buffer.from(`PHPREDIS_SESSION:${i.toString(16)}`));
    for (const k of keys) assert.equal(set.add(k), true);
    for (const k of keys) assert.equal(set.add(Buffer.from(k)), false);
    assert.equal(set.size, keys.length);
    assert.equal(set.add(Buffer.alloc(0)), true);
    assert.equal(set.add(Buffer.alloc(0)), false);
  });
});
