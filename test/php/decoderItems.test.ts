// One case per finding of the harvested comparison (shadowed private properties, references to the
// session root, PHP's depth limit, what PHP reads that the decoder refused, what PHP refuses that
// the decoder showed as fine, a named serializer, PHP's spelling of its classes), each read by real
// PHP 8.2 (phpOracle.ts) and by the decoder: they must agree, and the decoder must say what the
// finding was about.
import assert from 'node:assert/strict';
import { after, before, describe as suite, test } from 'node:test';
import { decodeSession } from '../../server/src/sessions/sessionFormats.ts';
import { phpChildren, phpSummary } from '../../server/src/sessions/phpValue.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { describe, judge, oracle, php, phpReady, worlds, type Case, type Verdict } from './phpOracle.ts';

const NONE = { enums: {}, serializable: {}, unserialize: {} };
const b64 = (bytes: string | Buffer): string => Buffer.from(bytes as string, 'latin1').toString('base64');
const value = (serialized: string): Case => ({ op: 'value', format: 'php', data: b64(serialized), file: 'item' });
const payload = (format: string, bytes: string | Buffer): Case => ({
  op: 'payload',
  format,
  data: b64(bytes),
  file: 'item',
});

/** Bytes real PHP writes with its own classes (a script, not the oracle's generic classes). */
function written(code: string): Buffer {
  const r = php(['-r', `${code}`]);
  assert.equal(r.status, 0, String(r.stderr));
  return Buffer.from(String(r.stdout), 'hex');
}

let redis: RedisServer;
let verdicts: Map<number, Verdict[]>;
const cases: Case[] = [];
const add = (c: Case): number => cases.push(c) - 1;

// 1. A parent's private property shadowed by the child's own.
const shadowed = add(value('O:7:"Derived":2:{s:8:"\0Base\0id";i:64;s:5:"\0*\0id";i:44;}'));
// 2. A reference back to the php_serialize root (and to the root of the other session formats,
//    whose decoders copy the variables out of it).
const rootRef = add(payload('session:php_serialize', 'a:2:{i:0;O:4:"test":1:{s:4:"ryat";R:1;}i:1;i:2;}'));
const otherRoots = [
  payload('session:igbinary', Buffer.from('000000021402110473656c66010011016e0601', 'hex')),
  payload('session:msgpack', Buffer.from('83c001a473656c6682c0020001a16e01', 'hex')),
].map(add);
// 3. unserialize_max_depth: 4096 levels are read, 4097 are not (msgpack-php: 1024 open containers).
const depth = ['depth:4096', 'depth:4097', 'depth:1024', 'depth:1025'].map((what) =>
  add({ op: 'value', format: 'synthetic', data: b64(what), file: 'item' }),
);
// 4. What PHP reads: a msgpack reference to an object whose serialize() returned null, an R: into an
//    SplObjectStorage C: payload, truncated msgpack sessions (read as empty sessions).
let nullRef = -1;
let truncated: number[] = [];
const splRef = add(payload('php', 'a:2:{i:0;C:16:"SPlObjectStorage":34:{x:i:1;O:8:"stdClass":0:{};m:a:0:{}}i:1;R:4;}'));
// 5. What PHP refuses: internal classes it validates, igbinary's trailing bytes, msgpack enums.
const refused = [
  payload('php', 'O:13:"ArrayIterator":2:{i:0;i:0;s:1:"x";R:2;}'),
  payload('php', 'O:13:"SplFileObject":1:{s:9:"*filename";s:15:"/home/flag/flag";}'),
  payload('php', 'O:9:"Exception":1:{s:16:"\0Exception\0trace";s:4:"ryat";}'),
].map(add);
const msgpackEnum = add(value('a:1:{s:1:"s";E:11:"Suit:Hearts";}'));
let igbinaryTrailing = -1;
// 6. A named serializer is the one used: these are not in its format.
const named = [
  payload('session:php', 'a:1:{s:1:"a";i:1;}'),
  payload('session:php', '\x01ai:1;'),
  payload('session:igbinary', 'a:0:{}'),
].map(add);
// 7. PHP's spelling of its own classes.
const spelling = add(payload('php', 'O:8:"StdClass":1:{s:1:"a";i:1;}'));

