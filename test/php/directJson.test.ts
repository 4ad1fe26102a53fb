// The direct path (canonical JSON straight from a session's bytes) against the value tree, on
// sessions real PHP 8.2 writes: serialize() for php_serialize, session_encode() for the php,
// igbinary and msgpack handlers. Plain sessions must be written directly and byte for byte as the
// tree prints them (compact and indented); sessions with references, PHP's own classes or
// relabelled properties must be left to the tree; every truncation of them too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCanonicalJsonBytes } from '../../server/src/sessions/canonicalJson.ts';
import { numericStringKey } from '../../server/src/sessions/decodeCommon.ts';
import { canonicalIntKey } from '../../server/src/sessions/direct/directWriter.ts';
import { directSessionJson } from '../../server/src/sessions/direct/sessionJson.ts';
import { decodeSession, type SessionSerializer } from '../../server/src/sessions/sessionFormats.ts';
import { phpAvailable, runPhpJson } from '../helpers/php.ts';

/** Every format PHP writes sessions in has a direct reader (php_binary, which no one configures, has none). */
const DIRECT_FORMATS: readonly SessionSerializer[] = ['php_serialize', 'php', 'igbinary', 'msgpack'];

/**
 * Plain sessions a format's direct reader leaves to the tree all the same: igbinary's and msgpack's
 * session decoders drop integer-named variables, which only the tree path does.
 */
const TREE_ONLY: Record<string, readonly SessionSerializer[]> = { int_names: ['igbinary', 'msgpack'] };
/** And the other way: msgpack-php writes a PHP reference to a scalar as the scalar itself. */
const ALSO_PLAIN: Record<string, readonly SessionSerializer[]> = { reference: ['msgpack'] };
const plainIn = (s: Written, format: SessionSerializer): boolean =>
  s.plain ? !(TREE_ONLY[s.name] ?? []).includes(format) : (ALSO_PLAIN[s.name] ?? []).includes(format);

/** Sessions PHP builds: [name, $_SESSION] — `plain` ones can be written directly, the others not. */
const BUILD = String.raw`
class Cart { public $lines = []; protected $total = 0.5; private $owner = 'zoë'; }
class Base { private $x = 1; }
class Child extends Base { private $x = 2; }
class Named { public $n; function __construct() { $this->n = 7; } }
enum Suit: string { case Hearts = 'H'; }
$o = new stdClass(); $o->a = 1; $o->{'0'} = 'zero'; $o->{''} = 'empty';
$plain = [
  'scalars' => ['n' => null, 't' => true, 'f' => false, 'i' => 42, 'neg' => -7, 'max' => PHP_INT_MAX, 'min' => PHP_INT_MIN, 'big' => 123456789012345],
  'floats' => [0.1, -0.0, 1e300, 1.5e-7, 100.0, 19.99, -3.25, 1/3, 2**53, 1e15, 1e16, 123456.789e3, NAN, INF, -INF],
  'strings' => ['', 'plain', "Zoë 李雷 🎉", "quote \" backslash \\ slash /", "ctl \x00\x01\x1f\x7f tab\t nl\n", "\u{2028}\u{2029}", "bad \xff\xfe utf8", "\xc0\xaf", "\xed\xa0\x80", str_repeat('long ', 5000)],
  'lists' => [[], [1], ['a', 'b', 'c'], [[[]]], array_fill(0, 40, 'x')],
  'maps' => [[1 => 'a'], [0 => 'a', 2 => 'b'], [-1 => 'neg'], ['0' => 'a', '1' => 'b'], ['01' => 'x', '1' => 'y'], ['-0' => 1, '922337203685477' => 2], [5 => 'a', 'k' => 'b'], array_combine(array_map(fn ($i) => "k$i", range(0, 40)), range(0, 40))],
  'list_then_gap' => [0 => 'a', 1 => 'b', 3 => 'c'],
  'list_out_of_order' => [1 => 'b', 0 => 'a'],
  'objects' => [$o, new stdClass(), new Cart(), new Named()],
  'deep' => [[[[[[[[[[['down' => 'here']]]]]]]]]]],
];
$sessions = [];
foreach ($plain as $name => $v) $sessions[] = [$name, ['v' => $v, 'after' => 1], true];
$sessions[] = ['empty', [], true];
$sessions[] = ['int_names', [5 => 'five', 'x' => 1], true];
$sessions[] = ['all', $plain, true];
// Left to the tree.
$r = ['a' => 1]; $r['b'] = &$r['a'];
$sessions[] = ['reference', $r, false];
$shared = new stdClass(); $sessions[] = ['shared_object', ['a' => $shared, 'b' => $shared], false];
$sessions[] = ['relabelled', ['o' => new Child()], false];
$sessions[] = ['php_class', ['d' => new DateTime('2024-01-01 00:00:00 UTC')], false];
$sessions[] = ['array_object', ['ao' => new ArrayObject([1, 2])], false];
$sessions[] = ['enum', ['s' => Suit::Hearts], false];
// Integer keys past 2^53 (rare: ids are smaller) are compared exactly by the tree only.
$sessions[] = ['huge_int_keys', ['k' => [PHP_INT_MAX => 'max', PHP_INT_MIN => 'min']], false];
$out = [];
foreach ($sessions as [$name, $s, $plainOne]) {
  $row = ['name' => $name, 'plain' => $plainOne, 'php_serialize' => base64_encode(serialize($s))];
  foreach (['php', 'igbinary', 'msgpack'] as $handler) {
    if (session_status() === PHP_SESSION_ACTIVE) session_abort();
    ini_set('session.serialize_handler', $handler);
    session_start();
    $_SESSION = $s;
    $row[$handler] = base64_encode(session_encode());
  }
  $out[] = $row;
}
return $out;
`;

