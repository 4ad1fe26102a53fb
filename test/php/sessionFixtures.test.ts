// Ground truth for the session decoder: real PHP 8.2 + phpredis stores sessions in a real
// redis-server with every serializer; PHP computes the canonical JSON of the same data (a small
// PHP implementation of the same rules, test/helpers/phpCanonical.php); the decoder must agree byte for byte.
// The oracle is what PHP *reads back* from Redis (a second php process doing session_start()),
// which is also checked against the data PHP wrote, except where an extension is lossy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatPhpFloat, jsonString, toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { decodeIgbinary } from '../../server/src/sessions/igbinary.ts';
import { unserialize } from '../../server/src/sessions/phpSerialize.ts';
import {
  decodeSession,
  type DecodedSession,
  type SessionSerializer,
} from '../../server/src/sessions/sessionFormats.ts';
import type { PhpValue } from '../../server/src/sessions/phpValue.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';

const SERIALIZERS: SessionSerializer[] = ['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack'];

function phpReady(): boolean {
  const r = spawnSync(
    'php',
    [
      '-r',
      'echo extension_loaded("redis") && extension_loaded("igbinary") && extension_loaded("msgpack") ? "ok" : "no";',
    ],
    {
      encoding: 'utf8',
    },
  );
  const redis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.stdout === 'ok' && redis.status === 0;
}

// ---------------------------------------------------------------------------------------------
// The PHP side. No `${` anywhere below: these are JS template literals.

const CLASSES_PHP = String.raw`<?php
class Base {
    private $secret = 'base-private';
    protected $prot = ['p' => 1];
    public $pub = 'public';
    public int $typed; // uninitialized: serialize() skips it
}
class Child extends Base {
    private $secret = 'child-private'; // same name as the parent's private property
    public $extra = null;
}
enum Suit: string { case Hearts = 'H'; case Spades = 'S'; }
enum Status { case Active; case Archived; }
class Legacy implements Serializable {
    public $data;
    public function __construct($data = '') { $this->data = $data; }
    public function serialize() { return $this->data; }
    public function unserialize($data) { $this->data = $data; }
}
#[AllowDynamicProperties] class Node { public $name; public $next; }
`;

// The canonical JSON rules, written in PHP with json_encode for the scalars (shared with
// harvested.test.ts).
const CANONICAL_PHP = readFileSync(join(__dirname, '..', 'helpers', 'phpCanonical.php'), 'utf8');

const DATA_PHP = String.raw`<?php
// The rich $_SESSION every serializer stores.
function fill_session(bool $withEnums): void {
    $shared = new Child();
    $_SESSION['user'] = ['id' => 42, 'name' => "Zo\u{eb}", 'roles' => ['admin', 'dev'], 'deep' => [1, [2, [3, [4]]]]];
    $_SESSION['intKeys'] = [5 => 'five', -3 => 'neg', 10 => 'ten', PHP_INT_MAX => 'max', PHP_INT_MIN => 'min'];
    $_SESSION['list'] = [10, 20, 30];
    $_SESSION['gappy'] = [0 => 'a', 2 => 'c'];
    $_SESSION['numericStringKeys'] = ['0' => 'zero', '1' => 'one'];
    $_SESSION['mixedKeys'] = ['a' => 1, 0 => 'x', '007' => 'leading zero', '-0' => 'minus zero'];
    $_SESSION['child'] = $shared;
    $_SESSION['sameChild'] = $shared;
    $_SESSION['std'] = (object)['a' => 1, 'list' => [true, false, null], '5' => 'int-like property'];
    $_SESSION['floats'] = [0.1, 1e25, -0.0, NAN, INF, -INF, 1.0, 1.5e-7, 0.1 + 0.2, 1e16, 1e17, 123456789.125, 5e-324,
        1.7976931348623157e308, 0.0001, 0.00001, -2.5, 100.0];
    $_SESSION['ints'] = [PHP_INT_MAX, PHP_INT_MIN, 0, -1, 2 ** 53 + 1, 255, 256, 65535, 65536, -129, 4294967296, -4294967297];
    $_SESSION['binary'] = "a\0b\xff\xfe";
    $_SESSION['surrogate'] = "\xed\xa0\x80";
    $_SESSION['overlong'] = "\xc0\x80";
    $_SESSION['unicode'] = "\u{65e5}\u{672c} \u{1f389} \u{2028}\u{2029} \"quoted\" back\\slash /slash \t\n\x01\x1f\x7f";
    $_SESSION['binaryKeys'] = ["\xff\xfe" => 1, 'ok' => 2, "\xed\xa0\x80x" => 3, "\xf0\x80\x80\x80" => 4];
    $_SESSION['legacy'] = new Legacy('payload "with" } braces;');
    $_SESSION['legacyBinary'] = new Legacy("bin\xff");
    $_SESSION['arrayObject'] = new ArrayObject(['k' => 'v', 3 => [1, 2]]);
    $_SESSION['empty'] = [];
    $_SESSION['emptyString'] = '';
    $_SESSION['emptyObject'] = new stdClass();
    $_SESSION['null'] = null;
    $_SESSION['bools'] = [true, false];
    $_SESSION['big'] = str_repeat('xyz', 25000);
    $_SESSION['bigArray'] = range(0, 299);
    $_SESSION['refA'] = ['v' => 1];
    $_SESSION['refB'] = &$_SESSION['refA'];
    $within = ['p' => 1];
    $within['q'] = &$within['p'];
    $_SESSION['within'] = $within;
    $_SESSION['cycle'] = ['k' => 1];
    $_SESSION['cycle']['self'] = &$_SESSION['cycle'];
    $node = new Node();
    $node->name = 'n';
    $node->next = $node;
    $_SESSION['objectCycle'] = $node;
    $scalar = 'shared scalar';
    $_SESSION['scalarRef1'] = &$scalar;
    $_SESSION['scalarRef2'] = &$scalar;
    if ($withEnums) {
        $_SESSION['suit'] = Suit::Hearts;
        $_SESSION['status'] = Status::Archived;
        $_SESSION['suits'] = [Suit::Hearts, Suit::Spades, Suit::Hearts];
    }
}
`;

