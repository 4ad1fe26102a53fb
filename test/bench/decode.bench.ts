// Decoding throughput on real PHP sessions, what the CLI's `decode` does in-process: sessionJson()
// (serializer detected; canonical JSON, indented, as printed: written straight from the bytes for
// sessions of plain values, else decodeSession() + the value tree's JSON). Each row says how many
// sessions took the direct way. PHP 8 writes every fixture in the
// four session formats (session_encode() with the php, igbinary and msgpack handlers; serialize()
// for php_serialize); the same bytes are then decoded by
//  - ours, in this process;
//  - PHP itself, timed inside a php process: session_decode() / unserialize() / igbinary_unserialize()
//    / msgpack_unserialize(), each followed by json_encode(JSON_PRETTY_PRINT…) — budget ≤ 2× PHP;
//  - the npm php-serialize package on php_serialize values — budget ≥ 3× its throughput.
// Rounds alternate between PHP and us (blocks of rounds) so machine noise hits both alike.
// Scaling rows time N and 4N of a long string, deep nesting and many references (fastest of several
// rounds): t(4N)/t(N) near 4 means linear; a quadratic path shows as 16.
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phpAvailable, runPhpJson } from '../helpers/php.ts';
import type {
  directSessionJson as Direct,
  sessionJson as ToJson,
} from '../../server/src/sessions/direct/sessionJson.ts';
import type { decodeSession as Decode, SessionSerializer } from '../../server/src/sessions/sessionFormats.ts';
import { bytes, isMain, median, ms, printRows, type Row } from './common.ts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const phpSerialize = require('php-serialize') as {
  unserialize(item: Buffer | string, scope?: object, options?: { strict?: boolean }): unknown;
};

/**
 * The decoders as they ship: bundled and minified by esbuild like dist/cli.js (this process's
 * TypeScript loader turns every cross-module access into a getter call, a fifth of small sessions' time).
 */
