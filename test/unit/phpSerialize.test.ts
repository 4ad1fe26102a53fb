// PHP's unserialize() grammar, token by token, with the slot numbering of R:/r:, and the refusals:
// malformed, truncated, oversized and too deeply nested input. Expected values follow php-src's
// var_unserializer.re (checked against real PHP by test/php/sessionFixtures.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import {
  PhpUnserializer,
  SessionDecodeError,
  unserialize,
  type UnserializeOneOptions,
} from '../../server/src/sessions/phpSerialize.ts';
import type { PhpValue } from '../../server/src/sessions/phpValue.ts';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
const u = (s: string, o?: UnserializeOneOptions): PhpValue => unserialize(bytes(s), o);
const json = (s: string, o?: UnserializeOneOptions): string => toCanonicalJson(u(s, o));
const refused = (s: string, message?: RegExp): void => {
  assert.throws(
    () => u(s),
    (err: unknown) => err instanceof SessionDecodeError && (message === undefined || message.test(err.message)),
    `should refuse ${JSON.stringify(s)}`,
  );
};

test('null, booleans: only N; b:0; b:1;', () => {
  assert.equal(json('N;'), 'null');
  assert.equal(json('b:0;'), 'false');
  assert.equal(json('b:1;'), 'true');
  for (const s of ['N', 'n;', 'b:2;', 'b:01;', 'b:;', 'b:1']) refused(s);
});

test('integers: sign, leading zeros, exact 64-bit, clamped overflow', () => {
  assert.equal(json('i:0;'), '0');
  assert.equal(json('i:-5;'), '-5');
  assert.equal(json('i:+5;'), '5');
  assert.equal(json('i:007;'), '7');
  assert.equal(json('i:9223372036854775807;'), '9223372036854775807');
  assert.equal(json('i:-9223372036854775808;'), '-9223372036854775808');
  assert.equal(json('i:9007199254740993;'), '9007199254740993', 'beyond 2^53, exact');
  // "Numerical result out of range": PHP clamps.
  assert.equal(json('i:99999999999999999999;'), '9223372036854775807');
  assert.equal(json('i:-9223372036854775809;'), '-9223372036854775808');
  const v = u('i:1234567890123456789;');
  assert.equal(v.kind === 'int' && v.value, 1234567890123456789n);
  for (const s of ['i:;', 'i:-;', 'i:1', 'i:1.5;', 'i: 1;', 'i:0x1;']) refused(s);
});

test('floats: every form of iv | nv | nvexp, NAN/INF/-INF', () => {
  const f = (s: string): number => {
    const v = u(s);
    assert.equal(v.kind, 'float');
    return v.kind === 'float' ? v.value : NaN;
  };
  assert.equal(f('d:0.1;'), 0.1);
  assert.equal(f('d:.5;'), 0.5);
  assert.equal(f('d:5.;'), 5);
  assert.equal(f('d:-.5e-3;'), -0.0005);
  assert.equal(f('d:1.0E+25;'), 1e25);
  assert.equal(f('d:1e5;'), 100000);
  assert.equal(f('d:+7;'), 7);
  assert.ok(Object.is(f('d:-0;'), -0));
  assert.ok(Number.isNaN(f('d:NAN;')));
  assert.equal(f('d:INF;'), Infinity);
  assert.equal(f('d:-INF;'), -Infinity);
  assert.equal(f('d:1e999;'), Infinity);
  for (const s of ['d:;', 'd:.;', 'd:1e;', 'd:e5;', 'd:-NAN;', 'd:+INF;', 'd:nan;', 'd:1.5.3;', 'd:1', 'd:0x10;'])
    refused(s);
});

