// The direct JSON path for msgpack sessions (server/src/sessions/direct/msgpackDirect.ts) against
// the tree path (decodeSession + toCanonicalJsonBytes) on msgpack that real PHP 8.2 with
// msgpack-php wrote: session_encode() with session.serialize_handler=msgpack, and
// msgpack_serialize() of the same arrays. The direct path may give up (null) but never print
// anything else than the tree, never where PHP would refuse the session or msgpack-php would read
// it differently, and it must not give up on sessions of plain values. Then the same on bytes
// PHP never wrote: every truncation and many flipped bytes of a few sessions, and a few msgpack
// types msgpack-php does not write (bin, float32, uint64 past PHP_INT_MAX, ext).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { toCanonicalJsonBytes } from '../../server/src/sessions/canonicalJson.ts';
import { directSessionJson } from '../../server/src/sessions/direct/sessionJson.ts';
import { decodeSession, type DecodeSessionOptions } from '../../server/src/sessions/sessionFormats.ts';
import { runPhpJson } from '../helpers/php.ts';
import { phpReady } from './phpHarness.ts';

// No `${` below: a JS template literal.
const WRITE_PHP = String.raw`
class Plain { public $a = 1; protected $b = [1, 2]; private $c = 'c'; public $name = 'n'; }
class Child extends Plain { private $c = 'shadows'; public $d = 4.5; }
class Nothing {}
class Named { public $name = 'Hearts'; }
class NamedValue { public $name = 'Hearts'; public $value = 'H'; }
enum Suit: string { case Hearts = 'H'; }
ini_set('session.save_path', $input['dir']);
ini_set('session.serialize_handler', 'msgpack');
session_start();
$out = [];
// [name, session or value, bytes, whether the direct path must write it]
$add = function (string $name, array $s, bool $plain) use (&$out) {
  $_SESSION = $s;
  $out[] = [$name, 'session', base64_encode(session_encode()), $plain];
  $out[] = [$name, 'value', base64_encode(msgpack_serialize($s)), $plain];
};
$add('empty session', [], true);
$add('strings', ['ascii' => 'hello', 'utf8' => "Zoë 李雷 😀", 'invalid' => "\xff\xfe\xc3", 'ctrl' => "\x00\x01\t\n\r\x1f\"\\/\x7f",
  'separators' => "a\u{2028}b\u{2029}c", 'empty' => '', 'str8' => str_repeat('x', 40), 'str16' => str_repeat('é', 300),
  'str32' => str_repeat('ab', 40000), 'numeric' => '123', 'floaty' => '1.50', 'invalid long' => str_repeat("\xe9", 70000)], true);
$add('ints', [
  'fix' => [0, 1, 127, -1, -32], 'u8' => [128, 255], 'u16' => [256, 65535], 'u32' => [65536, 4294967295],
  'u64' => [4294967296, 9007199254740991, 9007199254740992, 9007199254740993, PHP_INT_MAX],
  'i8' => [-33, -128], 'i16' => [-129, -32768], 'i32' => [-32769, -2147483648], 'i64' => [-2147483649, -9007199254740991, -9007199254740992, PHP_INT_MIN]], true);
$add('floats', ['nan' => NAN, 'inf' => INF, 'ninf' => -INF, 'nzero' => -0.0, 'zero' => 0.0, 'big' => 1e300, 'tenth' => 0.1,
  'half' => 1.5, 'whole' => 100.0, 'e15' => 1e15, 'e17' => 1.5e17, 'small' => 1e-5, 'eighth' => 123456789.125, 'tiny' => -2.5e-300,
  'eps' => PHP_FLOAT_EPSILON, 'third' => 1 / 3, 'price' => 19.99, 'nprice' => -0.07, 'max' => PHP_FLOAT_MAX, 'min' => PHP_FLOAT_MIN], true);
$add('nesting', ['list' => [1, 'two', [3, [4, []]], null, true, false], 'map' => ['a' => ['b' => ['c' => 'd']], 'e' => []],
  'sparse' => [3 => 'a', 7 => 'b', -1 => 'c'], 'numeric keys' => ['10' => 'x', '01' => 'y', '-5' => 'z', '-0' => 'w', '' => 'empty'],
  'lists' => [[1, 2], [3, 4], [[5]]], 'mixed' => ['k' => 1, 5 => 2], 'wide' => range(1, 70000),
  'wide map' => array_combine(array_map(fn ($i) => "k$i", range(1, 300)), range(1, 300))], true);
$o = new stdClass(); $o->{'0'} = 'zero'; $o->{'5'} = 'five'; $o->x = new stdClass(); $o->x->y = [1, new stdClass()];
$add('objects', ['std' => $o, 'empty std' => new stdClass(), 'plain' => new Plain(), 'nothing' => new Nothing(),
  'in list' => [new Plain(), new Plain()], 'long class' => new ApplicationSessionCartItemWithALongName()], true);
$deep = 'leaf'; for ($i = 0; $i < 300; $i++) $deep = [$deep];
$add('deep 300', ['d' => $deep], true);
// msgpack-php's unpacker holds 1024 open containers: the session map and 1023 lists below it; a 1024th fails.
foreach ([1022, 1023, 1024] as $n) { $d = 'leaf'; for ($i = 0; $i < $n; $i++) $d = [$d]; $add("deep $n", ['d' => $d], $n < 1024); }
$r = [1, 2]; $add('reference', ['r1' => &$r, 'r2' => &$r], false);
$add('shared object', ['s1' => $o, 's2' => $o], false);
$self = new stdClass(); $self->me = $self; $add('self object', ['s' => $self], false);
$x = 1; $add('scalar reference', ['p' => &$x, 'q' => &$x], true);
$add('shadowed private', ['c' => new Child()], false);
$add('enum', ['e' => Suit::Hearts], false);
$add('enum-like object', ['n' => new Named()], false);
$add('enum-like object with value', ['n' => new NamedValue()], false);
$add('PHP classes', ['ao' => new ArrayObject([1]), 'dt' => new DateTime('2020-01-01 00:00:00', new DateTimeZone('UTC'))], false);
$add('integer variable names', [5 => 1, 'a' => 2], false);
$add('numeric variable names', ['7' => 1, 'b' => 2], false);
$add('list starting at 0, then a gap', ['k' => [0 => 'a', 2 => 'b']], true);
// Sessions of random plain values.
mt_srand(7);
$name = function () { $n = mt_rand(0, 8); $s = ''; $chars = ['a', 'Z', '_', ' ', '"', '\\', "\n", "\0", 'é', '李', '😀', '1'];
  for ($i = 0; $i < $n; $i++) $s .= $chars[mt_rand(0, count($chars) - 1)]; return $s; };
$str = function () { $n = mt_rand(0, 12); $s = ''; for ($i = 0; $i < $n; $i++) $s .= chr(mt_rand(0, 3) ? mt_rand(0x20, 0x7e) : mt_rand(0, 255)); return $s; };
$gen = function (int $depth) use (&$gen, $str, $name) {
  switch (mt_rand(0, $depth > 4 ? 5 : 8)) {
    case 0: return null;
    case 1: return (bool)mt_rand(0, 1);
    case 2: return mt_rand(-1, 1) * mt_rand(0, mt_getrandmax()) * (mt_rand(0, 1) ? 1 : mt_rand(1, 1 << 31));
    case 3: return mt_rand(0, 1) ? mt_rand(-100000, 100000) / 100 : mt_rand() / mt_getrandmax() * (10 ** mt_rand(-20, 25));
    case 4: case 5: return $str();
    case 6: $a = []; for ($i = mt_rand(0, 5); $i > 0; $i--) $a[] = $gen($depth + 1); return $a;
    case 7: $a = []; for ($i = mt_rand(0, 5); $i > 0; $i--) $a[mt_rand(0, 1) ? 'k' . $name() : mt_rand(1, 1000)] = $gen($depth + 1); return $a;
    default: $o = new stdClass(); for ($i = mt_rand(0, 4); $i > 0; $i--) $o->{'p' . $name()} = $gen($depth + 1); return $o;
  }
};
for ($k = 0; $k < 300; $k++) { $s = []; for ($i = mt_rand(0, 8); $i > 0; $i--) $s['v' . $name()] = $gen(0); $add("random $k", $s, true); }
return $out;
`;

