// decodeSession(): serializer detection (most distinctive signature first), the php/php_binary variable framing,
// compression envelopes, Symfony/Laravel recognition, and refusal of hostile bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import {
  SessionDecodeError,
  decodeSession,
  detectSessionSerializer,
  type SessionSerializer,
} from '../../server/src/sessions/sessionFormats.ts';

/** Bytes real PHP 8.2 + phpredis 5.3.7 produced (session_encode() / Redis::OPT_COMPRESSION), hex. */
const FIXTURES = {
  php:
    '757365727c613a323a7b733a323a226964223b693a34323b733a343a226e616d65223b733a343a225a6fc3ab223b7d636172' +
    '747c4f3a343a2243617274223a333a7b733a31313a220043617274006974656d73223b613a313a7b733a353a226170706c65' +
    '223b693a323b7d733a383a22002a006f776e6572223b733a333a227a6f65223b733a353a22746f74616c223b643a392e353b' +
    '7d616761696e7c723a343b7265667c523a313b667c643a302e313b6269677c693a3932323333373230333638353437373538' +
    '30373b737569747c453a31313a22537569743a486561727473223b',
  php_binary:
    '0475736572613a323a7b733a323a226964223b693a34323b733a343a226e616d65223b733a343a225a6fc3ab223b7d046361' +
    '72744f3a343a2243617274223a333a7b733a31313a220043617274006974656d73223b613a313a7b733a353a226170706c65' +
    '223b693a323b7d733a383a22002a006f776e6572223b733a333a227a6f65223b733a353a22746f74616c223b643a392e353b' +
    '7d05616761696e723a343b03726566523a313b0166643a302e313b03626967693a3932323333373230333638353437373538' +
    '30373b0473756974453a31313a22537569743a486561727473223b',
  php_serialize:
    '613a373a7b733a343a2275736572223b613a323a7b733a323a226964223b693a34323b733a343a226e616d65223b733a343a' +
    '225a6fc3ab223b7d733a343a2263617274223b4f3a343a2243617274223a333a7b733a31313a220043617274006974656d73' +
    '223b613a313a7b733a353a226170706c65223b693a323b7d733a383a22002a006f776e6572223b733a333a227a6f65223b73' +
    '3a353a22746f74616c223b643a392e353b7d733a353a22616761696e223b723a353b733a333a22726566223b523a323b733a' +
    '313a2266223b643a302e313b733a333a22626967223b693a393232333337323033363835343737353830373b733a343a2273' +
    '756974223b453a31313a22537569743a486561727473223b7d',
  igbinary:
    '00000002140711047573657225140211026964062a11046e616d6511045a6fc3ab1104636172741704436172741403110b00' +
    '43617274006974656d73140111056170706c6506021108002a006f776e657211037a6f651105746f74616c0c402300000000' +
    '00001105616761696e220211037265662501011101660c3fb999999999999a1103626967207fffffffffffffff1104737569' +
    '74170453756974271106486561727473',
  msgpack:
    '87c001a47573657283c001a269642aa46e616d65a45a6fc3aba46361727484c0a443617274ab0043617274006974656d7381' +
    'a56170706c6502a8002a006f776e6572a37a6f65a5746f74616ccb4023000000000000a5616761696e82c0040003a3726566' +
    '82c0020002a166cb3fb999999999999aa3626967cf7fffffffffffffff',
  session_lzf:
    '0a757365727c613a323a7b73200413226964223b693a34323b733a343a226e616d6522800a0c5a6fc3ab223b7d636172747c' +
    '4f401b0043200902223a3340370431313a2200400f0a006974656d73223b613a31401706353a226170706c204207693a323b' +
    '7d733a382027062a006f776e6572405604333a227a6f201d60291f746f74616c223b643a392e353b7d616761696e7c723a34' +
    '3b7265667c523a313b1f667c643a302e313b6269677c693a39323233333732303336383534373735383007373b737569747c' +
    '45608d0053200a023a486520a2208d',
  session_zstd:
    '28b52ffd20e3cd0500324c282680b7e9332033308ff65ae888b4f2d414a1ffdb913505b461981a249f1a6eb2775b303803d0' +
    '4989dc4edbc07b210381d70b712e09c39645610cc04ad4b2965289ef5b2c422644f2e62932bde0299a4be5ee39ab0b8d9221' +
    '126f1219da4fe3d9b3805fae390a0f7240f0cc394af54d6c0c8743f12c5d13b9d17a11049fd2f9f1756ca70104af9d264489' +
    '0c0dcf01b6863a78e59c4af926368b57e7c7d5f5b9c65007004bc42492711a2d98db69de4c5b68da2f0fe509',
  session_lz4:
    '2ae3000000f213757365727c613a323a7b733a323a226964223b693a34323b733a343a226e616d65220b00d05a6fc3ab223b' +
    '7d636172747c4f1c007043617274223a3338005031313a22001000b0006974656d73223b613a31180080353a226170706c65' +
    '5300f001323b7d733a383a22002a006f776e6572570051333a227a6f6100f13c353a22746f74616c223b643a392e353b7d61' +
    '6761696e7c723a343b7265667c523a313b667c643a302e313b6269677c693a39323233333732303336383534373735383037' +
    '3b737569747c458e00d0537569743a486561727473223b',
  laravel:
    '733a35383a22613a323a7b733a363a225f746f6b656e223b733a333a22616263223b733a343a2263617274223b613a313a7b' +
    '733a313a226e223b693a313b7d7d223b',
};

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