test('strings: byte lengths, any bytes inside, the exact "; terminator', () => {
  const v = u('s:6:"a";"\x00\xff";');
  assert.deepEqual(v.kind === 'string' && Array.from(v.bytes), [0x61, 0x22, 0x3b, 0x22, 0x00, 0xff]);
  assert.equal(json('s:4:"Zo\xc3\xab";'), '"Zoë"');
  assert.equal(json('s:0:"";'), '""');
  refused('s:3:"ab";', /Expected '"'/);
  refused('s:1:"abc";');
  refused('s:2:"ab"');
  refused('s:2:"ab":');
  refused('s:-1:"";');
  refused('s:99999999999:"abc";', /declares 99999999999 bytes/);
  // parse_uiv wraps like size_t: 2^64 + 1 is 1.
  assert.equal(json('s:18446744073709551617:"a";'), '"a"');
});

test('S: strings: \\XX escapes, decoded length', () => {
  assert.equal(json('S:3:"\\61b\\63";'), '"abc"');
  assert.equal(json('S:1:"\\FF";'), '{"__binary":"/w=="}');
  refused('S:1:"\\6";');
  refused('S:1:"\\zz";');
  refused('S:2:"\\61";');
});

test('arrays: int and string keys, numeric strings become ints, duplicates overwrite in place', () => {
  assert.equal(json('a:0:{}'), '[]');
  assert.equal(json('a:2:{i:0;s:1:"a";i:1;s:1:"b";}'), '["a","b"]');
  assert.equal(json('a:2:{i:1;s:1:"a";i:0;s:1:"b";}'), '{"1":"a","0":"b"}');
  assert.equal(json('a:2:{s:1:"0";i:1;s:1:"1";i:2;}'), '[1,2]', '"0" and "1" are integer keys');
  const keys = u(
    'a:5:{s:2:"-0";i:1;s:3:"007";i:2;s:2:"-7";i:3;s:19:"9223372036854775808";i:4;s:20:"-9223372036854775808";i:5;}',
  );
  assert.deepEqual(keys.kind === 'array' && keys.entries.map((e) => e.key), [
    '-0',
    '007',
    -7n,
    '9223372036854775808',
    -9223372036854775808n,
  ]);
  assert.equal(json('a:3:{s:1:"a";i:1;s:1:"b";i:2;s:1:"a";i:3;}'), '{"a":3,"b":2}');
  const bin = u('a:1:{s:2:"\xff\xfe";i:1;}');
  assert.ok(bin.kind === 'array' && bin.entries[0]!.keyBytes?.length === 2);
  assert.equal(toCanonicalJson(bin), '{"\uFFFD\uFFFD":1}');
  refused('a:1:{N;i:1;}', /must be i: or s:/);
  refused('a:1:{d:1;i:1;}');
  refused('a:1:{a:0:{}i:1;}');
  refused('a:2:{i:0;i:1;}', /fewer elements than declared/);
  refused('a:1:{i:0;i:1;i:1;i:2;}', /Expected '}'/);
  refused('a:-1:{}');
  refused('a:1:{i:0;i:1;');
  refused('a:99999999:{i:0;i:1;}', /declares 99999999 elements/);
});

test('objects: mangled visibility, integer names, class name rules, odd counts PHP accepts', () => {
  const o = u('O:5:"Child":4:{s:12:"\x00Base\x00secret";i:1;s:6:"\x00*\x00pro";i:2;s:3:"pub";i:3;i:7;s:1:"x";}');
  assert.equal(o.kind, 'object');
  if (o.kind !== 'object') return;
  assert.equal(o.className, 'Child');
  assert.deepEqual(
    o.properties.map((p) => [p.name, p.visibility, p.declaringClass]),
    [
      ['secret', 'private', 'Base'],
      ['pro', 'protected', undefined],
      ['pub', 'public', undefined],
      ['7', 'public', undefined],
    ],
  );
  assert.equal(toCanonicalJson(o), '{"__class":"Child","secret":1,"pro":2,"pub":3,"7":"x"}');
  assert.equal(json('O:8:"App\\Cart":0:{}'), '{"__class":"App\\\\Cart"}');
  assert.equal(json('O:8:"stdClass"::{}'), '{"__class":"stdClass"}', 'parse_iv2 accepts no digits');
  assert.equal(json('O:8:"stdClass":+1:{s:1:"a";i:1;}'), '{"__class":"stdClass","a":1}');
  assert.equal(
    json('O:8:"stdClass":2:{i:5;s:1:"x";s:1:"5";s:1:"y";}'),
    '{"__class":"stdClass","5":"y"}',
    'i:5 and "5" are one property',
  );
  for (const s of [
    'O:3:"a-b":0:{}',
    'O:4:"\\Foo":0:{}',
    'O:1:"\x00":0:{}',
    'O:0:"":0:{}',
    'O:1:"A"',
    'O:1:"A":-1:{}',
    'O:1:"A":1:{}',
  ])
    refused(s);
});