interface Written {
  name: string;
  plain: boolean;
  php_serialize: string;
  php: string;
  igbinary: string;
  msgpack: string;
}

const PHP_INI = ['session.save_handler = files', 'session.use_cookies = 0', 'session.cache_limiter ='];

let written: Written[] | undefined;
async function sessions(): Promise<Written[]> {
  written ??= (await runPhpJson(BUILD, {}, { iniLines: PHP_INI })) as Written[];
  return written;
}

/** The tree's JSON, or null when the decoder refuses the bytes. */
function treeJson(bytes: Uint8Array, spaces: number): Buffer | null {
  try {
    return toCanonicalJsonBytes(decodeSession(bytes), spaces);
  } catch {
    return null;
  }
}

const skip = !phpAvailable() && 'php missing';

test('plain sessions PHP writes are written directly, byte for byte as the tree prints them', { skip }, async () => {
  let direct = 0;
  for (const s of await sessions()) {
    for (const format of DIRECT_FORMATS) {
      const bytes = Buffer.from(s[format as keyof Written] as string, 'base64');
      for (const spaces of [0, 2, 4]) {
        const got = directSessionJson(bytes, {}, spaces);
        const tree = treeJson(bytes, spaces);
        const where = `${s.name} (${format}, indent ${spaces})`;
        if (plainIn(s, format)) {
          assert.ok(got, `${where}: not written directly`);
          assert.equal(got.serializer, format, where);
          assert.equal(got.json.toString('utf8'), tree?.toString('utf8'), where);
          direct++;
        } else assert.equal(got, null, `${where}: needs the tree, yet was written directly`);
      }
    }
  }
  assert.ok(direct > 0);
});

test('a named serializer is read the same way as a detected one', { skip }, async () => {
  for (const s of await sessions()) {
    for (const format of DIRECT_FORMATS) {
      const bytes = Buffer.from(s[format as keyof Written] as string, 'base64');
      const named = directSessionJson(bytes, { serializer: format, serializerOnly: true }, 2);
      const tree = toCanonicalJsonBytes(decodeSession(bytes, { serializer: format, serializerOnly: true }), 2);
      if (named) assert.equal(named.json.toString('utf8'), tree.toString('utf8'), `${s.name} (${format})`);
      else assert.ok(!plainIn(s, format), `${s.name} (${format}): not written directly`);
    }
  }
});

test('every truncation of a session is written as the tree prints it, or left to the tree', { skip }, async () => {
  const all = (await sessions()).filter((s) => s.name !== 'all' && s.name !== 'strings');
  let cuts = 0;
  for (const s of all) {
    for (const format of DIRECT_FORMATS) {
      const bytes = Buffer.from(s[format as keyof Written] as string, 'base64');
      for (let n = 0; n < bytes.length; n++) {
        const cut = bytes.subarray(0, n);
        const got = directSessionJson(cut, {}, 2);
        if (got === null) continue;
        cuts++;
        const tree = treeJson(cut, 2);
        assert.equal(got.json.toString('utf8'), tree?.toString('utf8'), `${s.name} (${format}) cut at ${n}`);
      }
    }
  }
  // A php-format session cut between two variables is still a whole session.
  assert.ok(cuts > 0);
});

