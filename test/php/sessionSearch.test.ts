// Finding sessions by their contents (`sessions --where`), against PHP as the oracle: real PHP +
// phpredis stores sessions with every serializer (and compressed copies, phpredis lzf/zstd/lz4) in
// a real redis-server, plus values no decoder can read; PHP reads each session back and evaluates
// the same conditions with its own `==`, str_contains() and fnmatch(); the CLI must list exactly
// the sessions PHP says match, and count the undecodable ones.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { SessionQuery, parseCondition } from '../../server/src/sessions/sessionQuery.ts';
import { searchSessions } from '../../server/src/sessions/sessionSearch.ts';
import { startRedis, type RedisServer } from '../helpers/redisServer.ts';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const SERIALIZERS = ['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack'];
const PER_SERIALIZER = 60;
const COMPRESSED = 15;

/** Queries whose text is not a string's: every session is decoded (and the 3 undecodable ones counted). */
const EVERY_SESSION_DECODED = new Set(['user.id=42', 'user.id!=42', 'flags.admin=true', 'nothing.here!=1']);

/** Each entry: the --where arguments (all must hold). */
const QUERIES: string[][] = [
  ['user.id=42'],
  ['user.id=0042'],
  ['user.id=1e1'],
  ['user.id!=42'],
  ['user.email~@exämple.com'],
  ['user.email~user1*@*'],
  ['cart.*.sku=SKU-0017'],
  ['cart.*.sku~SKU-00?7'],
  ['cart.*.price=2.5'],
  ['flags.admin=true'],
  ['flags.beta=null'],
  ['prefs.theme=dark'],
  ['prefs.size~7'],
  ['prefs.__class=Prefs'],
  ['suit=Suit::Hearts'],
  ['score=2.5'],
  ['user.tags.*~beta-1'],
  ['user.id!=0', 'flags.admin=true'],
  ['nothing.here!=1'],
  ['user.name=Zoë "quoted"'],
];

// No `${` below: JS template literals.
const COMMON_PHP = String.raw`<?php
class Prefs {
    private $theme;
    protected $size;
    public $lang = 'fr';
    public function __construct($theme, $size) { $this->theme = $theme; $this->size = $size; }
}
enum Suit: string { case Hearts = 'H'; case Spades = 'S'; }
final class QName { public function __construct(public string $text) {} }

function fill(int $i, bool $enums): void {
    $_SESSION['user'] = ['id' => $i % 5 === 0 ? (string)$i : $i, 'email' => "user$i@" . ($i % 2 ? "ex\u{e4}mple.com" : 'example.org'),
        'name' => $i % 9 === 0 ? 'Zoë "quoted"' : "Name $i", 'tags' => $i % 3 ? ['alpha', "beta-$i"] : []];
    $cart = [];
    for ($k = 0; $k < $i % 4; $k++) $cart[] = ['sku' => sprintf('SKU-%04d', ($i * 7 + $k) % 40), 'qty' => $k + 1, 'price' => 2.5 * $k];
    $_SESSION['cart'] = $cart;
    $_SESSION['flags'] = ['admin' => $i % 6 === 0, 'beta' => $i % 4 ? null : 'yes'];
    $_SESSION['prefs'] = $i % 7 === 3 ? (object)['theme' => 'dark'] : new Prefs($i % 2 ? 'dark' : 'light', "size-$i");
    $_SESSION['score'] = $i / 2;
    if ($enums) $_SESSION['suit'] = $i % 3 ? Suit::Hearts : Suit::Spades;
}

function unmangle(string $name): string {
    if (strlen($name) > 2 && $name[0] === "\0") return substr($name, strpos($name, "\0", 1) + 1);
    return $name;
}
function children($v, string $seg): array {
    $out = [];
    if (is_array($v)) {
        foreach ($v as $k => $x) if ($seg === '*' || (string)$k === $seg) $out[] = $x;
    } elseif ($v instanceof UnitEnum) {
        if ($seg === '__enum') $out[] = new QName(get_class($v) . '::' . $v->name);
    } elseif (is_object($v)) {
        if ($seg === '__class') $out[] = new QName(get_class($v));
        foreach ((array)$v as $k => $x) if ($seg === '*' || unmangle((string)$k) === $seg) $out[] = $x;
    }
    return $out;
}
function reach(array $session, array $path): array {
    $level = [];
    foreach ($session as $name => $v) if ($path[0] === '*' || (string)$name === $path[0]) $level[] = $v;
    foreach (array_slice($path, 1) as $seg) {
        $next = [];
        foreach ($level as $v) if (!($v instanceof QName)) array_push($next, ...children($v, $seg));
        $level = $next;
    }
    return $level;
}
function equal($v, string $q): bool {
    if ($v instanceof QName) return $v->text === $q;
    if ($v instanceof UnitEnum) return get_class($v) . '::' . $v->name === $q;
    if (is_string($v)) return $v === $q || (is_numeric($v) && is_numeric($q) && $v == $q);
    if (is_int($v) || is_float($v)) return is_numeric($q) && $v == $q;
    if (is_bool($v)) return $q === ($v ? 'true' : 'false');
    if ($v === null) return $q === 'null';
    return false;
}
function like($v, string $q): bool {
    if ($v instanceof QName) $s = $v->text;
    elseif ($v instanceof UnitEnum) $s = get_class($v) . '::' . $v->name;
    elseif (is_string($v)) $s = $v;
    else return false;
    return preg_match('/(^|[^\\\\])[*?]/', $q) ? fnmatch($q, $s) : str_contains($s, $q);
}
function holds(array $session, string $cond): bool {
    preg_match('/^(.*?)(!=|=|~)(.*)$/s', $cond, $m);
    [, $path, $op, $q] = $m;
    $any = false;
    foreach (reach($session, explode('.', $path)) as $v) {
        if ($op === '~' ? like($v, $q) : equal($v, $q)) { $any = true; break; }
    }
    return $op === '!=' ? !$any : $any;
}
`;