test('C: Serializable payloads are kept raw, length-checked', () => {
  const c = u('C:6:"Legacy":5:{a}b;c}');
  assert.deepEqual(c.kind === 'custom' && [c.className, Buffer.from(c.payload).toString()], ['Legacy', 'a}b;c']);
  assert.equal(toCanonicalJson(c), '{"__class":"Legacy","__serialized":"a}b;c"}');
  refused('C:6:"Legacy":6:{a}b;c}');
  refused('C:6:"Legacy":5:{a}b;c');
  refused('C:6:"Legacy":-1:{}', /Insufficient data/);
});

test('E: enum cases', () => {
  assert.equal(json('E:11:"Suit:Hearts";'), '{"__enum":"Suit::Hearts"}');
  assert.equal(json('E:15:"App\\Suit:Hearts";'), '{"__enum":"App\\\\Suit::Hearts"}');
  refused('E:10:"SuitHearts";', /missing colon/);
  refused('E:5:"Suit:";');
  refused('E:7:":Hearts";');
  refused('E:11:"Suit:Hearts"');
});

test('R:/r: slot numbering: every value gets a slot, containers first, R: gets none', () => {
  // slots: 1 root, 2 the 5, (R:2 none), 3 the 6 → R:3 is 6, R:4 does not exist yet.
  assert.equal(json('a:4:{i:0;i:5;i:1;R:2;i:2;i:6;i:3;R:3;}'), '[5,5,6,6]');
  refused('a:4:{i:0;i:5;i:1;R:2;i:2;i:6;i:3;R:4;}', /R:4 refers to a slot that does not exist \(3 so far\)/);
  // r: takes a slot itself: 1 root, 2 the object, 3 the r:, 4 the R:'s target is the object.
  const v = u('a:3:{i:0;O:8:"stdClass":1:{s:1:"a";i:1;}i:1;r:2;i:2;R:2;}');
  assert.ok(v.kind === 'array');
  if (v.kind !== 'array') return;
  const [obj, r, R] = v.entries.map((e) => e.value);
  assert.ok(r!.kind === 'reference' && r!.target === obj && !r!.phpReference);
  assert.ok(R!.kind === 'reference' && R!.target === obj && R!.phpReference);
  refused('R:1;', /does not exist/);
  refused('a:1:{i:0;R:0;}');
  refused('a:1:{i:0;R:99;}', /does not exist/);
  refused('a:1:{i:0;r:2;}', /refers to itself/);
  refused('a:2:{i:0;i:1;i:0;R:2;}', /refers to itself/);
  refused('a:2:{i:0;i:1;i:1;r:2;}', /must refer to an object/);
});

test('cycles are representable: a reference whose target is an ancestor', () => {
  const v = u('a:2:{s:1:"k";i:1;s:4:"self";R:1;}');
  assert.ok(v.kind === 'array' && v.entries[1]!.value.kind === 'reference' && v.entries[1]!.value.target === v);
  assert.equal(toCanonicalJson(v), '{"k":1,"self":{"__recursion":true}}');
  assert.equal(json('O:8:"stdClass":1:{s:2:"me";r:1;}'), '{"__class":"stdClass","me":{"__recursion":true}}');
});