const CART = '{"__class":"Cart","items":{"apple":2},"owner":"zoe","total":9.5}';
const EXPECTED =
  `{"user":{"id":42,"name":"Zo\u00eb"},"cart":${CART},"again":${CART},"ref":{"id":42,"name":"Zo\u00eb"},` +
  '"f":0.1,"big":9223372036854775807,"suit":{"__enum":"Suit::Hearts"}}';
// msgpack-php cannot read enums back, so that fixture has none.
const EXPECTED_MSGPACK = EXPECTED.replace(',"suit":{"__enum":"Suit::Hearts"}', '');

const SERIALIZERS: SessionSerializer[] = ['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack'];

for (const serializer of SERIALIZERS) {
  test(`${serializer}: detected from the bytes and decoded`, () => {
    const b = hex(FIXTURES[serializer]);
    assert.equal(detectSessionSerializer(b), serializer);
    const detected = decodeSession(b);
    assert.equal(detected.serializer, serializer);
    assert.equal(detected.compression, 'none');
    assert.equal(detected.framework, undefined);
    assert.equal(toCanonicalJson(detected), serializer === 'msgpack' ? EXPECTED_MSGPACK : EXPECTED);
    assert.deepEqual(decodeSession(b, { serializer }), detected, 'configured = detected');
  });

  test(`${serializer}: every truncation is refused or decodes, quickly, never anything else`, () => {
    const b = hex(FIXTURES[serializer]);
    const start = performance.now();
    for (let i = 0; i < b.length; i++) {
      try {
        decodeSession(b.subarray(0, i), { serializer });
      } catch (err) {
        assert.ok(err instanceof SessionDecodeError, `truncated at ${i}: ${String(err)}`);
        assert.ok(err.offset >= 0 && err.offset <= b.length, `offset ${err.offset}`);
      }
    }
    // A hang detector, not a speed claim.
    assert.ok(performance.now() - start < 10_000);
  });
}

test('php: R: slots count across variables; a reference points at the earlier value itself', () => {
  const s = decodeSession(hex(FIXTURES.php));
  const user = s.variables.find(([n]) => n === 'user')![1];
  const ref = s.variables.find(([n]) => n === 'ref')![1];
  assert.equal(ref.kind, 'reference');
  assert.equal(ref.kind === 'reference' && ref.target, user);
  assert.equal(ref.kind === 'reference' && ref.slot, 1);
  // php_serialize numbers from the outer array: the same reference is slot 2 there.
  const ps = decodeSession(hex(FIXTURES.php_serialize)).variables.find(([n]) => n === 'ref')![1];
  assert.equal(ps.kind === 'reference' && ps.slot, 2);
});

