import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseClusterSavePath,
  parseRedisSavePath,
  printSavePath,
  savePathServerRedisUrl,
  savePathToModel,
  splitSavePath,
  type ClusterSavePath,
  type RedisSavePath,
} from '../../server/src/core/savePath.ts';
import { phpAvailable, runPhpJson } from '../helpers/php.ts';
import { joinedPieces, rng } from '../helpers/random.ts';

const one = (v: string) => {
  const r = parseRedisSavePath(v);
  assert.equal(r.servers.length, 1, v);
  return r.servers[0]!;
};

test('splitSavePath: whitespace and commas separate, spans point into the value', () => {
  const v = ' tcp://a:1, tcp://b:2\t\ntcp://c:3?x=1,,';
  const t = splitSavePath(v);
  assert.deepEqual(
    t.map((x) => x.text),
    ['tcp://a:1', 'tcp://b:2', 'tcp://c:3?x=1'],
  );
  for (const x of t) assert.equal(v.slice(x.span.start, x.span.end), x.text);
  assert.deepEqual(
    splitSavePath('tcp://h:1?auth=a b').map((x) => x.text),
    ['tcp://h:1?auth=a', 'b'],
  );
  assert.deepEqual(splitSavePath(''), []);
  assert.deepEqual(splitSavePath(' \v\f,'), []);
});

test('phpredis save_path cases', () => {
  assert.equal(one('tcp://127.0.0.1:6391?auth=s3cret').settings.auth.kind, 'password');
  const h = one('127.0.0.1:6392?database=2');
  assert.equal(h.url!.scheme, '127.0.0.1');
  assert.equal(h.address!.transport, 'tcp://6392:6379');
  assert.equal(one('tcp://:s3cret@127.0.0.1:6391').url!.pass, 's3cret');
  for (const bad of [
    'weight=0',
    'weight=-3',
    'weight=abc',
    'weight=0x10',
    'timeout=0',
    'timeout=-1',
    'timeout=abc',
    'timeout=2.5&timeout=0',
  ]) {
    assert.equal(one(`tcp://127.0.0.1:6392?${bad}`).failsToParse, true, bad);
  }
  for (const bad of [
    'tcp://127.0.0.1:99999',
    'tcp://127.0.0.1:abc',
    'tcp://:6392',
    'tcp://',
    'tcp://host:port?auth=password',
  ]) {
    assert.equal(one(bad).failReason, 'url', bad);
  }
  assert.equal(parseRedisSavePath('').openFails, true);
  assert.equal(parseRedisSavePath(' ').openFails, true);
  assert.equal(parseRedisSavePath('tcp://127.0.0.1:6392 ?weight=1').openFails, true);
  const unixBad = one('unix://tmp/redis.sock');
  assert.equal(unixBad.url!.host, 'tmp');
  assert.equal(one('tcp://127.0.0.1:6392?auth=').settings.auth.kind, 'password');
  const ok = one('tcp://127.0.0.1:6392?foo=bar&password=x&db=2&Weight=0&persistent=on&database=abc&weight=2.7');
  assert.equal(ok.failsToParse, false);
  assert.equal(ok.settings.weight, 2);
  assert.equal(ok.settings.persistent, false);
  assert.equal(ok.settings.database, 0);
});

