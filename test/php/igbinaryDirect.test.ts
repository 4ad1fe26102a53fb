// The direct igbinary path (server/src/sessions/direct/igbinaryDirect.ts) against the tree path, on
// sessions real PHP wrote: session_encode() with session.serialize_handler=igbinary, as phpredis
// stores them. For every value, directSessionJson() is null (it bailed: the tree decides) or byte
// for byte toCanonicalJsonBytes(decodeSession()); the plain sessions must go direct (else the test
// would pass with a direct path that always bails); mutated and truncated bytes never throw.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { toCanonicalJsonBytes } from '../../server/src/sessions/canonicalJson.ts';
import { directSessionJson } from '../../server/src/sessions/direct/sessionJson.ts';
import { decodeSession, type DecodeSessionOptions } from '../../server/src/sessions/sessionFormats.ts';
import { runPhpJson } from '../helpers/php.ts';
import { rng } from '../helpers/random.ts';
import { phpReady } from './phpHarness.ts';

const PHP_INI = ['session.save_handler = files', 'session.use_cookies = 0', 'session.cache_limiter ='];

// Each case: [name, session array, 'direct' | 'bail' | 'either' (the writer's own limits: it may
// bail, the tree then prints it)]. session_encode() of each.
const WRITE_SESSIONS = String.raw`
class Cart { public $items = [1, 2]; protected $owner = 'me'; private $secret = 42; public ?int $typed; }
class Point { public function __construct(public int $x = 1, public float $y = 2.5) {} }
class EmptyThing {}
class Child extends Cart { private $secret = 'child'; }
enum Suit { case Hearts; }
// (Serializable alone: with __serialize() igbinary writes an ordinary object.)
class Legacy implements Serializable { public function serialize() { return 'x'; } public function unserialize($d) {} }
ini_set('session.save_path', sys_get_temp_dir());
ini_set('session.serialize_handler', 'igbinary');
session_id('igbdirect' . getmypid());
session_start();
$cases = [];
$add = function (string $name, array $s, string $expect) use (&$cases) { $cases[] = [$name, $s, $expect]; };
$add('empty', [], 'direct');
$add('strings', ['a' => 'plain', 'utf8' => "Zo\u{eb} \u{674e}\u{96f7} \u{1f600}", 'invalid' => "\xff\xfe\xc3",
  'controls' => "\x00\x01\x1f\t\n\r\"\\/\x7f", 'separators' => "a\u{2028}b\u{2029}c", 'empty' => '',
  'long8' => str_repeat('x', 255), 'long16' => str_repeat('y', 300), 'long32' => str_repeat("\u{e9}", 40000),
  "k\u{e9}y \u{2028}" => 'unicode name', '' => 'empty name', '5x' => 'digit first'], 'direct');
$ints = [0, 1, -1, 255, 256, -255, -256, 65535, 65536, -65535, -65536, 2147483647, 2147483648, -2147483648,
  4294967295, 4294967296, -4294967296, 9007199254740991, 9007199254740992, -9007199254740993, PHP_INT_MAX, PHP_INT_MIN];
$add('ints', ['list' => $ints, 'keyed' => array_combine(array_map(fn ($i) => "k$i", $ints), $ints)], 'direct');
$add('int keys', ['m' => array_flip(array_slice($ints, 1, 17)), 'neg' => [-1 => 'a', -300 => 'b', -70000 => 'c']], 'direct');
$add('floats', ['f' => [NAN, INF, -INF, -0.0, 0.0, 1e300, -1e300, 0.1, 0.1 + 0.2, 1.5, 100.0, 1e15, 1e16, 1e-5,
  1e-7, 5e-324, 1.7976931348623157e308, 123456.789, -2.5, 0.01, 19.99, 1/3]], 'direct');
$add('bools and nulls', ['t' => true, 'f' => false, 'n' => null, 'l' => [null, true, false]], 'direct');
$add('lists and maps', ['list' => [1, 'two', [3]], 'map' => ['x' => 1, 'y' => ['z' => 2]], 'sparse' => [5 => 'a', 7 => 'b'],
  'tail' => [1 => 'a', 0 => 'b'], 'numeric strings' => ['10' => 'a', '007' => 'b',
  '-5' => 'c', '1.5' => 'd', '-0' => 'e', ' 1' => 'f'], 'empty' => [], 'nested empty' => [[], [[]], ['a' => []]],
  'wide' => range(0, 300), 'wider' => array_fill(0, 70000, 7)], 'direct');
$add('objects', ['std' => (object) ['a' => 1, 'b' => [1, 2]], 'cart' => new Cart(), 'empty' => new EmptyThing(),
  'emptystd' => new stdClass(), 'point' => new Point(3, 4.25), 'numprop' => (object) ['5' => 'five', 'x' => 'ex'],
  'spelled' => unserialize('O:8:"StdClass":1:{s:1:"a";i:1;}'), 'nested' => (object) ['o' => (object) ['p' => new Point()]]], 'direct');
$add('repeated strings', ['a' => 'same', 'b' => 'same', 'c' => ['same' => 'same', 'a' => 'b'], 'd' => ['same' => 'same'],
  'names' => array_map(fn ($i) => "s$i", range(0, 300)), 'again' => array_map(fn ($i) => "s$i", range(0, 300)),
  'carts' => [new Cart(), new Cart(), new Cart()], 'points' => array_map(fn ($i) => new Point($i), range(0, 300))], 'direct');
$shared = ['a' => 1, 'b' => [1, 2], 'c' => []];
$later = ['later' => ['deeper' => 1]];
// After a replay, new strings and arrays keep igbinary's numbering (a replay registers nothing).
$add('shared arrays', ['x' => $shared, 'y' => $shared, 'z' => [$shared, $shared['b']], 'e1' => [], 'e2' => [],
  'new' => 'fresh', 'again' => 'fresh', 't' => $later, 'u' => $later, 'v' => [$later['later'], $shared]], 'direct');
$deep = 'bottom';
for ($i = 0; $i < 300; $i++) $deep = ['d' => $deep, 'l' => [$i]];
$add('deep', ['deep' => $deep], 'direct');
// Two properties labelled "secret" (the tree prints one as "Cart::secret"); a list with a gap.
$add('private shadowing', ['child' => new Child()], 'bail');
$add('integer keys past 2^53', ['m' => [PHP_INT_MAX => 1, PHP_INT_MIN => 2]], 'either');
$add('list with a gap', ['sparse0' => [0 => 'a', 2 => 'b']], 'either');
$r = ['a' => 1];
$r['b'] = &$r['a'];
$add('reference', ['r' => $r], 'bail');
$o = new stdClass();
$add('shared object', ['a' => $o, 'b' => $o], 'bail');
$add('integer key at the root', [0 => 'zero', 'a' => 1], 'bail');
$add('PHP class', ['d' => new DateTimeImmutable('2024-01-02T03:04:05+00:00')], 'bail');
$add('enum', ['e' => Suit::Hearts], 'bail');
$add('serializable', ['l' => new Legacy()], 'bail');
$add('ArrayObject', ['ao' => new ArrayObject([1])], 'bail');
// Varied sessions from a seeded generator: scalars, lists, maps and objects mixed at random.
mt_srand(7);
$gen = function (int $depth) use (&$gen) {
  $k = mt_rand(0, $depth > 3 ? 6 : 9);
  switch ($k) {
    case 0: return null;
    case 1: return (bool) mt_rand(0, 1);
    case 2: return mt_rand(-3, 3) * 10 ** mt_rand(0, 18);
    case 3: return mt_rand(-100000, 100000) / [1, 7, 100, 1e9][mt_rand(0, 3)];
    case 4: return ['', 'a', 'Zo\u{eb}', "\xff", str_repeat('ab', mt_rand(0, 200)), "q\"\\", 'user'][mt_rand(0, 6)];
    case 5: return 'v' . mt_rand(0, 20);
    case 6: return mt_rand(0, 5) === 0 ? [] : 'id';
    case 7: $a = []; for ($i = mt_rand(0, 6); $i > 0; $i--) $a[] = $gen($depth + 1); return $a;
    case 8: $a = []; for ($i = mt_rand(0, 6); $i > 0; $i--) $a[['id', 'name', 'k' . mt_rand(0, 9), mt_rand(1, 9)][mt_rand(0, 3)]] = $gen($depth + 1); return $a;
    default: $o = mt_rand(0, 1) ? new stdClass() : new EmptyThing(); for ($i = mt_rand(0, 4); $i > 0; $i--) $o->{'p' . mt_rand(0, 5)} = $gen($depth + 1); return $o;
  }
};
for ($n = 0; $n < 300; $n++) {
  $s = [];
  for ($i = mt_rand(0, 8); $i > 0; $i--) $s[['user', 'cart', 'id', '_token', 'flash', 'v' . mt_rand(0, 30)][mt_rand(0, 5)]] = $gen(0);
  $add("generated $n", $s, 'direct');
}
$out = [];
foreach ($cases as [$name, $s, $expect]) { $_SESSION = $s; $out[] = [$name, base64_encode(session_encode()), $expect]; }
session_abort();
return $out;
`;