test('php: names may be empty and repeat (the later value wins, in the first place)', () => {
  const s = decodeSession(bytes('a|i:1;|s:1:"e";b|i:2;a|i:3;'), { serializer: 'php' });
  assert.deepEqual(
    s.variables.map(([n, v]) => [n, toCanonicalJson(v)]),
    [
      ['a', '3'],
      ['', '"e"'],
      ['b', '2'],
    ],
  );
  assert.throws(() => decodeSession(bytes('a|i:1;b'), { serializer: 'php' }), SessionDecodeError);
  assert.throws(() => decodeSession(bytes('a|i:1'), { serializer: 'php' }), SessionDecodeError);
});

test('php_binary: length byte (bit 7 ignored), refuses a name running past the end', () => {
  const s = decodeSession(bytes('\x01ai:1;\x82bcs:1:"x";'), { serializer: 'php_binary' });
  assert.equal(toCanonicalJson(s), '{"a":1,"bc":"x"}');
  assert.throws(() => decodeSession(bytes('\x05ab'), { serializer: 'php_binary' }), SessionDecodeError);
});

test('empty values are empty sessions', () => {
  for (const serializer of SERIALIZERS)
    assert.deepEqual(decodeSession(new Uint8Array(0), { serializer }).variables, []);
  assert.equal(toCanonicalJson(decodeSession(new Uint8Array(0))), '{}');
  assert.equal(toCanonicalJson(decodeSession(hex('90'))), '{}', 'msgpack empty session');
  assert.equal(toCanonicalJson(decodeSession(bytes('a:0:{}'))), '{}');
});

test('a wrong configured serializer falls back to detection', () => {
  const s = decodeSession(hex(FIXTURES.igbinary), { serializer: 'php' });
  assert.equal(s.serializer, 'igbinary');
  assert.equal(toCanonicalJson(s), EXPECTED);
});

test('php_serialize: trailing bytes are ignored when configured (like PHP), not when detecting', () => {
  const b = bytes('a:1:{s:1:"a";i:1;}garbage');
  assert.equal(toCanonicalJson(decodeSession(b, { serializer: 'php_serialize' })), '{"a":1}');
  assert.throws(() => decodeSession(b), SessionDecodeError);
});

test('compression: zstd, lz4 and lzf envelopes from phpredis', () => {
  for (const codec of ['zstd', 'lz4'] as const) {
    const auto = decodeSession(hex(FIXTURES[`session_${codec}`]));
    assert.equal(auto.compression, codec);
    assert.equal(auto.serializer, 'php');
    assert.equal(toCanonicalJson(auto), EXPECTED);
  }
  // lzf has no signature: configured, or tried last when nothing else decodes.
  const configured = decodeSession(hex(FIXTURES.session_lzf), { compression: 'lzf' });
  assert.equal(configured.compression, 'lzf');
  assert.equal(toCanonicalJson(configured), EXPECTED);
  assert.equal(decodeSession(hex(FIXTURES.session_lzf)).compression, 'lzf');
  // A configured envelope that does not apply: phpredis then uses the raw bytes.
  const raw = decodeSession(hex(FIXTURES.php), { compression: 'zstd' });
  assert.equal(raw.compression, 'none');
  assert.equal(toCanonicalJson(raw), EXPECTED);
});

test('Laravel: serialize() of the serialized attributes is unwrapped', () => {
  const s = decodeSession(hex(FIXTURES.laravel));
  assert.equal(s.framework, 'laravel');
  assert.equal(s.serializer, 'php_serialize');
  // The listing's look at the first bytes says the same.
  assert.equal(detectSessionSerializer(hex(FIXTURES.laravel)), 'php_serialize');
  assert.equal(toCanonicalJson(s), '{"_token":"abc","cart":{"n":1}}');
  // An encrypted payload (session.encrypt) stays one string.
  const enc = decodeSession(bytes('s:12:"eyJpdiI6IjEi";'));
  assert.equal(enc.framework, 'laravel');
  assert.equal(toCanonicalJson(enc), '{"payload":"eyJpdiI6IjEi"}');
});