test('settings, defaults, address', () => {
  const s = one(
    'tcp://h:1?auth[]=user&auth[]=p%2Bss&prefix=app:&timeout=2.5&read_timeout=1e1&retry_interval=100&persistent=YES&persistent_id=x&database=3#frag',
  );
  assert.deepEqual(s.settings.auth, {
    kind: 'user-password',
    user: 'user',
    userBin: 'user',
    password: 'p+ss',
    passwordBin: 'p+ss',
  });
  assert.equal(s.settings.prefix, 'app:');
  assert.equal(s.settings.timeout, 2.5);
  assert.equal(s.settings.readTimeout, 10);
  assert.equal(s.settings.retryInterval, 100n);
  assert.equal(s.settings.persistent, true);
  assert.equal(s.settings.persistentId, 'x');
  assert.equal(s.settings.database, 3);
  // The fragment is re-joined to the query: "#frag" ends up inside database's value.
  assert.equal(s.query!.fragmentJoined, true);
  assert.equal(s.params.at(-1)!.value, '3#frag');
  assert.equal(savePathServerRedisUrl(s), 'redis://user:p%2Bss@h:1/3');

  const d = one('tcp://h');
  assert.equal(d.settings.timeout, 86400);
  assert.equal(d.settings.database, -1);
  assert.equal(d.settings.weight, 1);
  assert.equal(d.settings.prefix, 'PHPREDIS_SESSION:');
  assert.deepEqual(d.settings.auth, { kind: 'none' });
  assert.equal(d.address!.port, 6379);

  const u = one('unix:///var/run/redis.sock?persistent=1');
  assert.equal(u.unixRewrite, true);
  assert.equal(u.address!.transport, 'unix:///var/run/redis.sock');
  assert.equal(one('tcp://h:0').address!.port, 6379);
  assert.equal(one('tls://[::1]:6380').address!.transport, 'tls://[::1]:6380');
  assert.equal(one('localhost').address!.transport, 'tcp://localhost:6379');
  assert.deepEqual(one('tcp://h?auth[]=a&auth[]=b&auth[]=c').settings.auth, { kind: 'array-size', count: 3 });
  assert.deepEqual(one('tcp://h?auth[x]=a').settings.auth, { kind: 'array-no-password' });
  assert.equal(one('tcp://h?weight=4294967297').settings.weight, 1); // phpredis keeps weight in a C int
  const st = one('tls://h:1?stream[verify_peer]=0&stream[0]=x');
  assert.deepEqual(st.settings.streamOptions, [['verify_peer', '0']]);
});

test('param spans are save_path offsets', () => {
  const v = 'tcp://a:1, tcp://b:2?auth=x%20y&weight=2#z';
  const s = parseRedisSavePath(v).servers[1]!;
  const [auth, weight] = s.params;
  assert.equal(v.slice(auth!.span.start, auth!.span.end), 'auth=x%20y');
  assert.equal(v.slice(auth!.valueSpan!.start, auth!.valueSpan!.end), 'x%20y');
  assert.equal(v.slice(weight!.span.start, weight!.span.end), 'weight=2#z');
  assert.equal(v.slice(s.url!.spans.host!.start, s.url!.spans.host!.end), 'b');
  assert.equal(v.slice(s.query!.span.start, s.query!.span.end), s.query!.text);
});

test('rediscluster save_path', () => {
  const c = parseClusterSavePath('seed[]=h1:7000&seed[]=h2&seed[]=h1:7000&seed[][]=x&timeout=2&failover=ERROR&auth=pw');
  assert.deepEqual(
    c.seeds.map((s) => [s.value, s.problem, s.duplicate, s.host, s.port]),
    [
      ['h1:7000', null, false, 'h1', 7000],
      ['h2', 'no-colon', false, 'h2', 0],
      ['h1:7000', null, true, 'h1', 7000],
      ['Array', 'not-string', false, '', 0],
    ],
  );
  assert.equal(c.failure, null);
  assert.equal(c.failover, 'error');
  assert.equal(c.prefix, 'PHPREDIS_CLUSTER_SESSION:');
  assert.equal(c.seeds[1]!.param!.span.start, 15);
  assert.equal(parseClusterSavePath('seed=h:1').failure, 'no-seeds');
  assert.equal(parseClusterSavePath('tcp://h:1').failure, 'no-seeds');
  assert.equal(parseClusterSavePath('seed[]=h').failure, 'no-valid-seeds');
  assert.equal(parseClusterSavePath('seed[]=h:1&read_timeout=-1').failure, 'negative-timeout');
  assert.equal(parseClusterSavePath('seed[]=h:1&timeout=abc').timeout, 0);
  assert.equal(parseClusterSavePath('seed[]=h:70000').seeds[0]!.port, 4464);
});

// ---------------------------------------------------------------------------------------------
// Differential against phpredis itself: SessionHandler::open() runs PS_OPEN_FUNC(redis) without
// connecting (the pool connects lazily), so every save_path can be tried in one PHP process.