interface Shipped {
  decodeSession: typeof Decode;
  sessionJson: typeof ToJson;
  directSessionJson: typeof Direct;
}
function shippedDecoders(dir: string): Shipped {
  const outfile = join(dir, 'decoders.cjs');
  buildSync({
    stdin: {
      contents:
        "export { decodeSession } from './sessionFormats.ts'; export { sessionJson, directSessionJson } from './direct/sessionJson.ts';",
      resolveDir: join(__dirname, '..', '..', 'server', 'src', 'sessions'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    outfile,
    logLevel: 'error',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as Shipped;
}
let decodeSession: typeof Decode;
let sessionJson: typeof ToJson;
let directSessionJson: typeof Direct;

const SMALL_COUNT = Number(process.env.BENCH_SESSIONS_DECODE ?? 100_000);
const BIG_ITEMS = Number(process.env.BENCH_DECODE_CART ?? 60_000);
/** Blocks of PHP rounds then our rounds; the figure is the median of every round. */
const BLOCKS = 3;
const ROUNDS = 3;
const FORMATS: readonly SessionSerializer[] = ['php_serialize', 'php', 'igbinary', 'msgpack'];
const PHP_INI = ['session.save_handler = files', 'session.use_cookies = 0', 'session.cache_limiter ='];

/** Writes `$s` (built by `$build`) in every format to `$input['dir']/$input['name'].<format>`. */
const WRITE_FIXTURES = (build: string): string => String.raw`
ini_set('session.save_path', $input['dir']);
$write = function (string $format, array $values) use ($input) {
  $out = '';
  foreach ($values as $v) $out .= pack('V', strlen($v)) . $v;
  file_put_contents($input['dir'] . '/' . $input['name'] . '.' . $format, $out);
};
$sessions = (function ($input) { ${build} })($input);
$write('php_serialize', array_map('serialize', $sessions));
foreach (['php', 'igbinary', 'msgpack'] as $handler) {
  // What the session module writes with this handler ($_SESSION is a reference: msgpack marks it).
  if (session_status() === PHP_SESSION_ACTIVE) session_abort();
  ini_set('session.serialize_handler', $handler);
  session_start();
  $write($handler, array_map(function ($s) { $_SESSION = $s; return session_encode(); }, $sessions));
}
return count($sessions);
`;

/** $input['count'] realistic sessions: logins, carts, flash bags, CSRF tokens, Symfony bags, objects. */
const SMALL_SESSIONS = String.raw`
mt_srand(42);
$out = [];
$names = ["Zoë", "José", "Ünal", "李雷", "Ana", "Bob", "Chloé", "Dmitri"];
for ($i = 0; $i < $input['count']; $i++) {
  $s = [];
  $s['_token'] = bin2hex(random_bytes(20));
  $s['_previous'] = ['url' => "https://shop.example.com/products/" . mt_rand(1, 5000) . "?ref=home"];
  $s['login_web_' . sha1('web')] = mt_rand(1, 1000000);
  $s['user'] = ['id' => $i, 'name' => $names[$i % count($names)], 'email' => "user$i@example.com", 'roles' => ['ROLE_USER'] + ($i % 10 === 0 ? [1 => 'ROLE_ADMIN'] : []),
                'locale' => ['en', 'fr', 'de'][$i % 3], 'verified' => $i % 3 !== 0, 'score' => $i / 7];
  $cart = [];
  for ($k = 0, $n = $i % 8; $k < $n; $k++) {
    $cart[] = ['sku' => sprintf('SKU-%05d', mt_rand(0, 99999)), 'qty' => mt_rand(1, 4), 'price' => round(mt_rand(100, 99999) / 100, 2), 'options' => ['size' => ['S', 'M', 'L'][$k % 3], 'gift' => (bool)($k & 1)]];
  }
  $s['cart'] = $cart;
  $s['flash'] = ['old' => [], 'new' => $i % 4 === 0 ? ['status' => 'Your order has been placed.'] : []];
  $s['_sf2_attributes'] = ['_security_main' => str_repeat('a', 40 + $i % 200), '_csrf/https-authenticate' => bin2hex(random_bytes(16))];
  $s['_sf2_meta'] = ['u' => 1700000000 + $i, 'c' => 1700000000, 'l' => 0];
  $prefs = new stdClass(); $prefs->theme = ['light', 'dark'][$i % 2]; $prefs->pageSize = 20 + $i % 3 * 10; $prefs->lastSearch = "shoes size " . ($i % 45);
  $s['prefs'] = $prefs;
  $s['history'] = array_map(fn ($k) => "/p/" . (($i * 31 + $k) % 9973), range(0, $i % 12));
  $s['last_activity'] = 1700000000 + $i * 13;
  $out[] = $s;
}
return $out;
`;

/** One large session: a cart of $input['count'] lines (60,000 make 16 MB in php_serialize). */
const BIG_SESSION = String.raw`
$s = ['_token' => str_repeat('t', 40), 'user' => ['id' => 42, 'name' => "Zo\u{eb}"], 'cart' => []];
for ($i = 0; $i < $input['count']; $i++)
  $s['cart'][] = ['sku' => sprintf('SKU-%06d', $i), 'title' => "Article $i \u{2013} size " . ($i % 48), 'qty' => 1 + $i % 5,
    'price' => round(1 + $i / 7, 2), 'options' => ['gift' => (bool)($i & 1), 'note' => str_repeat('n', $i % 120)], 'tags' => ['a', 'b', (string)$i]];
return [$s];
`;

/** The scaling cases, each of size $input['count']. */
const SCALING: Record<string, { label: (n: number) => string; n: number; build: string; indent?: number }> = {
  string: {
    label: (n) => `one ${bytes(n)} string`,
    n: 2_000_000,
    build: String.raw`return [['s' => substr(str_repeat("abcd\u{e9}fgh\"\n", intdiv($input['count'], 11) + 1), 0, $input['count'])]];`,
  },
  nesting: {
    label: (n) => `${n} nested arrays`,
    n: 1000,
    // Indented JSON of N nested levels is itself O(N²) bytes of indentation (PHP's
    // JSON_PRETTY_PRINT too): compact JSON, to time the algorithm.
    indent: 0,
    build: String.raw`$d = []; $p = &$d; for ($i = 1; $i < $input['count']; $i++) { $p['x'] = [$i]; $p = &$p['x']; } unset($p); return [['d' => $d]];`,
  },
  references: {
    label: (n) => `${n} objects each shared (r:) and ${n} PHP references (R:)`,
    n: 10_000,
    build: String.raw`$s = ['o' => [], 'r' => [], 'v' => [], 'w' => []];
for ($i = 0; $i < $input['count']; $i++) { $o = new stdClass(); $o->i = $i; $s['o'][] = $o; $s['r'][] = $o; $s['v'][$i] = $i; $s['w'][$i] = &$s['v'][$i]; }
return [$s];`,
  },
};

/** PHP's decode + json_encode of every value of `$input['name'].<format>`, `rounds` rounds; ns per round. */
const PHP_DECODE = String.raw`
ini_set('session.save_path', $input['dir']);
session_start();
$flags = JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_PARTIAL_OUTPUT_ON_ERROR;
$raw = file_get_contents($input['dir'] . '/' . $input['name'] . '.' . $input['format']);
$vals = [];
for ($p = 0; $p < strlen($raw); $p += 4 + $n) { $n = unpack('V', $raw, $p)[1]; $vals[] = substr($raw, $p + 4, $n); }
unset($raw);
$decode = match ($input['format']) {
  'php_serialize' => fn ($v) => json_encode(unserialize($v), $flags),
  'php' => function ($v) use ($flags) { $_SESSION = []; session_decode($v); return json_encode($_SESSION, $flags); },
  'igbinary' => fn ($v) => json_encode(igbinary_unserialize($v), $flags),
  'msgpack' => fn ($v) => json_encode(msgpack_unserialize($v), $flags),
};
foreach ($vals as $v) if (strlen($decode($v)) < 2) throw new Exception('nothing decoded');
$rounds = [];
for ($r = 0; $r < $input['rounds']; $r++) {
  $t0 = hrtime(true);
  foreach ($vals as $v) { $x = $decode($v); }
  $rounds[] = hrtime(true) - $t0;
}
return $rounds;
`;

/** The length-prefixed values PHP wrote. */
function readValues(file: string): Buffer[] {
  const raw = readFileSync(file);
  const out: Buffer[] = [];
  for (let p = 0; p < raw.length;) {
    const n = raw.readUInt32LE(p);
    out.push(raw.subarray(p + 4, p + 4 + n));
    p += 4 + n;
  }
  return out;
}

function decodeToJson(v: Buffer, serializer: SessionSerializer, maxDepth?: number, indent = 2): number {
  const d = sessionJson(v, maxDepth ? { maxDepth } : {}, indent);
  if (d.serializer !== serializer) throw new Error(`detected ${d.serializer}, not ${serializer}`);
  return d.json.length;
}

/** Milliseconds of each of `rounds` calls of fn, after one warm-up call. */
function roundsOf(fn: () => void, rounds: number): number[] {
  fn();
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

interface Fixtures {
  dir: string;
  write(name: string, build: string, count: number): Promise<void>;
}

function fixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'prs-bench-decode-'));
  return {
    dir,
    async write(name, build, count) {
      await runPhpJson(WRITE_FIXTURES(build), { dir, name, count }, { iniLines: PHP_INI, timeoutMs: 600_000 });
    },
  };
}

/** Our decode+JSON against PHP's on `name.<format>`, in alternating blocks. */
async function againstPhp(
  fx: Fixtures,
  name: string,
  format: SessionSerializer,
): Promise<{ ours: number; php: number; values: Buffer[] }> {
  const values = readValues(join(fx.dir, `${name}.${format}`));
  const ours: number[] = [];
  const php: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const ns = (await runPhpJson(
      PHP_DECODE,
      { dir: fx.dir, name, format, rounds: ROUNDS },
      { iniLines: PHP_INI, timeoutMs: 600_000 },
    )) as number[];
    php.push(...ns.map((n) => n / 1e6));
    ours.push(
      ...roundsOf(() => {
        for (const v of values) decodeToJson(v, format);
      }, ROUNDS),
    );
  }
  return { ours: median(ours), php: median(php), values };
}

/** "direct: 98%": the share of `values` written straight from their bytes (no value tree). */
function directShare(values: Buffer[]): string {
  const direct = values.filter((v) => directSessionJson(v, {}, 2) !== null).length;
  return `direct: ${((100 * direct) / values.length).toFixed(direct === values.length ? 0 : 1)}%`;
}

function phpRow(what: string, peer: string, r: { ours: number; php: number }): Row {
  return {
    what,
    ours: ms(r.ours),
    peer,
    peerValue: ms(r.php),
    ratio: `${(r.ours / r.php).toFixed(2)}×`,
    budget: '≤ 2× PHP',
    met: r.ours <= 2 * r.php,
  };
}

const PHP_PEER: Record<SessionSerializer, string> = {
  php: 'session_decode()',
  php_binary: 'session_decode()',
  php_serialize: 'unserialize()',
  igbinary: 'igbinary_unserialize()',
  msgpack: 'msgpack_unserialize()',
};
const peerName = (f: SessionSerializer): string => `PHP ${PHP_PEER[f]} + json_encode() in php-cli, same bytes`;

/** PHP writes one large session (a cart of `items` lines) in each format: its bytes by format. */
export async function bigSessionValues(items = BIG_ITEMS): Promise<Record<SessionSerializer, Buffer>> {
  const fx = fixtures();
  try {
    await fx.write('big', BIG_SESSION, items);
    const out: Partial<Record<SessionSerializer, Buffer>> = {};
    for (const format of FORMATS) out[format] = readValues(join(fx.dir, `big.${format}`))[0]!;
    return out as Record<SessionSerializer, Buffer>;
  } finally {
    rmSync(fx.dir, { recursive: true, force: true });
  }
}

async function largeRows(fx: Fixtures): Promise<Row[]> {
  await fx.write('big', BIG_SESSION, BIG_ITEMS);
  const rows: Row[] = [];
  for (const format of FORMATS) {
    const r = await againstPhp(fx, 'big', format);
    rows.push(
      phpRow(
        `decode + canonical JSON of one ${bytes(r.values[0]!.length)} ${format} session (${BIG_ITEMS / 1000}k-line cart; ${directShare(r.values)}), median of ${BLOCKS * ROUNDS}`,
        peerName(format),
        r,
      ),
    );
  }
  return rows;
}

async function smallRows(fx: Fixtures): Promise<Row[]> {
  await fx.write('small', SMALL_SESSIONS, SMALL_COUNT);
  const rows: Row[] = [];
  for (const format of FORMATS) {
    const r = await againstPhp(fx, 'small', format);
    const total = r.values.reduce((n, v) => n + v.length, 0);
    rows.push(
      phpRow(
        `decode + canonical JSON of ${SMALL_COUNT / 1000}k small ${format} sessions (avg ${Math.round(total / r.values.length)} B; ${directShare(r.values)}), median of ${BLOCKS * ROUNDS}`,
        peerName(format),
        r,
      ),
    );
    if (format === 'php_serialize') rows.push(againstNpm(r.values));
  }
  return rows;
}

/** The npm php-serialize package, decoder against decoder (no JSON) on the first 3000 values. */
function againstNpm(all: Buffer[]): Row {
  const values = all.slice(0, 3000);
  const totalBytes = values.reduce((n, b) => n + b.length, 0);
  const ours: number[] = [];
  const peer: number[] = [];
  for (let r = 0; r < BLOCKS * ROUNDS; r++) {
    ours.push(...roundsOf(() => values.forEach((v) => decodeSession(v)), 1));
    peer.push(...roundsOf(() => values.forEach((v) => phpSerialize.unserialize(v, {}, { strict: false })), 1));
  }
  const mbps = (msPerRound: number): number => totalBytes / 1048576 / (msPerRound / 1000);
  const o = mbps(median(ours));
  const p = mbps(median(peer));
  return {
    what: `decode only, ${values.length} of those php_serialize sessions`,
    ours: `${o.toFixed(1)} MB/s`,
    peer: 'npm php-serialize 5.x',
    peerValue: `${p.toFixed(1)} MB/s`,
    ratio: `${(o / p).toFixed(2)}× throughput`,
    budget: '≥ 3× peer',
    met: o >= 3 * p,
  };
}

/** t(4N)/t(N) of decode + canonical JSON, per case and format. */
async function scalingRows(fx: Fixtures): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [name, c] of Object.entries(SCALING)) {
    await fx.write(`${name}-1`, c.build, c.n);
    await fx.write(`${name}-4`, c.build, 4 * c.n);
    for (const format of FORMATS) {
      const time = (suffix: string): number => {
        const [v] = readValues(join(fx.dir, `${name}-${suffix}.${format}`));
        // msgpack-php stops at 1024 levels and PHP itself at 4096: raised here to time the algorithm.
        const once = (): number => decodeToJson(v!, format, 1 << 15, c.indent);
        // Warmed up, then enough calls per round for one to take ~20 ms.
        for (let i = 0; i < 3; i++) once();
        const t0 = performance.now();
        once();
        const reps = Math.max(1, Math.round(20 / Math.max(0.01, performance.now() - t0)));
        // The fastest round: a neighbour's load or a major GC slows some rounds, a quadratic path all.
        const rounds = roundsOf(() => {
          for (let i = 0; i < reps; i++) once();
        }, 3 * ROUNDS);
        return Math.min(...rounds) / reps;
      };
      const t1 = time('1');
      const t4 = time('4');
      rows.push({
        what: `scaling, ${format}: ${c.label(c.n)} → ×4${c.indent === 0 ? ' (compact JSON)' : ''}`,
        ours: `${ms(t1)} → ${ms(t4)}`,
        ratio: `${(t4 / t1).toFixed(2)}× for 4× the size`,
        // Halfway between linear and quadratic on a log scale (√(4·16)): GC on a heap four times
        // larger costs a little more than 4×, a quadratic path lands near 16×.
        budget: '< 8× (linear: 4×; quadratic: 16×)',
        met: t4 / t1 < 8,
      });
    }
  }
  return rows;
}

export async function runDecodeBench(): Promise<Row[]> {
  if (!phpAvailable()) return [{ what: 'decoding', ours: 'skipped: no php binary' }];
  const fx = fixtures();
  ({ decodeSession, sessionJson, directSessionJson } = shippedDecoders(fx.dir));
  try {
    const wanted = (process.env.BENCH_DECODE ?? 'large,small,scaling').split(',');
    const rows: Row[] = [];
    if (wanted.includes('large')) rows.push(...(await largeRows(fx)));
    if (wanted.includes('small')) rows.push(...(await smallRows(fx)));
    if (wanted.includes('scaling')) rows.push(...(await scalingRows(fx)));
    return rows;
  } finally {
    rmSync(fx.dir, { recursive: true, force: true });
  }
}

if (isMain(__filename)) {
  void runDecodeBench().then((rows) => printRows('Decoding', rows));
}