test('Symfony: recognised by the sf_s key prefix or its _sf2_ bags', () => {
  const raw = bytes('_sf2_attributes|a:1:{s:3:"foo";s:3:"bar";}_sf2_meta|a:3:{s:1:"u";i:1;s:1:"c";i:1;s:1:"l";i:0;}');
  assert.equal(decodeSession(raw).framework, 'symfony');
  const plain = bytes('foo|s:3:"bar";');
  assert.equal(decodeSession(plain).framework, undefined);
  assert.equal(decodeSession(plain, { key: 'sf_sabc123' }).framework, 'symfony');
});

test('unrecognisable bytes are refused with a clear message', () => {
  assert.throws(
    () => decodeSession(bytes('hello world')),
    (err: unknown) => err instanceof SessionDecodeError && /Not a PHP session value/.test(err.message),
  );
  // The first plausible format's error is the one reported.
  assert.throws(
    () => decodeSession(bytes('user|a:2:{s:2:"id";i:42;')),
    (err: unknown) => err instanceof SessionDecodeError && err.offset > 0,
  );
});

test('hostile: huge declared sizes and deep nesting are refused quickly', () => {
  const start = performance.now();
  const cases = [
    bytes('a|s:99999999999999:"x";'),
    bytes('a:999999999:{}'),
    hex('0000000216ffffffff'), // igbinary array32 of 4G elements
    hex('0000000213ffffffff41'), // igbinary string32 of 4G bytes
    hex('dfffffffffc001'), // msgpack map32
    hex('c6ffffffff00'), // msgpack bin32 (root not an array)
    bytes(`x|${'a:1:{i:0;'.repeat(100_000)}N;${'}'.repeat(100_000)}`),
    new Uint8Array([0, 0, 0, 2, ...new Array(100_000).fill(0x14).flatMap((t: number) => [t, 1, 6, 0]), 0]),
    new Uint8Array([...new Array(100_000).fill(0x91), 0xc0]),
  ];
  for (const c of cases) assert.throws(() => decodeSession(c), SessionDecodeError);
  // A hang detector, not a speed claim.
  assert.ok(performance.now() - start < 10_000, `${performance.now() - start} ms`);
});

test('maxDepth is configurable', () => {
  const nested = bytes(`x|${'a:1:{i:0;'.repeat(5000)}N;${'}'.repeat(5000)}`);
  assert.throws(() => decodeSession(nested), /Maximum depth of 4096/);
  assert.equal(decodeSession(nested, { maxDepth: 6000 }).variables.length, 1);
});

// msgpack-php's PHP conventions (php_only mode), on hand-made bytes. Root: nil→1 then variables.
const mp = (...parts: string[]): Uint8Array => hex(parts.join(''));
const str8 = (s: string): string => `${(0xa0 + s.length).toString(16)}${Buffer.from(s, 'latin1').toString('hex')}`;

test('msgpack: Serializable, references (1 = root, then containers in start order), stdClass, ext', () => {
  const legacy = decodeSession(mp('82c001', str8('c'), '82c003', str8('Legacy'), str8('a;b')));
  assert.equal(toCanonicalJson(legacy), '{"c":{"__class":"Legacy","__serialized":"a;b"}}');

  const refs = decodeSession(mp('83c001', str8('a'), '920102', str8('b'), '82c0020002'));
  assert.equal(toCanonicalJson(refs), '{"a":[1,2],"b":[1,2]}');
  const [a, b] = refs.variables.map(([, v]) => v);
  assert.ok(b!.kind === 'reference' && b!.target === a && b!.slot === 2);

  // 1 is the session array itself. msgpack-php moves each variable out of it, so a reference to it
  // sees an array without them (checked against PHP in test/php/decoderItems.test.ts); in
  // php_serialize it is $_SESSION itself: a cycle right there.
  assert.equal(toCanonicalJson(decodeSession(mp('82c001', str8('self'), '82c0020001'))), '{"self":[]}');
  assert.equal(toCanonicalJson(decodeSession(bytes('a:1:{s:4:"self";R:1;}'))), '{"self":{"__recursion":true}}');
  // msgpack-php warns about a reference to a container that does not exist and reads null.
  const dangling = decodeSession(mp('82c001', str8('x'), '82c0020009')).variables[0]![1];
  assert.ok(dangling.kind === 'null' && /container 9, which does not exist/.test(dangling.phpNote ?? ''));

  const odd = decodeSession(
    mp(
      '87c001',
      str8('ext'),
      'd40105',
      str8('c1'),
      'c105',
      str8('u64'),
      'cfffffffffffffffff',
      str8('o'),
      '80',
      str8('f32'),
      'ca3fc00000',
      str8('bin'),
      'c402ff00',
    ),
  );
  assert.equal(
    toCanonicalJson(odd),
    '{"ext":null,"c1":5,"u64":"18446744073709551615","o":{"__class":"stdClass"},"f32":1.5,"bin":{"__binary":"/wA="}}',
  );
});