const OPEN_PHP = (handler: string) => `
ini_set('session.save_handler', '${handler}');
$h = new class extends SessionHandler {
  public $paths = []; public $out = [];
  public function open($p, $n): bool {
    foreach ($this->paths as $path) {
      $w = [];
      set_error_handler(function ($no, $str) use (&$w) { $w[] = preg_replace('/^SessionHandler::open\\(\\): /', '', $str); return true; });
      $threw = false;
      try { $ok = parent::open($path, $n); } catch (Throwable $e) { $ok = $threw = true; $w[] = 'EXC ' . $e->getMessage(); }
      if ($ok === true && !$threw) { parent::close(); }
      restore_error_handler();
      $this->out[] = [$ok, $w];
    }
    return false;
  }
};
$h->paths = $input;
session_set_save_handler($h, false);
@session_start();
return $h->out;`;

const utf8Len = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The warnings and result phpredis 5.3.7 produces for this model. */
function expectedRedisOpen(value: string, m: RedisSavePath): [boolean, string[]] {
  const w: string[] = [];
  for (const s of m.servers) {
    if (s.failReason === 'url') {
      w.push(
        `Failed to parse session.save_path (error at offset ${utf8Len(value.slice(0, s.span.start))}, url was '${s.text}')`,
      );
      return [false, w];
    }
    if (s.settings.auth.kind === 'array-size')
      w.push('When passing an array as auth it must have one or two elements!');
    // phpredis 5.3.7 fails these silently (6.x warns "Failed to parse session.save_path").
    if (s.failsToParse) return [false, w];
  }
  return [m.servers.length > 0, w];
}

const REDIS_EDGE = [
  '',
  ' ',
  ',',
  'tcp://127.0.0.1:6379',
  'tcp://h:port',
  'tcp://h?weight=0',
  'tcp://h?weight=-3',
  'tcp://h?weight=abc',
  'tcp://h?weight=0x10',
  'tcp://h?weight=2.7',
  'tcp://h?weight=4294967296',
  'tcp://h?weight=4294967297',
  'tcp://h?weight[]=1',
  'tcp://h?weight[]',
  'tcp://h?timeout=0',
  'tcp://h?timeout=-1',
  'tcp://h?timeout=.5',
  'tcp://h?timeout=%201',
  'tcp://h?timeout=1e-400',
  'tcp://h?timeout[]=',
  'tcp://h?timeout=2.5&timeout=0',
  'tcp://h:99999',
  'tcp://h:abc',
  'tcp://:1',
  'tcp://',
  'tcp:/h',
  'unix://tmp/x.sock',
  'unix:///tmp/x.sock',
  'unix:/tmp/x.sock',
  'unix:',
  'unix:80',
  'file:///x',
  '/var/run/redis.sock',
  'localhost',
  'h:1?x',
  'tcp://h?auth[]=1&auth[]=2&auth[]=3',
  'tcp://h?auth[]=',
  'tcp://h?auth[][]=x&auth[]=y&auth[]=z',
  'tcp://a:1, tcp://b:2',
  'tcp://a:1 ?weight=1',
  'tcp://a:1? weight=1',
  'tcp://a:1,tcp://b:99999',
  'tcp://a:1?weight=0,tcp://b:99999',
  'tcp://é:1 tcp://x:99999',
  'tcp://h?#',
  'tcp://h#x?weight=0',
  'tcp://h?weight=1#&weight=0',
  '?weight=1',
  '#',
  ':',
  '//h',
  '//:1',
  'tcp://[::1]:6379',
  'x:?timeout=0',
];

const SP_PIECES = [
  'tcp://',
  'tls://',
  'unix://',
  'unix:',
  'redis://',
  '//',
  '/',
  'h',
  '127.0.0.1',
  '[::1]',
  ':',
  ':0',
  ':6379',
  ':99999',
  ':port',
  '@',
  'u:p@',
  '?',
  '#',
  '&',
  ' ',
  ',',
  'weight=',
  'timeout=',
  'auth=',
  'auth[]=',
  'database=',
  'persistent=',
  '0',
  '1',
  '-1',
  '2.5',
  'abc',
  '.5',
  '+',
  '%20',
  '%2',
  'x',
  'é',
];

function randomSavePaths(n: number, seed: number): string[] {
  return joinedPieces(SP_PIECES, n, seed, 10);
}