suite(
  'the decoder on each finding of the harvested comparison, against real PHP',
  { skip: !phpReady() && 'php missing' },
  () => {
    before(async () => {
      nullRef = add(
        payload(
          'msgpack',
          written(
            'class N implements Serializable { function serialize() { return null; } function unserialize($d) {} } $o = new N; echo bin2hex(msgpack_serialize([$o, $o, "after" => 1]));',
          ),
        ),
      );
      const session = written(
        'echo bin2hex(msgpack_serialize(["user" => ["id" => 42, "roles" => ["a", "b"]], "n" => 7]));',
      );
      // msgpack-php's session format: the array as a PHP reference (nil → 1 first).
      const stored = Buffer.concat([Buffer.from([0x83, 0xc0, 0x01]), session.subarray(1)]);
      truncated = Array.from({ length: stored.length - 1 }, (_, n) =>
        add(payload('session:msgpack', stored.subarray(0, n + 1))),
      );
      const ig = written('echo bin2hex(igbinary_serialize(["a" => 1]));');
      igbinaryTrailing = add(payload('igbinary', Buffer.concat([ig, Buffer.from('x')])));
      add(payload('session:igbinary', Buffer.concat([ig, Buffer.from('x')])));
      redis = await startRedis();
      verdicts = new Map();
      for (const world of worlds(NONE, cases))
        for (const reading of oracle(world, cases, redis.port)) {
          const list = verdicts.get(reading[0]) ?? [];
          list.push(...judge(reading));
          verdicts.set(reading[0], list);
        }
    });
    after(async () => {
      await redis?.stop();
    });

    const of = (i: number, reader?: string): Verdict[] => {
      const all = verdicts.get(i) ?? [];
      const picked = reader ? all.filter((v) => v.reader === reader && v.envelope === '') : all;
      assert.ok(picked.length > 0, `no reading of case ${i} ${reader ?? ''}`);
      return picked;
    };

    test('every case: the decoder agrees with PHP', () => {
      const differ = [...verdicts].flatMap(([i, vs]) =>
        vs.filter((v) => !v.agree).map((v) => describe(v, `case ${i}`)),
      );
      assert.deepEqual(differ, []);
      assert.ok([...verdicts.values()].flat().length > 100);
    });

    test('1. a shadowed private property keeps its class in its name, in JSON and in the tree', () => {
      for (const v of of(shadowed)) {
        assert.ok(v.phpReads, `${v.reader}: PHP reads it`);
        assert.match(v.ours.json!, /"Base::id":64,"id":44/, v.reader);
      }
      const [v] = of(shadowed, 'session:php_serialize');
      const object = decodeSession(v!.bytes, { serializer: 'php_serialize' }).variables[0]![1];
      assert.deepEqual(
        phpChildren(object).map((c) => [c.label, c.detail]),
        [
          ['Base::id', 'private Base'],
          ['id', 'protected'],
        ],
      );
    });

    test('2. a reference back to the php_serialize root is a cycle right there', () => {
      const [v] = of(rootRef);
      assert.ok(v!.phpReads);
      assert.equal(v!.ours.json, '{"0":{"__class":"test","ryat":{"__recursion":true}},"1":2}');
      const decoded = decodeSession(v!.bytes, { serializer: 'php_serialize' });
      assert.match(decoded.notes?.[0] ?? '', /\$_SESSION a reference to itself/);
      // igbinary's session decoder copies the variables out: the array they came from is one level
      // down, as var_dump() shows it (PHP's own canonical walk cannot print an array holding itself).
      const [ig, mp] = otherRoots as [number, number];
      assert.ok(of(ig)[0]!.skipped);
      assert.equal(of(ig)[0]!.ours.json, '{"self":{"self":{"__recursion":true},"n":1},"n":1}');
      // msgpack-php moves them out: the array left behind looks empty.
      assert.ok(of(mp)[0]!.phpReads);
      assert.equal(of(mp)[0]!.ours.json, '{"self":[],"n":1}');
    });

    test("3. PHP's depth limits: unserialize_max_depth 4096, msgpack-php 1024", () => {
      const reads = (i: number, reader: string): boolean => of(i, reader)[0]!.phpReads;
      const [d4096, d4097, d1024, d1025] = depth as [number, number, number, number];
      assert.equal(reads(d4096, 'php'), true);
      assert.equal(reads(d4097, 'php'), false);
      assert.match(of(d4097, 'php')[0]!.ours.refused ?? '', /Maximum depth of 4096 exceeded/);
      assert.equal(reads(d1024, 'msgpack'), true);
      assert.equal(reads(d1025, 'msgpack'), false);
      // igbinary has no limit of its own: 4097 levels are read by both.
      assert.equal(reads(d4097, 'igbinary'), true);
    });

    test('4. values PHP reads: a dangling msgpack reference, an R: into a C: payload, truncated msgpack sessions', () => {
      const [ref] = of(nullRef, 'msgpack');
      assert.ok(ref!.phpReads);
      assert.equal(ref!.ours.json, '{"0":null,"1":null,"after":1}');
      const [spl] = of(splRef, 'php');
      assert.ok(spl!.phpReads);
      assert.equal(
        spl!.ours.json,
        '[{"__class":"SplObjectStorage","0":[{"__class":"stdClass"},null],"1":[]},{"__class":"stdClass"}]',
      );
      assert.ok(truncated.length > 10);
      for (const i of truncated) {
        const [v] = of(i, 'session:msgpack');
        assert.ok(v!.phpReads, 'msgpack-php reads a truncated session');
        assert.equal(v!.ours.json, '{}');
        assert.match(
          decodeSession(v!.bytes, { serializer: 'msgpack', serializerOnly: true }).notes?.[0] ?? '',
          /msgpack-php reads these bytes as an empty session/,
        );
      }
    });

    test("5. values PHP refuses are shown and marked with PHP's own reason", () => {
      for (const i of [...refused, msgpackEnum]) {
        const v = i === msgpackEnum ? of(i, 'session:msgpack')[0]! : (of(i, 'session:php')[0] ?? of(i, 'php')[0]!);
        assert.equal(v.phpReads, false);
        assert.equal(v.ours.refused, null, 'the data is shown');
        assert.ok(
          v.ours.unreadable && v.php.includes(v.ours.unreadable.replace(/ \(if .*$/, '')),
          `${v.ours.unreadable} / ${v.php}`,
        );
      }
      const [trailing] = of(igbinaryTrailing, 'igbinary');
      assert.equal(trailing!.phpReads, false, 'igbinary_unserialize() refuses bytes after the value');
      assert.notEqual(trailing!.ours.refused, null);
      const [session] = of(igbinaryTrailing + 1, 'session:igbinary');
      assert.equal(session!.phpReads, true, "igbinary's session decoder ignores them");
      const detected = decodeSession(session!.bytes);
      assert.equal(detected.serializer, 'igbinary');
      assert.match(detected.notes?.[0] ?? '', /1 bytes after the value, which igbinary's session decoder ignores/);
      // The session says so, and so does the tree's one-line summary of the value.
      const tree = decodeSession(
        new Uint8Array(
          Buffer.from(`v|${Buffer.from(cases[refused[1]!]!.data, 'base64').toString('latin1')}`, 'latin1'),
        ),
      );
      assert.match(tree.phpUnreadable?.reason ?? '', /Unserialization of 'SplFileObject' is not allowed/);
      assert.match(
        phpSummary(tree.variables[0]![1]),
        /⚠ PHP cannot read this back: Unserialization of 'SplFileObject' is not allowed/,
      );
    });

    test('6. a named serializer is used alone, failing where PHP fails', () => {
      for (const i of named) {
        const [v] = of(i);
        assert.equal(v!.phpReads, false);
        assert.notEqual(v!.ours.refused, null);
      }
    });

    test("7. PHP's own classes are printed with PHP's spelling", () => {
      const [v] = of(spelling, 'php');
      assert.ok(v!.phpReads);
      assert.equal(v!.ours.json, '{"__class":"stdClass","a":1}');
    });
  },
);