interface Written {
  name: string;
  bytes: Buffer;
  expect: 'direct' | 'bail' | 'either';
}

/** The tree's JSON, or null where the tree refuses the value (it throws). */
function treeJson(bytes: Uint8Array, options: DecodeSessionOptions): Buffer | null {
  try {
    return toCanonicalJsonBytes(decodeSession(bytes, options), 2);
  } catch {
    return null;
  }
}

/**
 * The direct JSON when there is one (never a throw), checked against the tree: identical, and
 * only where the tree reads the session with no phpUnreadable and no notes.
 */
function checkedDirect(bytes: Uint8Array, what: string, options: DecodeSessionOptions = {}): Buffer | null {
  const direct = directSessionJson(bytes, options, 2);
  if (direct === null) return null;
  const decoded = decodeSession(bytes, options);
  assert.equal(direct.serializer, decoded.serializer, what);
  assert.equal(decoded.phpUnreadable, undefined, `${what}: direct although PHP cannot read it`);
  assert.equal(decoded.notes, undefined, `${what}: direct although the tree notes something`);
  const tree = toCanonicalJsonBytes(decoded, 2);
  if (!direct.json.equals(tree)) {
    let i = 0;
    while (direct.json[i] === tree[i]) i++;
    assert.fail(
      `${what}: direct JSON differs at byte ${i}\n tree:   ${tree.toString('utf8', Math.max(0, i - 60), i + 60)}\n direct: ${direct.json.toString('utf8', Math.max(0, i - 60), i + 60)}`,
    );
  }
  return direct.json;
}