const WRITE_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
require __DIR__ . '/canonical.php';
require __DIR__ . '/data.php';
[, $serializer, $sid] = $argv;
session_id($sid);
if (!session_start()) exit(2);
fill_session($serializer !== 'msgpack');
$written = cj_session($_SESSION);
if (!session_write_close()) exit(3);
echo $written;
`;

const READ_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
require __DIR__ . '/canonical.php';
session_id($argv[1]);
$CJ_DROP_PAYLOAD_NUL = ($argv[2] ?? '') === 'drop-payload-nul';
// read_and_close: reading must not write the session back (msgpack would re-encode it lossily).
if (!session_start(['read_and_close' => true])) exit(2);
echo cj_session($_SESSION);
`;

// Envelopes, frameworks: built with phpredis's Redis class from the stored sessions.
const EXTRAS_PHP = String.raw`<?php
require __DIR__ . '/classes.php';
require __DIR__ . '/canonical.php';
[, $port, $sid] = $argv;
$plain = new Redis();
$plain->connect('127.0.0.1', (int)$port);
$codecs = ['lzf' => Redis::COMPRESSION_LZF, 'zstd' => Redis::COMPRESSION_ZSTD, 'lz4' => Redis::COMPRESSION_LZ4];
foreach (['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack'] as $ser) {
    $raw = $plain->get("PHPREDIS_SESSION:$ser-$sid");
    foreach ($codecs as $name => $codec) {
        $c = new Redis();
        $c->connect('127.0.0.1', (int)$port);
        $c->setOption(Redis::OPT_COMPRESSION, $codec);
        $c->set("cmp:$name:$ser", $raw);
        if ($c->get("cmp:$name:$ser") !== $raw) exit(4);
    }
}
$out = [];
// Laravel: the cache store keeps serialize() of the payload, itself serialize($attributes).
$attrs = ['_token' => 'csrf-token', '_previous' => ['url' => 'http://localhost/cart'], '_flash' => ['old' => [], 'new' => []],
    'login_web_59ba36addc2b2f9401580f014c7f58ea4e30989d' => 7, 'cart' => new Child(), 'suit' => Suit::Spades];
$plain->set("laravel_database_laravel_cache:$sid", serialize(serialize($attrs)));
$out['laravel'] = cj_session($attrs);
// Symfony: RedisSessionHandler stores PHP's own session string under sf_s<id>.
ini_set('session.serialize_handler', 'php');
ini_set('session.save_handler', 'files');
ini_set('session.save_path', sys_get_temp_dir());
session_id('sf' . $sid);
session_start();
$_SESSION['_sf2_attributes'] = ['_csrf/authenticate' => 'abc', '_security_main' => serialize(['user' => 'bob'])];
$_SESSION['_sf2_meta'] = ['u' => 1700000000, 'c' => 1700000000, 'l' => 0];
$plain->set("sf_s$sid", session_encode());
$out['symfony'] = cj_session($_SESSION);
session_abort();
echo json_encode($out);
`;