test(
  'differential: phpredis PS_OPEN_FUNC(redis) accepts/rejects like the model',
  { skip: !phpAvailable() && 'php not installed' },
  async () => {
    const inputs = [...REDIS_EDGE, ...randomSavePaths(500, 11)];
    const php = (await runPhpJson(OPEN_PHP('redis'), inputs)) as [boolean, string[]][];
    assert.equal(php.length, inputs.length);
    inputs.forEach((v, i) => {
      assert.deepEqual(expectedRedisOpen(v, parseRedisSavePath(v)), php[i], `save_path ${JSON.stringify(v)}`);
    });
  },
);

/** The outcome of PS_OPEN_FUNC(rediscluster) for seeds that all point at a closed local port. */
function expectedClusterOpen(m: ClusterSavePath): [boolean, string[]] {
  switch (m.failure) {
    case 'no-seeds':
      return [false, []];
    case 'negative-timeout':
      return [false, ["Can't set negative timeout values in session configuration"]];
    case 'timeout-too-large':
      return [false, ['No valid seeds detected']];
    default: {
      const w = m.seeds
        .filter((s) => s.problem)
        .map((s) =>
          s.problem === 'not-string'
            ? 'Skipping non-string entry in seeds array'
            : `Seed '${s.valueBin.split('\0')[0]}' not in host:port format, ignoring`,
        );
      if (m.failure === 'no-valid-seeds') return [false, [...w, 'No valid seeds detected']];
      return [true, [...w, "EXC Couldn't map cluster keyspace using any provided seed"]];
    }
  }
}

const CL_PIECES = [
  'seed[]=',
  'seed=',
  'seed[x]=',
  'seed[][]=',
  '127.0.0.1:1',
  '127.0.0.1',
  '127.0.0.1:',
  '&',
  '&',
  'timeout=',
  'read_timeout=',
  '-1',
  '0',
  '2',
  '3000000000',
  'abc',
  'failover=',
  'error',
  'persistent=',
  'auth=',
  'prefix=',
];

test(
  'differential: phpredis PS_OPEN_FUNC(rediscluster)',
  { skip: !phpAvailable() && 'php not installed' },
  async () => {
    const r = rng(5);
    const inputs = [
      '',
      'seed[]=127.0.0.1:1',
      'seed=127.0.0.1:1',
      'seed[]=127.0.0.1&seed[][]=x',
      'seed[]=127.0.0.1:1&timeout=-1',
    ];
    for (let i = 0; i < 150; i++) {
      let s = '';
      const k = 1 + Math.floor(r() * 8);
      for (let j = 0; j < k; j++) s += CL_PIECES[Math.floor(r() * CL_PIECES.length)]!;
      inputs.push(s);
    }
    const php = (await runPhpJson(OPEN_PHP('rediscluster'), inputs)) as [boolean, string[]][];
    inputs.forEach((v, i) => {
      // Seeds with odd host names get resolved: DNS failures are not the model's business.
      const got = [php[i]![0], php[i]![1].filter((w) => !w.startsWith('php_network_getaddresses'))];
      assert.deepEqual(expectedClusterOpen(parseClusterSavePath(v)), got, `save_path ${JSON.stringify(v)}`);
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Model printer

test('printSavePath: readable output that parses back to the same model', () => {
  const m = savePathToModel('tcp://h:1?auth=a+b&x[]=1, unix:/tmp/x.sock, host:6379, //h?a=1, file:///c:/x');
  assert.equal(printSavePath(m), 'tcp://h:1?auth=a%20b&x[]=1, unix:///tmp/x.sock, host:6379, //h?a=1, file:c:/x');
  assert.equal(
    printSavePath({
      servers: [
        {
          scheme: 'tls',
          host: 'r.example',
          port: 6380,
          params: [
            ['auth', 'p+w/#&'],
            ['timeout', '2.5'],
          ],
        },
      ],
    }),
    'tls://r.example:6380?auth=p%2Bw%2F%23%26&timeout=2.5',
  );
  assert.throws(() => printSavePath({ servers: [{ scheme: 'tcp', host: 'a b', params: [] }] }));
});

test('parse → print → parse round-trips', () => {
  const inputs = [...REDIS_EDGE, ...randomSavePaths(1500, 23)];
  for (const v of inputs) {
    const m = savePathToModel(v);
    const text = printSavePath(m);
    assert.deepEqual(savePathToModel(text), m, `${JSON.stringify(v)} printed as ${JSON.stringify(text)}`);
  }
});