const WRITE_PHP = String.raw`<?php
require __DIR__ . '/common.php';
[, $ser, $count] = $argv;
for ($i = 0; $i < (int)$count; $i++) {
    session_id("$ser-$i");
    if (!session_start()) exit(2);
    $_SESSION = [];
    fill($i, $ser !== 'msgpack');
    if (!session_write_close()) exit(3);
}
`;

/** Reads every session back the way PHP does and answers which ones match each query. */
const ORACLE_PHP = String.raw`<?php
require __DIR__ . '/common.php';
[, $ser, $count] = $argv;
$queries = json_decode(file_get_contents(__DIR__ . '/queries.json'), true);
$out = [];
for ($i = 0; $i < (int)$count; $i++) {
    session_id("$ser-$i");
    if (!session_start(['read_and_close' => true])) exit(2);
    $out["$ser-$i"] = array_map(fn ($conds) => array_reduce($conds, fn ($ok, $c) => $ok && holds($_SESSION, $c), true), $queries);
}
echo json_encode($out);
`;

/** Compressed copies (phpredis OPT_COMPRESSION) of the first sessions, and values nothing decodes. */
const EXTRAS_PHP = String.raw`<?php
[, $port, $count] = $argv;
$plain = new Redis();
$plain->connect('127.0.0.1', (int)$port);
foreach (['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack'] as $ser) {
    for ($i = 0; $i < (int)$count; $i++) {
        $raw = $plain->get("PHPREDIS_SESSION:$ser-$i");
        foreach (['lzf' => Redis::COMPRESSION_LZF, 'zstd' => Redis::COMPRESSION_ZSTD, 'lz4' => Redis::COMPRESSION_LZ4] as $name => $codec) {
            $c = new Redis();
            $c->connect('127.0.0.1', (int)$port);
            $c->setOption(Redis::OPT_COMPRESSION, $codec);
            $c->set("PHPREDIS_SESSION:$name-$ser-$i", $raw);
        }
    }
}
$plain->set('PHPREDIS_SESSION:garbage-1', 'not a session at all');
$plain->set('PHPREDIS_SESSION:garbage-2', "user|a:2:{s:2:\"id\";i:42;");
$plain->set('PHPREDIS_SESSION:garbage-3', "\x00\x00\x00\x02\x14\x01\x11\x04user\x14\xff");
echo json_encode(true);
`;