// json_encode of doubles, for the float formatter: hex of the 8 bytes (LE) → json.
const FLOATS_PHP = String.raw`<?php
$n = (int)$argv[1];
$out = [];
for ($i = 0; $i < $n; $i++) {
    $bytes = random_bytes(8);
    if ($i % 3 === 0) $bytes = pack('e', (random_int(-1000000, 1000000) / (10 ** random_int(0, 12))) * (10 ** random_int(-30, 30)));
    $f = unpack('e', $bytes)[1];
    if (is_nan($f) || is_infinite($f)) continue;
    $out[] = [bin2hex($bytes), json_encode($f, JSON_PRESERVE_ZERO_FRACTION)];
}
echo json_encode($out);
`;

// Differential oracle: base64 inputs on stdin → canonical JSON of what PHP decodes, or null when
// PHP refuses. argv[1]: 'serialize' (unserialize()), 'igbinary' (igbinary_unserialize()), or
// 'sample' (prints the igbinary fuzz sample).
const FUZZ_PHP = String.raw`<?php
require __DIR__ . '/canonical.php';
$mode = $argv[1];
if ($mode === 'sample') {
    $o = new stdClass();
    $o->name = 'n';
    $o->self = $o;
    $list = [1, -2, 300, -70000, 5000000000, 1.5, true, null, 'str', '', "\xff"];
    $v = ['list' => $list, 'again' => $list, 'o' => $o, 'o2' => $o, 'k' => ['x' => 'str', 'y' => 'x']];
    $v['r'] = &$v['list'];
    echo base64_encode(igbinary_serialize($v));
    exit;
}
$inputs = json_decode(stream_get_contents(STDIN), true);
$out = [];
set_error_handler(function ($no) { if ($no & (E_WARNING | E_NOTICE)) $GLOBALS['failed'] = true; return true; });
foreach ($inputs as $b64) {
    $s = base64_decode($b64);
    $GLOBALS['failed'] = false;
    try {
        if ($mode === 'igbinary') {
            // igbinary warns and carries on for some oddities (a too big long becomes 0): only a
            // null result is a failure (the sample's root is an array).
            $v = $s === '' ? null : igbinary_unserialize($s);
            $out[] = $v === null ? null : cj($v);
        } else {
            $v = unserialize($s, ['max_depth' => 512]);
            $out[] = ($v === false && $s !== 'b:0;') ? null : cj($v);
        }
    } catch (Throwable $e) {
        // An array holding itself without a PHP reference (only hostile bytes do that) defeats
        // this walker's cycle detection: not comparable.
        $out[] = str_starts_with($e->getMessage(), 'too deep') ? 'SKIP' : null;
    }
}
echo json_encode($out);
`;

// ---------------------------------------------------------------------------------------------

let redis: RedisServer;
let dir: string;

function iniDir(serializer: SessionSerializer): string {
  const d = join(dir, `ini-${serializer}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(
    join(d, 'zz-session-test.ini'),
    [
      'session.save_handler = redis',
      `session.save_path = "tcp://127.0.0.1:${redis.port}"`,
      `session.serialize_handler = ${serializer}`,
      'session.use_cookies = 0',
      'session.use_strict_mode = 0',
      'session.cache_limiter =',
      'error_reporting = E_ALL & ~E_DEPRECATED',
      'display_errors = stderr',
      '',
    ].join('\n'),
  );
  return d;
}

/** Runs a PHP script of the temp dir; the default scan dir stays first so the extensions load. */
function php(script: string, args: string[], serializer: SessionSerializer = 'php', input?: string): string {
  const r = spawnSync('php', [join(dir, script), ...args], {
    env: { ...process.env, PHP_INI_SCAN_DIR: `:${iniDir(serializer)}` },
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `php ${script} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** GET over a raw RESP socket: the stored bytes exactly. */
function redisGet(key: string): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port: redis.port, host: '127.0.0.1' });
    const k = Buffer.from(key, 'utf8');
    sock.write(Buffer.concat([Buffer.from(`*2\r\n$3\r\nGET\r\n$${k.length}\r\n`), k, Buffer.from('\r\n')]));
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const nl = buf.indexOf('\r\n');
      if (nl < 0) return;
      const head = buf.subarray(0, nl).toString('latin1');
      if (head.startsWith('-')) {
        sock.destroy();
        reject(new Error(head));
      } else if (head === '$-1') {
        sock.destroy();
        resolve(null);
      } else {
        const len = Number(head.slice(1));
        if (buf.length >= nl + 2 + len + 2) {
          sock.destroy();
          resolve(new Uint8Array(buf.subarray(nl + 2, nl + 2 + len)));
        }
      }
    });
    sock.on('error', reject);
  });
}