test('msgpack: nil→"Class" makes an object, nil→[…] is its __serialize() data', () => {
  const obj = decodeSession(
    mp('82c001', str8('cart'), '83c0', str8('Cart'), str8('\x00*\x00o'), '01', str8('\x00Cart\x00i'), '02'),
  );
  assert.equal(toCanonicalJson(obj), '{"cart":{"__class":"Cart","o":1,"i":2}}');
  const cart = obj.variables[0]![1];
  assert.deepEqual(cart.kind === 'object' && cart.properties.map((p) => [p.visibility, p.declaringClass]), [
    ['protected', undefined],
    ['private', 'Cart'],
  ]);
  const ao = decodeSession(
    mp('82c001', str8('ao'), '82c0', str8('ArrayObject'), 'c0', '92', '00', '81', str8('k'), str8('v')),
  );
  assert.equal(toCanonicalJson(ao), '{"ao":{"__class":"ArrayObject","0":0,"1":{"k":"v"}}}');
});

// igbinary: 00 00 00 02 then the session array.
const ig = (...parts: string[]): Uint8Array => hex(['00000002', ...parts].join(''));

test('igbinary: string ids, &-scalars, null keys, long64 bounds, enums, Serializable', () => {
  assert.equal(toCanonicalJson(decodeSession(ig('1402', '110161', '110178', '0e01', '0e00'))), '{"a":"x","x":"a"}');
  const refs = decodeSession(ig('1402', '1101', '61', '250605', '1101', '62', '0101'));
  assert.equal(toCanonicalJson(refs), '{"a":5,"b":5}');
  const b = refs.variables[1]![1];
  assert.ok(b.kind === 'reference' && b.slot === 2 && !b.phpReference);
  assert.equal(
    toCanonicalJson(decodeSession(ig('1402', '00', '110161', '05'))),
    '{"a":true}',
    'a null key has no value',
  );
  assert.equal(
    toCanonicalJson(decodeSession(ig('1402', '110161', '208000000000000000', '110162', '218000000000000000'))),
    '{"a":0,"b":-9223372036854775808}',
    'igbinary stores 0 for a long64 past PHP_INT_MAX',
  );
  assert.equal(
    toCanonicalJson(decodeSession(ig('1401', '110165', '1704', '53756974', '271106', '486561727473'))),
    '{"e":{"__enum":"Suit::Hearts"}}',
  );
  assert.equal(
    toCanonicalJson(decodeSession(ig('1401', '110163', '1706', '4c6567616379', '1d03', '613b62'))),
    '{"c":{"__class":"Legacy","__serialized":"a;b"}}',
  );
  assert.throws(() => decodeSession(ig('1401', '110161', '0105')), /reference 5 does not exist/);
  assert.throws(() => decodeSession(ig('1401', '110161', '0e07')), /string id 7 is out of bounds/);
  assert.throws(() => decodeSession(ig('1401', '110161', '3f')), /unknown type 0x3f/);
});

test("compression: a compressed value under compression 'none' is still shown, reported as what it is", () => {
  const s = decodeSession(hex(FIXTURES.session_zstd), { compression: 'none', serializer: 'php' });
  assert.equal(s.compression, 'zstd');
  assert.equal(toCanonicalJson(s), EXPECTED);
});