function phpReady(): boolean {
  const r = spawnSync('php', ['-r', 'echo extension_loaded("redis") && extension_loaded("msgpack") ? "ok" : "no";'], {
    encoding: 'utf8',
  });
  return r.stdout === 'ok';
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, REDIS_PASSWORD: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sessions --where, against PHP', { skip: !phpReady() && 'php with redis and msgpack is needed' }, () => {
  let server: RedisServer;
  let dir: string;
  /** Session id → one boolean per query, as PHP answers. */
  let oracle: Record<string, boolean[]>;
  let url: string;

  before(async () => {
    server = await startRedis();
    url = `tcp://127.0.0.1:${server.port}`;
    dir = mkdtempSync(join(tmpdir(), 'prs-search-'));
    writeFileSync(join(dir, 'common.php'), COMMON_PHP);
    writeFileSync(join(dir, 'write.php'), WRITE_PHP);
    writeFileSync(join(dir, 'oracle.php'), ORACLE_PHP);
    writeFileSync(join(dir, 'extras.php'), EXTRAS_PHP);
    writeFileSync(join(dir, 'queries.json'), JSON.stringify(QUERIES));
    const php = (script: string, args: string[], ser?: string): string => {
      const ini = ser
        ? [
            '-d',
            'session.save_handler=redis',
            '-d',
            `session.save_path=${url}`,
            '-d',
            `session.serialize_handler=${ser}`,
          ]
        : [];
      const r = spawnSync('php', [...ini, '-d', 'session.use_cookies=0', join(dir, script), ...args], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${script} ${args.join(' ')}: exit ${r.status}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    };
    oracle = {};
    for (const ser of SERIALIZERS) {
      php('write.php', [ser, String(PER_SERIALIZER)], ser);
      Object.assign(oracle, JSON.parse(php('oracle.php', [ser, String(PER_SERIALIZER)], ser)));
    }
    php('extras.php', [String(server.port), String(COMPRESSED)]);
    // A compressed copy holds what its source holds.
    for (const codec of ['lzf', 'zstd', 'lz4'])
      for (const ser of SERIALIZERS)
        for (let i = 0; i < COMPRESSED; i++) oracle[`${codec}-${ser}-${i}`] = oracle[`${ser}-${i}`]!;
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const expected = (q: number): string[] =>
    Object.entries(oracle)
      .filter(([, answers]) => answers[q])
      .map(([id]) => id)
      .sort();

  test('every query lists exactly what PHP says matches; undecodable values are counted', async () => {
    const total = Object.keys(oracle).length;
    for (const [q, conds] of QUERIES.entries()) {
      const r = await cli(['sessions', url, '--json', ...conds.flatMap((c) => ['--where', c])]);
      assert.equal(r.code, 0, r.stderr);
      const ids = (JSON.parse(r.stdout) as { id: string }[]).map((s) => s.id).sort();
      assert.deepEqual(ids, expected(q), conds.join(' && '));
      const m = new RegExp(`^${ids.length} of ${total + 3} sessions match(?:; (\\d+) could not be decoded|\\n)`).exec(
        r.stderr,
      );
      assert.ok(m, r.stderr);
      // Counted among the sessions that had to be decoded: all of them when no text must be there.
      const undecodable = Number(m[1] ?? 0);
      if (EVERY_SESSION_DECODED.has(conds.join())) assert.equal(undecodable, 3, conds.join());
      else assert.ok(undecodable <= 3);
    }
    // The queries are not trivial: each matches some sessions and misses others.
    for (const [q, conds] of QUERIES.entries())
      if (conds[0] !== 'nothing.here!=1') assert.ok(expected(q).length > 0 && expected(q).length < total, conds.join());
  });

  test('the same search in-process, streamed batch by batch', async () => {
    const scanner = new SessionScanner(parseConnectionTarget(url, { env: {} }), { scanCount: 100 });
    try {
      const q = QUERIES.findIndex((c) => c[0] === 'user.id=1e1');
      const query = new SessionQuery(QUERIES[q]!.map(parseCondition));
      const found: string[] = [];
      let last = { scanned: 0, matched: 0, undecodable: 0 };
      let batches = 0;
      for await (const { matches, progress } of searchSessions(scanner.listAll({ headBytes: Infinity }), query)) {
        batches++;
        assert.ok(progress.scanned >= last.scanned);
        found.push(...matches.map((m) => m.id));
        last = progress;
      }
      assert.ok(batches > 1, 'streamed');
      assert.deepEqual(found.sort(), expected(q));
      assert.equal(last.matched, found.length);
      assert.equal(last.undecodable, 3);
    } finally {
      scanner.close();
    }
  });

  test('a condition that does not parse is a usage error', async () => {
    const r = await cli(['sessions', url, '--where', 'user.id']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--where "user.id" has no operator/);
  });
});