/** An application class whose name needs a str8 (msgpack-php's fixstr holds 31 bytes). */
const LONG_CLASS = String.raw`
class ApplicationSessionCartItemWithALongName { public $items = ['a' => 1]; }
`;

interface Written {
  name: string;
  bytes: Buffer;
  plain: boolean;
  /** session_encode() (the session signature, detected) or msgpack_serialize() (no signature). */
  kind: 'session' | 'value';
}

/** The tree path's JSON, or null when it throws (then the direct path must give up too). */
function treeJson(bytes: Uint8Array, options: DecodeSessionOptions, spaces: number): Buffer | null {
  try {
    const decoded = decodeSession(bytes, options);
    const json = toCanonicalJsonBytes(decoded, spaces);
    // The direct path's contract: only sessions PHP reads as they are, with nothing to note.
    return decoded.phpUnreadable || decoded.notes ? null : json;
  } catch {
    return null;
  }
}

/** The direct path gave up or printed the tree's JSON; returns whether it printed. */
function agrees(bytes: Uint8Array, options: DecodeSessionOptions, what: string, spaces = 2): boolean {
  const direct = directSessionJson(bytes, options, spaces);
  if (direct === null) return false;
  const tree = treeJson(bytes, options, spaces);
  assert.ok(tree !== null, `${what}: the direct path printed what the tree path refuses, notes or marks unreadable`);
  if (!direct.json.equals(tree)) {
    let i = 0;
    while (direct.json[i] === tree[i]) i++;
    assert.fail(
      `${what}: differs at byte ${i}\n  tree:   ${JSON.stringify(tree.toString('utf8', Math.max(0, i - 60), i + 60))}\n  direct: ${JSON.stringify(direct.json.toString('utf8', Math.max(0, i - 60), i + 60))}`,
    );
  }
  assert.equal(direct.serializer, decodeSession(bytes, options).serializer, what);
  return true;
}