/** A session as PHP's cj_session() prints it: [name, canonical JSON of the value] pairs. */
type Parts = Array<[string, string]>;

function partsOf(decoded: DecodedSession): Parts {
  return decoded.variables.map(([name, value]) => [name, toCanonicalJson(value)]);
}

/** The whole-session canonical JSON the parts stand for. */
function sessionJson(parts: Parts): string {
  return `{${parts.map(([name, json]) => `${jsonString(name)}:${json}`).join(',')}}`;
}

/** Compares variable by variable, so a failure names the variable instead of dumping 100 KB. */
function assertSameParts(actual: Parts, expected: Parts, label: string): void {
  assert.deepEqual(
    actual.map(([n]) => n),
    expected.map(([n]) => n),
    `${label}: variable names`,
  );
  const clip = (s: string | undefined): string => (s && s.length > 400 ? `${s.slice(0, 400)}…` : String(s));
  const diffs = actual
    .filter(([, json], i) => json !== expected[i]![1])
    .map(([name, json]) => {
      const want = expected.find(([n]) => n === name)![1];
      return `${name}\n  php:  ${clip(want)}\n  ours: ${clip(json)}`;
    });
  assert.deepEqual(diffs, [], `${label}: ${diffs.length} variables differ`);
}

const SID = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
/** What PHP read back from Redis, per serializer (the oracle). */
const readBack = new Map<SessionSerializer, Parts>();