/** An igbinary session (header 00 00 00 02) from hex bytes. */
const igb = (hex: string): Buffer => Buffer.from(`00000002${hex.replace(/ /g, '')}`, 'hex');

describe('direct igbinary JSON against the tree, on bytes PHP does not write', () => {
  // ["a" => <value>] with the value's bytes after it.
  const a = (value: string): Buffer => igb(`1401 110161 ${value}`);
  const cases: [string, Buffer, 'direct' | 'bail' | 'refused'][] = [
    ['an array of one null key (the tree prints [])', a('1401 00'), 'bail'],
    ['a string key "0" (a string for igbinary, an index for the writer)', a('1401 110130 0601'), 'bail'],
    ['a string key "-0" stays a string', a('1401 11022d30 0601'), 'direct'],
    ['a ref to the open root', a('0100'), 'bail'],
    ['a ref to an open array', a('1401 0600 0101'), 'bail'],
    ['a ref to a closed array', igb('1402 110161 1401 0600 0602 110162 0101'), 'direct'],
    [
      'a ref to an object',
      igb('1402 110161 1708 ' + Buffer.from('stdClass').toString('hex') + '1400 110162 0101'),
      'bail',
    ],
    ['a string id not yet defined', a('0e05'), 'refused'],
    ['a PHP reference (&)', a('2506 01'), 'bail'],
    ['long64p past PHP_INT_MAX (igbinary stores 0)', a('20 8000000000000001'), 'direct'],
    ['long64n of 2^63 (PHP_INT_MIN)', a('21 8000000000000000'), 'direct'],
    ['long64p of 2^53 + 1', a('20 0020000000000001'), 'direct'],
    ['long8n of 0', a('0700'), 'direct'],
    ['a duplicate key', igb('1402 110161 0601 0e00 0602'), 'bail'],
    ['a string64', a('26 0000000000000002 6869'), 'direct'],
    ['a double', a('0c 3ff0000000000000'), 'direct'],
    ['an unknown type', a('ff'), 'refused'],
    ['an array count past the end', a('14ff 0600'), 'refused'],
  ];
  for (const [name, bytes, expect] of cases) {
    test(name, () => {
      assert.equal(treeJson(bytes, {}) === null, expect === 'refused', 'the tree reads it, or refuses it');
      const direct = checkedDirect(bytes, name);
      assert.equal(direct !== null, expect === 'direct');
    });
  }
});