/** The ways a value is decoded: detected (sessions only: msgpack_serialize() has no signature), named, compact. */
function optionSets(w: Written): Array<[string, DecodeSessionOptions, number]> {
  const named: DecodeSessionOptions = { serializer: 'msgpack' };
  return [
    ...(w.kind === 'session' ? [['detected', {}, 2] as [string, DecodeSessionOptions, number]] : []),
    ['named', named, 2],
    ['named, compact', named, 0],
    ['named only', { serializer: 'msgpack', serializerOnly: true }, 2],
  ];
}

describe('msgpack direct JSON against the tree path', { skip: !phpReady() && 'php with msgpack missing' }, () => {
  let written: Written[] = [];
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prs-mpdirect-'));
    const rows = (await runPhpJson(
      LONG_CLASS + WRITE_PHP,
      { dir },
      {
        iniLines: ['session.save_handler = files', 'session.use_cookies = 0', 'session.cache_limiter ='],
        timeoutMs: 120_000,
      },
    )) as Array<[string, 'session' | 'value', string, boolean]>;
    written = rows.map(([name, kind, b64, plain]) => ({ name, kind, bytes: Buffer.from(b64, 'base64'), plain }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('what PHP wrote: identical JSON, and printed for every session of plain values', () => {
    assert.ok(written.length > 600, `PHP wrote ${written.length} values`);
    let printed = 0;
    for (const w of written) {
      for (const [how, options, spaces] of optionSets(w)) {
        const what = `${w.name} (${w.kind}, ${how})`;
        const ok = agrees(w.bytes, options, what, spaces);
        if (w.plain) assert.ok(ok, `${what}: the direct path gave up on plain values`);
        if (ok) printed++;
      }
    }
    assert.ok(printed > 1500, `${printed} printed directly`);
  });

  test('references, shared objects, enums, PHP classes, integer variable names: left to the tree path', () => {
    const bails = written.filter((w) => !w.plain && w.kind === 'session');
    assert.ok(bails.length >= 10);
    for (const w of bails) {
      assert.equal(directSessionJson(w.bytes), null, w.name);
      assert.equal(directSessionJson(w.bytes, { serializer: 'msgpack' }), null, w.name);
    }
  });

  test('a smaller maxDepth is the unpacker depth the tree applies', () => {
    const deep = written.find((w) => w.name === 'deep 300' && w.kind === 'session')!;
    const printed = [0, 1, 2, 299, 300, 301, 302].map((maxDepth) => {
      const what = `deep 300, maxDepth ${maxDepth}`;
      const ok = agrees(deep.bytes, { maxDepth, serializer: 'msgpack' }, what);
      // Plain values: printed exactly when the tree reads them without a note.
      assert.equal(ok, treeJson(deep.bytes, { maxDepth, serializer: 'msgpack' }, 2) !== null, what);
      return ok;
    });
    // The session map and 300 lists: the 300th opens with 300 others open.
    assert.deepEqual(printed, [true, false, false, false, false, true, true]);
  });

  test('every truncation and flipped bytes: identical JSON or null, never a throw', () => {
    const picked = written.filter(
      (w) => w.kind === 'session' && ['strings', 'ints', 'floats', 'objects', 'random 3', 'random 17'].includes(w.name),
    );
    assert.equal(picked.length, 6);
    let printed = 0;
    for (const w of picked) {
      const b = w.name === 'strings' ? w.bytes.subarray(0, 400) : w.bytes;
      for (let cut = 0; cut <= b.length; cut++) {
        const bytes = b.subarray(0, cut);
        if (agrees(bytes, {}, `${w.name} cut at ${cut}`)) printed++;
        if (agrees(bytes, { serializer: 'msgpack' }, `${w.name} cut at ${cut}, named`)) printed++;
      }
      for (let i = 0; i < b.length; i++) {
        for (const flip of [0x01, 0x10, 0x80, 0xff]) {
          const bytes = Buffer.from(b);
          bytes[i]! ^= flip;
          if (agrees(bytes, {}, `${w.name} byte ${i} ^ ${flip}`)) printed++;
          if (agrees(bytes, { serializer: 'msgpack' }, `${w.name} byte ${i} ^ ${flip}, named`)) printed++;
        }
      }
    }
    // Many flips stay valid msgpack (another int, another string byte): those must print.
    assert.ok(printed > 1000, `${printed} mutations printed directly`);
  });

  test('msgpack types msgpack-php does not write', () => {
    const session = (...pairs: number[][]): Buffer =>
      Buffer.from([0x80 + pairs.length + 1, 0xc0, 0x01, ...pairs.flat()]);
    const v = (value: number[]): number[] => [0xa1, 0x76, ...value];
    const cases: Array<[string, Buffer, boolean]> = [
      ['bin 8', session(v([0xc4, 2, 0x68, 0x69])), true],
      ['bin 16', session(v([0xc5, 0, 2, 0xff, 0x69])), true],
      ['bin 32', session(v([0xc6, 0, 0, 0, 1, 0x41])), true],
      ['str 32', session(v([0xdb, 0, 0, 0, 1, 0x41])), true],
      ['float 32', session(v([0xca, 0x3d, 0xcc, 0xcc, 0xcd])), true],
      ['float 32 NaN', session(v([0xca, 0x7f, 0xc0, 0, 0])), true],
      ['uint 64 past PHP_INT_MAX', session(v([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), true],
      ['uint 64 = 2^63', session(v([0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0])), true],
      ['int 64 small', session(v([0xd3, 0, 0, 0, 0, 0, 0, 0, 5])), true],
      ['array 16 / map 16', session(v([0xdc, 0, 1, 0xde, 0, 1, 0xa1, 0x6b, 0x01])), true],
      ['array 32 / map 32', session(v([0xdd, 0, 0, 0, 1, 0xdf, 0, 0, 0, 1, 0xa1, 0x6b, 0x01])), true],
      ['int keys of every width', session(v([0x83, 0xcc, 0x05, 0x01, 0xd1, 0xff, 0x00, 0x02, 0xe0, 0x03])), true],
      ['map whose keys are 0, 1', session(v([0x82, 0x00, 0xa1, 0x61, 0x01, 0xa1, 0x62])), true],
      ['str 8 variable name', session([0xd9, 1, 0x76, 0x01]), true],
      ['nested reference mark', session(v([0x82, 0xc0, 0x01, 0xa1, 0x6b, 0x01])), true],
      ['nested reference mark only', session(v([0x81, 0xc0, 0x01])), true],
      ['empty map (stdClass)', session(v([0x80])), true],
      ['class name as str 16', session(v([0x82, 0xc0, 0xda, 0, 3, 0x46, 0x6f, 0x6f, 0xa1, 0x78, 0x01])), true],
      ['class name spelled STDCLASS', session(v([0x81, 0xc0, 0xa8, ...Buffer.from('STDCLASS')])), true],
      [
        'enum-like name key as str 8',
        session(v([0x82, 0xc0, 0xa1, 0x45, 0xd9, 4, ...Buffer.from('name'), 0xa1, 0x48])),
        false,
      ],
      ['bool key', session(v([0x81, 0xc3, 0x01])), false],
      ['float key', session(v([0x81, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x01])), false],
      ['ext 8', session(v([0xc7, 1, 5, 0])), false],
      ['fixext 1', session(v([0xd4, 5, 0])), false],
      ['never-used 0xc1', session(v([0xc1, 0x01])), false],
      ['numeric string variable name (an integer key: no variable)', session([0xa1, 0x37, 0x01], v([0x02])), false],
      ['root list', Buffer.from([0x92, 0x01, 0x02]), false],
      ['root array 16, empty', Buffer.from([0xdc, 0, 0]), true],
      ['root empty map', Buffer.from([0x80]), false],
      ['root int', Buffer.from([0x05]), false],
      ['trailing byte', Buffer.concat([session(v([0x01])), Buffer.from([0x01])]), false],
      ['class marker after a member', session(v([0x82, 0xa1, 0x78, 0x01, 0xc0, 0xa1, 0x43])), false],
      ['duplicate variable', session(v([0x01]), v([0x02])), false],
    ];
    for (const [name, bytes, plain] of cases) {
      const detected = agrees(bytes, {}, `${name}, detected`);
      const named = agrees(bytes, { serializer: 'msgpack' }, `${name}, named`);
      if (plain) assert.ok(named, `${name}: the direct path gave up`);
      if (plain && bytes[1] === 0xc0) assert.ok(detected, `${name}: the direct path gave up (detected)`);
    }
    // Named, bytes after the session are what msgpack-php's session decoder ignores.
    const trailing = Buffer.concat([session(v([0x01])), Buffer.from([0x01])]);
    assert.equal(directSessionJson(trailing), null);
    assert.ok(directSessionJson(trailing, { serializer: 'msgpack' }));
  });
});
