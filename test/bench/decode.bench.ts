// Decoding throughput on real PHP sessions. PHP 8 writes a realistic set of sessions with
// serialize_handler=php_serialize (serialize($_SESSION): logins, carts, flash bags, CSRF tokens,
// Symfony-style attribute bags, stdClass objects, unicode, floats); the same bytes are decoded by
//  - ours: decodeSession() with serializer detection (the tree view's default, "auto");
//  - the npm php-serialize package (unserialize(Buffer, {}, { strict: false })) — budget ≥ 3× its throughput;
//  - PHP's own unserialize() in a php process (reported).
import { phpAvailable, runPhpJson } from '../helpers/php.ts';
import { decodeSession } from '../../server/src/sessions/sessionFormats.ts';
import { isMain, median, printRows, type Row } from './common.ts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const phpSerialize = require('php-serialize') as {
  unserialize(item: Buffer | string, scope?: object, options?: { strict?: boolean }): unknown;
};

const COUNT = Number(process.env.BENCH_SESSIONS_DECODE ?? 3000);
const ROUNDS = 9;

/** The PHP side: builds COUNT sessions and returns serialize($_SESSION) of each, base64. */
const MAKE_SESSIONS = String.raw`
mt_srand(42);
$out = [];
$names = ["Zoë", "José", "Ünal", "李雷", "Ana", "Bob", "Chloé", "Dmitri"];
for ($i = 0; $i < $input; $i++) {
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
  $out[] = base64_encode(serialize($s));
}
return $out;
`;

/** PHP's unserialize() over the same values, ROUNDS rounds; ns per round. */
const PHP_UNSERIALIZE = String.raw`
$vals = array_map('base64_decode', $input['values']);
$rounds = [];
for ($w = 0; $w < 2; $w++) foreach ($vals as $v) unserialize($v);
for ($r = 0; $r < $input['rounds']; $r++) {
  $t0 = hrtime(true);
  foreach ($vals as $v) { $x = unserialize($v); }
  $rounds[] = hrtime(true) - $t0;
}
return $rounds;
`;

export async function makeSessions(count = COUNT): Promise<Buffer[]> {
  const b64 = (await runPhpJson(MAKE_SESSIONS, count)) as string[];
  return b64.map((s) => Buffer.from(s, 'base64'));
}

function roundsOf(fn: () => void, rounds: number): number[] {
  fn();
  fn();
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function runDecodeBench(): Promise<Row[]> {
  if (!phpAvailable()) return [{ what: 'decoding', ours: 'skipped: no php binary' }];
  const values = await makeSessions();
  const totalBytes = values.reduce((n, b) => n + b.length, 0);
  // Both decoders must accept every value for the comparison to be fair.
  for (const v of values) {
    const d = decodeSession(v);
    if (d.serializer !== 'php_serialize') throw new Error(`detected ${d.serializer}`);
    phpSerialize.unserialize(v, {}, { strict: false });
  }
  const ours: number[] = [];
  const peer: number[] = [];
  // Interleaved rounds so machine noise hits both alike.
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(
      ...roundsOf(() => {
        for (const v of values) decodeSession(v);
      }, 1),
    );
    peer.push(
      ...roundsOf(() => {
        for (const v of values) phpSerialize.unserialize(v, {}, { strict: false });
      }, 1),
    );
  }
  const phpNs = (await runPhpJson(PHP_UNSERIALIZE, {
    values: values.map((v) => v.toString('base64')),
    rounds: ROUNDS,
  })) as number[];
  const mbps = (msPerRound: number): number => totalBytes / 1048576 / (msPerRound / 1000);
  const o = mbps(median(ours));
  const p = mbps(median(peer));
  const ph = mbps(median(phpNs) / 1e6);
  const per = (x: number): string =>
    `${x.toFixed(1)} MB/s (${Math.round((values.length * x * 1048576) / totalBytes / 1000)}k sessions/s)`;
  const what = `decode ${values.length} real PHP sessions (php_serialize, avg ${Math.round(totalBytes / values.length)} B), median of ${ROUNDS} rounds`;
  return [
    {
      what,
      ours: per(o),
      peer: 'npm php-serialize 5.x',
      peerValue: per(p),
      ratio: `${(o / p).toFixed(2)}× throughput`,
      budget: '≥ 3× peer',
      met: o >= 3 * p,
    },
    {
      what: 'same values against PHP 8 itself',
      ours: per(o),
      peer: "PHP's unserialize() (php-cli, same values)",
      peerValue: per(ph),
      ratio: `${(o / ph).toFixed(2)}× throughput`,
      budget: 'report',
    },
  ];
}

if (isMain(__filename)) {
  void runDecodeBench().then((rows) => printRows('Decoding', rows));
}