/** Bytes PHP reads although serialize() never writes them: repeated keys, names and properties. */
const REPEATS: Array<[SessionSerializer, string]> = [
  ['php_serialize', 'a:1:{s:1:"a";a:3:{i:0;s:1:"x";i:1;s:1:"y";i:0;s:1:"z";}}'],
  ['php_serialize', 'a:1:{s:1:"a";a:2:{s:1:"k";i:1;s:1:"k";i:2;}}'],
  ['php_serialize', 'a:1:{s:1:"a";a:2:{i:5;i:1;s:1:"5";i:2;}}'],
  ['php_serialize', 'a:2:{s:1:"v";i:1;s:1:"v";i:2;}'],
  ['php_serialize', 'a:2:{i:7;i:1;s:1:"7";i:2;}'],
  ['php_serialize', 'a:1:{s:1:"o";O:8:"stdClass":2:{s:1:"p";i:1;s:1:"p";i:2;}}'],
  ['php_serialize', 'a:1:{s:1:"o";O:3:"Foo":2:{s:1:"p";i:1;s:4:"\0*\0p";i:2;}}'],
  ['php', 'v|i:1;w|i:2;v|i:3;'],
  ['php', '7|i:1;7|i:2;'],
];

test('repeated keys, names and properties are left to the tree', { skip }, async () => {
  // Many keys, so the repeat is found by the set a long container switches to.
  const many = Array.from({ length: 40 }, (_, i) => `s:2:"k${String.fromCharCode(65 + (i % 26))}";i:${i};`);
  const cases: Array<[SessionSerializer, string]> = [
    ...REPEATS,
    ['php_serialize', `a:1:{s:1:"m";a:40:{${many.join('')}}}`],
    [
      'php_serialize',
      `a:1:{s:1:"m";a:40:{${Array.from({ length: 39 }, (_, i) => `i:${i};i:${i};`).join('')}i:3;i:0;}}`,
    ],
  ];
  // PHP reads each one (the tree's reading of them is checked against PHP in the harvested tests).
  const reads = (await runPhpJson(
    String.raw`return array_map(function ($c) {
      [$format, $bytes] = $c;
      if ($format === 'php_serialize') return unserialize($bytes) !== false;
      if (session_status() === PHP_SESSION_ACTIVE) session_abort();
      ini_set('session.serialize_handler', 'php'); session_start();
      return session_decode($bytes);
    }, $input);`,
    cases,
    { iniLines: PHP_INI },
  )) as boolean[];
  cases.forEach(([format, text], i) => {
    assert.equal(reads[i], true, `PHP reads ${text}`);
    const bytes = Buffer.from(text, 'latin1');
    assert.equal(directSessionJson(bytes, { serializer: format }, 2), null, `${text}: written directly`);
  });
});

test("the integer-key rule the tree and the direct path share is PHP's", { skip }, async () => {
  const keys = [
    '0',
    '-0',
    '00',
    '01',
    '7',
    '-7',
    '-',
    '',
    ' 1',
    '1 ',
    '1a',
    '+1',
    '1.5',
    '123456789012345',
    '1234567890123456',
    '-9007199254740993',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775808',
    '-9223372036854775809',
    '12345678901234567890',
  ];
  // PHP's own answer: the key an array stores for each string, as an integer or as the string.
  const php = (await runPhpJson(
    'return array_map(fn ($k) => is_int(array_key_first([$k => 1])) ? (string) array_key_first([$k => 1]) : null, $input);',
    keys,
  )) as Array<string | null>;
  for (const [i, key] of keys.entries()) {
    const bytes = Buffer.from(key, 'latin1');
    const tree = numericStringKey(bytes, 0, bytes.length);
    assert.equal(tree === null ? null : String(tree), php[i], `numericStringKey(${JSON.stringify(key)})`);
    let direct: string | null;
    try {
      const n = canonicalIntKey(bytes, 0, bytes.length);
      direct = n === n ? String(n) : null;
    } catch {
      // 16-19 digits, past a safe integer: the direct path leaves such a key to the tree.
      assert.match(key, /^-?[1-9]\d{15,18}$/, `canonicalIntKey(${JSON.stringify(key)}) gave up`);
      continue;
    }
    assert.equal(direct, php[i], `canonicalIntKey(${JSON.stringify(key)})`);
  }
});