test('trailing bytes: refused by default, accepted like PHP 8.2 with allowTrailing', () => {
  refused('i:1;x', /unexpected bytes after/);
  assert.equal(json('i:1;x', { allowTrailing: true }), '1');
});

test('one reader shares slots across values (the php session format)', () => {
  const b = bytes('a:1:{i:0;i:1;}R:1;');
  const reader = new PhpUnserializer(b);
  const first = reader.readValue();
  const second = reader.readValue();
  assert.ok(second.kind === 'reference' && second.target === first);
  assert.equal(reader.slots.length, 2);
});

test('errors carry the offset where the bytes went wrong', () => {
  assert.throws(
    () => u('a:1:{i:0;X}'),
    (err: unknown) => err instanceof SessionDecodeError && err.offset === 9 && err.name === 'SessionDecodeError',
  );
  assert.throws(
    () => u('s:9:"abc";'),
    (err: unknown) => err instanceof SessionDecodeError && err.offset === 2,
  );
  assert.throws(
    () => u('s:5:"abc";'),
    (err: unknown) => err instanceof SessionDecodeError && err.offset === 10,
  );
});

const RICH =
  'a:7:{s:4:"user";a:2:{s:2:"id";i:42;s:4:"name";s:4:"Zo\xc3\xab";}s:3:"obj";O:4:"Cart":2:{s:10:"\x00Cart\x00item";d:0.5;' +
  's:4:"\x00*\x00o";b:1;}s:4:"same";r:5;s:3:"ref";R:2;s:1:"e";E:11:"Suit:Hearts";s:1:"c";C:1:"L":3:{a;b}s:1:"S";S:2:"\\41\\42";}';

test('hostile: every truncation of a rich value is refused', () => {
  assert.equal(
    json(RICH),
    '{"user":{"id":42,"name":"Zoë"},"obj":{"__class":"Cart","item":0.5,"o":true},"same":{"__class":"Cart","item":0.5,"o":true},' +
      '"ref":{"id":42,"name":"Zoë"},"e":{"__enum":"Suit::Hearts"},"c":{"__class":"L","__serialized":"a;b"},"S":"AB"}',
  );
  const b = bytes(RICH);
  for (let i = 0; i < b.length; i++)
    assert.throws(() => unserialize(b.subarray(0, i)), SessionDecodeError, `prefix ${i}`);
});

test('hostile: 100k nesting is refused quickly at the depth cap; uncapped it decodes without recursion', () => {
  const deep = `${'a:1:{i:0;'.repeat(100_000)}N;${'}'.repeat(100_000)}`;
  const start = performance.now();
  refused(deep, /Maximum depth of 4096 exceeded/);
  // A hang detector, not a speed claim (speed is in npm run bench).
  assert.ok(performance.now() - start < 10_000);
  refused(`${'a:1:{i:0;'.repeat(100_000)}`, /Maximum depth/);
  const uncapped = u(deep, { maxDepth: 0 });
  const out = toCanonicalJson(uncapped);
  assert.equal(out.length, 100_000 * 2 + 4);
  assert.ok(performance.now() - start < 10_000);
});

test('a 10 MB value decodes completely (its speed is measured by npm run bench)', () => {
  const parts: string[] = [];
  let size = 0;
  let n = 0;
  while (size < 10_000_000) {
    const s = `i:${n};a:4:{s:2:"id";i:${n * 7};s:4:"name";s:12:"user-${String(n).padStart(7, '0')}";s:5:"score";d:${(n / 3).toFixed(5)};s:4:"tags";a:2:{i:0;s:5:"alpha";i:1;b:1;}}`;
    parts.push(s);
    size += s.length;
    n++;
  }
  const b = bytes(`a:${n}:{${parts.join('')}}`);
  assert.ok(b.length >= 10_000_000);
  const v = unserialize(b);
  assert.ok(v.kind === 'array' && v.entries.length === n);
  const last = v.entries[n - 1].value;
  assert.ok(last.kind === 'array' && last.entries.length === 4);
});