describe(
  'session decoder against real PHP + phpredis + redis-server',
  { skip: !phpReady() && 'php (redis, igbinary, msgpack) or redis-server missing' },
  () => {
    before(async () => {
      redis = await startRedis();
      dir = mkdtempSync(join(tmpdir(), 'prs-php-'));
      const files: Record<string, string> = {
        'classes.php': CLASSES_PHP,
        'canonical.php': CANONICAL_PHP,
        'data.php': DATA_PHP,
        'write.php': WRITE_PHP,
        'read.php': READ_PHP,
        'extras.php': EXTRAS_PHP,
        'floats.php': FLOATS_PHP,
        'fuzz.php': FUZZ_PHP,
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    });

    after(async () => {
      await redis?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const serializer of SERIALIZERS) {
      test(`${serializer}: decodes what PHP stored exactly as PHP reads it back`, async () => {
        const sid = `${serializer}-${SID}`;
        const written = JSON.parse(php('write.php', [serializer, sid], serializer)) as Parts;
        const read = JSON.parse(
          php('read.php', [sid, serializer === 'msgpack' ? 'drop-payload-nul' : ''], serializer),
        ) as Parts;
        if (serializer === 'msgpack') {
          const raw = JSON.parse(php('read.php', [sid], serializer)) as Parts;
          const legacy = raw.find(([n]) => n === 'legacy')![1];
          assert.ok(
            legacy.endsWith('braces;\\u0000"}'),
            `msgpack-php appends a NUL to Serializable payloads: ${legacy}`,
          );
        }
        readBack.set(serializer, read);
        const bytes = await redisGet(`PHPREDIS_SESSION:${sid}`);
        assert.ok(bytes, 'the session key exists');

        const configured = decodeSession(bytes, { serializer });
        assert.equal(configured.serializer, serializer);
        assert.equal(configured.compression, 'none');
        assertSameParts(partsOf(configured), read, serializer);
        assert.equal(toCanonicalJson(configured), sessionJson(read), 'the whole session document');

        const detected = decodeSession(bytes);
        assert.equal(detected.serializer, serializer, 'detected from the bytes alone');
        assert.equal(toCanonicalJson(detected), sessionJson(read));

        if (serializer === 'msgpack') {
          // msgpack-php is lossy, and the decoder follows what its unpacker reads (see the report).
          // Here: cycle.self and objectCycle.next, which follow the refB stub.
          const lossy = written.filter(([n, j], i) => read[i]![0] !== n || read[i]![1] !== j).map(([n]) => n);
          assert.deepEqual(
            lossy,
            ['cycle', 'objectCycle'],
            'what msgpack-php reads back differently from what it wrote',
          );
        } else {
          assertSameParts(read, written, `${serializer} round trip in PHP`);
        }
      });
    }

    test('slot numbering: php counts across variables, php_serialize from the outer array', async () => {
      const php_ = decodeSession((await redisGet(`PHPREDIS_SESSION:php-${SID}`))!, { serializer: 'php' });
      const refB = php_.variables.find(([n]) => n === 'refB')![1];
      assert.equal(refB.kind, 'reference');
      const refA = php_.variables.find(([n]) => n === 'refA')![1];
      assert.equal(
        (refB as Extract<PhpValue, { kind: 'reference' }>).target,
        refA,
        'R: points at the earlier variable itself',
      );
    });

    test('phpredis compression envelopes (lzf, zstd, lz4) are undone', async () => {
      const out = JSON.parse(php('extras.php', [String(redis.port), SID])) as Record<string, string>;
      for (const serializer of SERIALIZERS) {
        for (const codec of ['lzf', 'zstd', 'lz4'] as const) {
          const bytes = (await redisGet(`cmp:${codec}:${serializer}`))!;
          const expected = readBack.get(serializer);
          assert.ok(expected, `ran ${serializer} first`);
          const configured = decodeSession(bytes, { serializer, compression: codec });
          assert.equal(configured.compression, codec);
          assertSameParts(partsOf(configured), expected, `${codec} + ${serializer}`);
          const auto = decodeSession(bytes);
          assert.equal(auto.compression, codec, `${codec} + ${serializer} detected`);
          assert.equal(auto.serializer, serializer);
          assert.equal(toCanonicalJson(auto), sessionJson(expected));
        }
      }
      // A configured codec that does not apply falls back to the raw bytes, like phpredis.
      const raw = (await redisGet(`PHPREDIS_SESSION:php-${SID}`))!;
      assert.equal(decodeSession(raw, { compression: 'lz4', serializer: 'php' }).compression, 'none');

      const laravel = decodeSession((await redisGet(`laravel_database_laravel_cache:${SID}`))!);
      assert.equal(laravel.framework, 'laravel');
      assertSameParts(partsOf(laravel), JSON.parse(out.laravel!) as Parts, 'laravel');

      const symfonyBytes = (await redisGet(`sf_s${SID}`))!;
      const symfony = decodeSession(symfonyBytes, { key: `sf_s${SID}` });
      assert.equal(symfony.framework, 'symfony');
      assert.equal(symfony.serializer, 'php');
      assertSameParts(partsOf(symfony), JSON.parse(out.symfony!) as Parts, 'symfony');
      assert.equal(decodeSession(symfonyBytes).framework, 'symfony', 'recognised by its _sf2_ variables too');
    });

    test('floats print exactly as json_encode (serialize_precision=-1)', () => {
      const pairs = JSON.parse(php('floats.php', ['6000'])) as Array<[string, string]>;
      assert.ok(pairs.length > 3000);
      for (const [hex, json] of pairs) {
        const v = Buffer.from(hex, 'hex').readDoubleLE(0);
        assert.equal(formatPhpFloat(v), json, `double ${hex} (${v})`);
      }
    });

    /** Mutations of each sample: every truncation, then random single and double byte edits. */
    function mutate(samples: Buffer[], perSample: number, alphabet: Buffer): Buffer[] {
      let seed = 0x2545f491; // deterministic: the same cases on every run
      const rand = (n: number): number => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) % n;
      };
      const edit = (m: Buffer): Buffer => {
        const at = rand(m.length);
        switch (rand(4)) {
          case 0:
            m[at] = alphabet[rand(alphabet.length)]!;
            return m;
          case 1:
            m[at] = rand(256);
            return m;
          case 2:
            return Buffer.concat([m.subarray(0, at), m.subarray(at + 1)]);
          default:
            return Buffer.concat([m.subarray(0, at), Buffer.from([alphabet[rand(alphabet.length)]!]), m.subarray(at)]);
        }
      };
      const cases: Buffer[] = [...samples];
      for (const s of samples) {
        for (let i = 0; i < s.length; i++) cases.push(s.subarray(0, i));
        for (let k = 0; k < perSample; k++) {
          let m = edit(Buffer.from(s));
          if (k % 3 === 0) m = edit(m);
          cases.push(m);
        }
      }
      return cases;
    }

    /** Runs the cases through PHP and the decoder; returns [mismatches, compared, accepted by both]. */
    function differential(
      mode: 'serialize' | 'igbinary',
      cases: Buffer[],
      ours: (b: Uint8Array) => PhpValue,
    ): [string[], number, number] {
      const phpResults = JSON.parse(
        php('fuzz.php', [mode], 'php', JSON.stringify(cases.map((c) => c.toString('base64')))),
      ) as Array<string | null>;
      assert.equal(phpResults.length, cases.length);
      const mismatches: string[] = [];
      let compared = 0;
      let accepted = 0;
      cases.forEach((c, i) => {
        let json: string | null;
        try {
          json = toCanonicalJson(ours(new Uint8Array(c)));
        } catch {
          json = null;
        }
        // By design the decoder keeps C: payloads and enum cases PHP can only read with the class loaded.
        if (json?.includes('"__serialized"') || json?.includes('"__enum"') || phpResults[i] === 'SKIP') return;
        compared++;
        if (json !== null && phpResults[i] !== null) accepted++;
        // Class names are case-insensitive: PHP prints the declared spelling, the decoder the stored one.
        const fold = (j: string | null | undefined): string | null | undefined =>
          j?.replace(/"__class":"[^"]*"/g, (m) => m.toLowerCase());
        if (fold(json) !== fold(phpResults[i]))
          mismatches.push(`${c.toString('hex')}\n  php:  ${phpResults[i]}\n  ours: ${json}`);
      });
      return [mismatches, compared, accepted];
    }

    test('unserialize() differential: mutated inputs are accepted/refused exactly like PHP', () => {
      const samples = [
        'a:9:{s:4:"user";a:3:{s:2:"id";i:42;s:4:"name";s:4:"Zo\u00c3\u00ab";s:5:"roles";a:2:{i:0;s:5:"admin";i:1;s:3:"dev";}}s:3:"ref";R:2;' +
          's:1:"f";a:4:{i:0;d:0.1;i:1;d:-0;i:2;d:1.0E+25;i:3;d:NAN;}s:3:"obj";O:8:"stdClass":2:{s:1:"a";i:1;s:4:"\u0000*\u0000p";b:1;}' +
          's:4:"same";r:13;s:1:"n";N;s:3:"neg";i:-9223372036854775808;s:3:"bin";s:3:"\u0000\u00ff"";s:2:"10";a:0:{}}',
        'a:3:{i:0;a:1:{s:4:"self";R:2;}i:1;O:8:"stdClass":1:{s:2:"me";r:3;}i:2;S:3:"\\61b\\63";}',
        'a:2:{i:0;i:1;i:0;s:3:"dup";}',
        'O:8:"stdClass":3:{i:5;s:1:"x";s:1:"5";s:1:"y";s:11:"\u0000stdClass\u0000z";d:.5;}',
      ].map((s) => Buffer.from(s, 'latin1'));
      const cases = mutate(samples, 1500, Buffer.from('0123456789:;"{}aisdNbORrSEC-+.e\u0000\u00ff', 'latin1'));
      const [mismatches, compared, accepted] = differential('serialize', cases, (b) =>
        unserialize(b, { allowTrailing: true }),
      );
      assert.ok(compared > cases.length * 0.9 && accepted > 500, `${compared} compared, ${accepted} accepted by both`);
      assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} of ${compared} differ`);
    });

    test('igbinary differential: mutated inputs are accepted/refused exactly like igbinary_unserialize()', () => {
      const sample = Buffer.from(php('fuzz.php', ['sample']), 'base64');
      const alphabet = Buffer.from([
        0, 1, 2, 3, 4, 5, 6, 7, 0x0c, 0x0d, 0x0e, 0x11, 0x14, 0x15, 0x17, 0x1a, 0x22, 0x25, 0x26, 0xff,
      ]);
      const cases = mutate([sample], 3000, alphabet);
      const [mismatches, compared, accepted] = differential('igbinary', cases, (b) => decodeIgbinary(b));
      assert.ok(compared > cases.length * 0.9 && accepted > 200, `${compared} compared, ${accepted} accepted by both`);
      assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} of ${compared} differ`);
    });
  },
);