describe('direct igbinary JSON against the tree, on sessions PHP wrote', { skip: !phpReady() && 'php missing' }, () => {
  let written: Written[] = [];
  before(async () => {
    const rows = (await runPhpJson(WRITE_SESSIONS, null, { iniLines: PHP_INI })) as [
      string,
      string,
      Written['expect'],
    ][];
    written = rows.map(([name, b64, expect]) => ({ name, bytes: Buffer.from(b64, 'base64'), expect }));
    assert.ok(written.length > 300);
  });

  test('plain sessions go direct and match the tree byte for byte; the others bail', () => {
    for (const { name, bytes, expect } of written) {
      const direct = checkedDirect(bytes, name);
      if (expect === 'direct') assert.ok(direct !== null, `${name}: a plain session bailed`);
      else if (expect === 'bail') assert.equal(direct, null, `${name}: went direct`);
    }
    // Detected or named, compact or indented: the same contract.
    for (const { name, bytes } of written.slice(0, 20)) {
      checkedDirect(bytes, `${name} (named)`, { serializer: 'igbinary', serializerOnly: true });
      const compact = directSessionJson(bytes, {}, 0);
      if (compact) assert.ok(compact.json.equals(toCanonicalJsonBytes(decodeSession(bytes), 0)), `${name} compact`);
    }
  });

  test('the depth limit bails where the tree refuses', () => {
    const deep = written.find((w) => w.name === 'deep')!.bytes;
    // 300 levels of {d, l}: 301 nested non-empty containers with the root, 302 with the innermost list.
    assert.ok(checkedDirect(deep, 'deep, limit 302', { maxDepth: 302 }) !== null);
    assert.equal(checkedDirect(deep, 'deep, limit 301', { maxDepth: 301 }), null);
    assert.equal(treeJson(deep, { maxDepth: 301, serializer: 'igbinary', serializerOnly: true }), null);
  });

  test('trailing bytes (the tree notes them) bail', () => {
    for (const { name, bytes } of written.slice(0, 30)) {
      const longer = Buffer.concat([bytes, Buffer.from([0])]);
      assert.equal(checkedDirect(longer, `${name} + 1 byte`), null);
    }
  });

  test('every truncation and many flipped bytes: direct is null or identical, never a throw', () => {
    const samples = written.filter((w) => w.expect === 'direct' && w.bytes.length < 4000).slice(0, 60);
    let direct = 0;
    for (const { name, bytes } of samples) {
      for (let cut = 0; cut < bytes.length; cut++) checkedDirect(bytes.subarray(0, cut), `${name} cut at ${cut}`);
    }
    const r = rng(0x1b);
    for (const { name, bytes } of samples) {
      for (let k = 0; k < 200; k++) {
        const b = Buffer.from(bytes);
        const at = 4 + Math.floor(r() * (b.length - 4));
        b[at] = r() < 0.5 ? b[at]! ^ (1 << Math.floor(r() * 8)) : Math.floor(r() * 256);
        if (checkedDirect(b, `${name} byte ${at} = ${b[at]}`) !== null) direct++;
      }
    }
    // Most single-byte changes of a string or a number still make a valid session.
    assert.ok(direct > 1000, `${direct} mutated sessions went direct`);
  });
});
