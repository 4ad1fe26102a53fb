import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lint } from '../../server/src/core/lint.ts';
import { applyFix, composer, covered, ini, only } from '../helpers/lintHelpers.ts';

const redis = (p: string): string => ini('session.save_handler = redis', `session.save_path = '${p}'`);
const F = 'composer.json';

test('placeholder-save-path: the doc template, with the Fill from Redis URL command', () => {
  for (const p of [
    'tcp://host:port?auth=password',
    'tcp://10.0.0.1:port',
    'tcp://h:6379?auth=password',
    'tcp://<host>:6379',
    'tcp://xxx:6379',
  ]) {
    const f = only(redis(p), 'placeholder-save-path');
    assert.equal(f.length, 1, p);
    assert.equal(f[0].fixes[0].command?.command, 'phpRedisSessions.fillFromRedisUrl');
    assert.equal(lint(redis(p), 'php.ini').filter((x) => x.severity === 'error').length, 1, `only one error for ${p}`);
  }
  assert.deepEqual(only(redis('tcp://hostess:6379?timeout=1'), 'placeholder-save-path'), []);
});

test('unsupported-scheme: redis:// and rediss:// converted, TCP:// lowercased', () => {
  const t = redis('redis://default:p%40ss@cache.example.com:6380/2');
  const f = only(t, 'unsupported-scheme');
  assert.equal(covered(t, f[0]), 'redis');
  assert.match(
    applyFix(t, 'unsupported-scheme'),
    /'tcp:\/\/cache\.example\.com:6380\?auth=p%40ss&database=2&timeout=2\.5'/,
  );
  const acl = redis('rediss://app:s3cret@cache.example.com:6380');
  assert.match(
    applyFix(acl, 'unsupported-scheme', 'php.ini', 1),
    /'tls:\/\/cache\.example\.com:6380\?auth%5B%5D=app&auth%5B%5D=s3cret&timeout=2\.5'|'tls:\/\/cache\.example\.com:6380\?auth\[\]=app&auth\[\]=s3cret&timeout=2\.5'/,
  );
  assert.match(
    applyFix(redis('TCP://127.0.0.1:6379?timeout=1'), 'unsupported-scheme'),
    /'tcp:\/\/127\.0\.0\.1:6379\?timeout=1'/,
  );
  for (const ok of [
    'tcp://h:1?timeout=1',
    'tls://h:1?timeout=1',
    'ssl://h:1?timeout=1',
    'unix:///run/redis.sock?timeout=1',
    '/run/redis.sock',
  ]) {
    assert.deepEqual(only(redis(ok), 'unsupported-scheme'), [], ok);
  }
});

test('params-without-scheme: host:port?params; fix prepends tcp://', () => {
  const t = redis('127.0.0.1:6379?database=5&timeout=1');
  assert.equal(covered(t, only(t, 'params-without-scheme')[0]), '127.0.0.1:6379?database=5&timeout=1');
  assert.match(applyFix(t, 'params-without-scheme'), /'tcp:\/\/127\.0\.0\.1:6379\?database=5&timeout=1'/);
  assert.deepEqual(only(redis('127.0.0.1:6379'), 'params-without-scheme'), []);
});

test('userinfo-ignored: credentials before @ moved to auth', () => {
  const t = redis('tcp://:s3cret@127.0.0.1:6379?timeout=1');
  assert.equal(covered(t, only(t, 'userinfo-ignored')[0]), ':s3cret@');
  assert.match(applyFix(t, 'userinfo-ignored'), /'tcp:\/\/127\.0\.0\.1:6379\?timeout=1&auth=s3cret'/);
  const u = redis('tcp://app:s3cret@127.0.0.1:6379');
  assert.match(
    applyFix(u, 'userinfo-ignored', 'php.ini', 1),
    /'tcp:\/\/127\.0\.0\.1:6379\?auth\[\]=app&auth\[\]=s3cret'/,
  );
});

test('malformed-url: bad ports, no host, one slash, relative unix socket', () => {
  for (const p of [
    'tcp://127.0.0.1:99999',
    'tcp://127.0.0.1:abc',
    'tcp://:6379',
    'tcp://',
    'tcp:/127.0.0.1',
    'unix://tmp/redis.sock',
  ]) {
    assert.equal(only(redis(p), 'malformed-url').length, 1, p);
  }
  assert.deepEqual(only(redis('tcp://127.0.0.1:6379?timeout=1'), 'malformed-url'), []);
  const zero = only(redis('tcp://127.0.0.1:0?timeout=1'), 'invalid-param-value');
  assert.equal(zero.length, 1, 'port 0 is a warning');
});

test('separator-in-path: bogus splits vs a real pool', () => {
  const a = redis('tcp://127.0.0.1:6379 ?weight=1');
  assert.equal(covered(a, only(a, 'separator-in-path')[0]), ' ');
  assert.match(applyFix(a, 'separator-in-path'), /'tcp:\/\/127\.0\.0\.1:6379\?weight=1'/);
  const b = redis('tcp://127.0.0.1:6379?prefix=my app&timeout=1');
  assert.match(applyFix(b, 'separator-in-path'), /prefix=my%20app&timeout=1/);
  const c = redis('tcp://127.0.0.1:6379?auth=a,b&timeout=1');
  assert.match(applyFix(c, 'separator-in-path'), /auth=a%2Cb&timeout=1/);
  assert.deepEqual(only(redis('tcp://a:1?timeout=1, tcp://b:2?timeout=1'), 'separator-in-path'), []);
  assert.deepEqual(only(redis('tcp://a:1?timeout=1 tcp://b:2?timeout=1,unix:///s.sock'), 'separator-in-path'), []);
});

test('invalid-weight and invalid-timeout follow PHP number rules', () => {
  for (const w of ['0', '-3', 'abc', '0x10'])
    assert.equal(only(redis(`tcp://h:1?timeout=1&weight=${w}`), 'invalid-weight').length, 1, w);
  for (const w of ['1', '5', '2.7', '2abc'])
    assert.deepEqual(only(redis(`tcp://h:1?timeout=1&weight=${w}`), 'invalid-weight'), [], w);
  assert.deepEqual(only(redis('tcp://h:1?timeout=1&weight=2.7'), 'invalid-param-value').length, 1);
  for (const t of ['0', '-1', 'abc'])
    assert.equal(only(redis(`tcp://h:1?timeout=${t}`), 'invalid-timeout').length, 1, t);
  for (const t of ['1e3', '.5', '2.5'])
    assert.deepEqual(only(redis(`tcp://h:1?timeout=${t}`), 'invalid-timeout'), [], t);
  // the later duplicate wins
  assert.equal(only(redis('tcp://h:1?timeout=2.5&timeout=0'), 'invalid-timeout').length, 1);
  assert.match(applyFix(redis('tcp://h:1?timeout=0'), 'invalid-timeout'), /timeout=2\.5'/);
  assert.match(applyFix(redis('tcp://h:1?timeout=1&weight=0'), 'invalid-weight'), /weight=1'/);
});

test('invalid-param-value: read_timeout, retry_interval, database, persistent=on', () => {
  const v = (q: string): number => only(redis(`tcp://h:1?timeout=1&${q}`), 'invalid-param-value').length;
  assert.equal(v('read_timeout=-1'), 1);
  assert.equal(v('read_timeout=abc'), 1);
  assert.equal(v('retry_interval=1.5'), 1);
  assert.equal(v('database=abc'), 1);
  assert.equal(v('database=-1'), 1);
  assert.equal(v('persistent=on'), 1);
  for (const ok of [
    'read_timeout=2.5',
    'retry_interval=100',
    'database=3',
    'persistent=1',
    'persistent=yes',
    'persistent=false',
  ])
    assert.equal(v(ok), 0, ok);
  assert.match(applyFix(redis('tcp://h:1?timeout=1&persistent=on'), 'invalid-param-value'), /persistent=1'/);
});

test('empty-auth and auth-array-size', () => {
  assert.match(applyFix(redis('tcp://h:1?auth=&timeout=1'), 'empty-auth'), /'tcp:\/\/h:1\?timeout=1'/);
  assert.equal(only(redis('tcp://h:1?timeout=1&auth[]=a&auth[]=b&auth[]=c'), 'auth-array-size').length, 1);
  assert.deepEqual(only(redis('tcp://h:1?timeout=1&auth[]=a&auth[]=b'), 'auth-array-size'), []);
  assert.deepEqual(only(redis('tcp://h:1?timeout=1&auth=x'), 'empty-auth'), []);
});

test('unknown-param with renames; duplicate-param; plus-in-value; stream-without-tls', () => {
  const t = redis('tcp://h:1?timeout=1&password=x&db=2');
  assert.deepEqual(
    only(t, 'unknown-param').map((f) => covered(t, f)),
    ['password', 'db'],
  );
  assert.match(applyFix(t, 'unknown-param'), /auth=x&db=2/);
  assert.match(applyFix(redis('tcp://h:1?timeout=1&Weight=0'), 'unknown-param'), /weight=0/);
  const d = redis('tcp://h:1?prefix=a:&timeout=1&prefix=b:');
  assert.match(applyFix(d, 'duplicate-param'), /'tcp:\/\/h:1\?timeout=1&prefix=b:'/);
  assert.match(applyFix(redis('tcp://h:1?timeout=1&auth=a+b'), 'plus-in-value'), /auth=a%2Bb/);
  assert.match(applyFix(redis('tcp://h:1?timeout=1&stream[verify_peer]=0'), 'stream-without-tls'), /'tls:\/\/h:1/);
  assert.deepEqual(only(redis('tls://h:1?timeout=1&stream[verify_peer]=0'), 'stream-without-tls'), []);
});

test('no-timeout and hardcoded-credentials are information', () => {
  const t = redis('tcp://h:1?auth=s3cret');
  const nt = only(t, 'no-timeout');
  assert.equal(nt[0].severity, 'information');
  assert.match(applyFix(t, 'no-timeout'), /'tcp:\/\/h:1\?auth=s3cret&timeout=2\.5'/);
  assert.match(applyFix(redis('tcp://h:1'), 'no-timeout'), /'tcp:\/\/h:1\?timeout=2\.5'/);
  const hc = only(t, 'hardcoded-credentials');
  assert.equal(covered(t, hc[0]), 's3cret');
  assert.doesNotMatch(hc[0].message, /s3cret/, 'the message never repeats the secret');
});

test('ranges are exact inside JSON strings with escapes', () => {
  const plain = composer(['session.save_handler = redis', "session.save_path = 'tcp://h:1?timeout=1&weight=0'"]);
  assert.equal(covered(plain, only(plain, 'invalid-weight', F)[0]), 'weight=0');
  // a \" and a \u0027 before the parameter shift nothing
  const escaped =
    '{"require": {"ext-redis": "*"}, "extra": {"paas": {"php-config": ["session.save_handler = redis", "session.save_path = \\"tcp://h:1?prefix=\\u0027x&timeout=1&weight=0\\""]}}}';
  JSON.parse(escaped);
  const g = only(escaped, 'invalid-weight', F);
  assert.equal(covered(escaped, g[0]), 'weight=0');
  const fixed = applyFix(escaped, 'invalid-weight', F);
  assert.match(JSON.parse(fixed).extra.paas['php-config'][1], /weight=1"$/);
});

test('rediscluster: seeds, bad seeds, timeouts, ignored params, failover', () => {
  const c = (p: string): string => ini('session.save_handler = rediscluster', `session.save_path = '${p}'`);
  assert.equal(only(c('timeout=2'), 'cluster-missing-seeds').length, 1);
  assert.match(applyFix(c('seed=h:7000&timeout=2'), 'cluster-missing-seeds'), /'seed\[\]=h:7000&timeout=2'/);
  const bad = c('seed[]=h1:7000&seed[]=h2');
  assert.equal(covered(bad, only(bad, 'cluster-bad-seed')[0]), 'h2');
  assert.equal(only(c('seed[]=h1:7000&seed[]=h2:abc'), 'cluster-bad-seed').length, 1);
  assert.equal(only(c('seed[]=h1:7000&seed[]=h2:'), 'cluster-bad-seed').length, 1);
  assert.equal(only(c('seed[]=h:1&timeout=-1'), 'invalid-timeout').length, 1);
  assert.equal(only(c('seed[]=h:1&read_timeout=abc'), 'invalid-param-value').length, 1);
  assert.match(applyFix(c('seed[]=h:1&database=2&timeout=2'), 'cluster-param-ignored'), /'seed\[\]=h:1&timeout=2'/);
  assert.equal(only(c('seed[]=h:1&failover=replica'), 'invalid-param-value').length, 1);
  assert.deepEqual(
    lint(c('seed[]=h1:7000&seed[]=h2:7001&timeout=2&read_timeout=2&failover=error&persistent=1'), 'php.ini'),
    [],
  );
});

test('other settings: lock-without-expire, invalid-compression, invalid-gc-maxlifetime', () => {
  const lock = ini('redis.session.locking_enabled = 1');
  assert.match(applyFix(lock, 'lock-without-expire'), /redis\.session\.lock_expire = 30/);
  assert.equal(
    only(ini('redis.session.locking_enabled = 1', 'redis.session.lock_expire = 0'), 'lock-without-expire').length,
    1,
  );
  assert.deepEqual(
    only(ini('redis.session.locking_enabled = 1', 'redis.session.lock_expire = 10'), 'lock-without-expire'),
    [],
  );
  assert.deepEqual(only(ini('redis.session.locking_enabled = 0'), 'lock-without-expire'), []);
  assert.equal(only(ini('redis.session.compression = gzip'), 'invalid-compression').length, 1);
  assert.deepEqual(only(ini('redis.session.compression = ZSTD'), 'invalid-compression'), []);
  for (const v of ['0', '-5', '1h', '1.5'])
    assert.equal(only(ini(`session.gc_maxlifetime = ${v}`), 'invalid-gc-maxlifetime').length, 1, v);
  assert.deepEqual(only(ini('session.gc_maxlifetime = 86400'), 'invalid-gc-maxlifetime'), []);
});

test('php-fpm pool files: only php_value lines are read', () => {
  const pool = [
    '[www]',
    'listen = /run/php/fpm.sock',
    'pm = dynamic',
    'php_admin_value[session.save_handler] = redis',
    'php_admin_value[session.save_path] = "tcp://h:1?weight=0&timeout=1"',
    '',
  ].join('\n');
  const ids = lint(pool, 'www.conf').map((f) => f.rule);
  assert.deepEqual(ids, ['invalid-weight']);
});

test('from the PHP differential run: what PHP accepts and refuses', () => {
  const errors = (p: string, handler = 'redis'): string[] =>
    lint(ini(`session.save_handler = ${handler}`, `session.save_path = "${p}"`), 'php.ini')
      .filter((f) => f.severity === 'error')
      .map((f) => f.rule);
  // works in PHP: unbracketed IPv6, a separator after an empty value, a host:port pool member, a user key alone
  assert.deepEqual(errors('tcp://::1:6379?timeout=1'), []);
  assert.deepEqual(errors('tcp://h:1?timeout=1&persistent_id= , tcp://h:2?timeout=1'), []);
  assert.deepEqual(errors('tcp://h:1?timeout=1, 127.0.0.1:6380'), []);
  assert.deepEqual(errors('tcp://h:1?timeout=1&user=alice'), []);
  // fails in PHP
  assert.deepEqual(errors('tcp://h:63x9?timeout=1'), ['malformed-url']);
  assert.deepEqual(errors('tcp://h:1?timeout=1&prefix[]=a'), ['invalid-param-value']);
  assert.deepEqual(errors('tcp://h:1?timeout=1&auth[user]=alice'), ['auth-array-size']);
  assert.deepEqual(errors('tcp://h:1?timeout=1&auth[][]=pw'), ['auth-array-size']);
  assert.deepEqual(errors('tCP:/h:1'), ['malformed-url']);
  assert.deepEqual(errors('seed[]=h:7000:1', 'rediscluster'), ['cluster-bad-seed']);
  // a port with trailing junk still reaches the digits: a warning
  assert.deepEqual(only(redis('tcp://h:6379x?timeout=1'), 'invalid-param-value').length, 1);
  assert.deepEqual(errors('tcp://h:6379x?timeout=1'), []);
  // `auth=secret` is a password, not a placeholder
  assert.deepEqual(only(redis('tcp://h:1?timeout=1&auth=secret'), 'placeholder-save-path'), []);
});

test('${VAR} inside a save_path: the rest is still checked, nothing is said about the variable', () => {
  const t = ini(
    'session.save_handler = redis',
    'session.save_path = "tcp://${REDIS_HOST}:6379 ?timeout=${T}&auth=${PW}"',
  );
  assert.deepEqual(
    lint(t, 'php.ini').map((f) => f.rule),
    ['separator-in-path'],
  );
  assert.deepEqual(
    lint(ini('session.save_handler = redis', 'session.save_path = "tcp://${H}:6379?timeout=${T}"'), 'php.ini'),
    [],
  );
  const mismatch = ini('session.save_handler = rediscluster', 'session.save_path = "tcp://${H}:6379"');
  assert.deepEqual(
    lint(mismatch, 'php.ini').map((f) => f.rule),
    ['handler-path-mismatch'],
  );
  const leadingComma = ini('session.save_handler = files', 'session.save_path = ", tcp://h:1"');
  assert.ok(lint(leadingComma, 'php.ini').some((f) => f.rule === 'handler-path-mismatch'));
});

test('placeholder-save-path: every form of save_path, cluster seeds and auth= included, one finding each', () => {
  const cluster = (p: string): string => ini('session.save_handler = rediscluster', `session.save_path = '${p}'`);
  const cases: [string, string, string][] = [
    [cluster('seed[]=<host>:6379&seed[]=10.0.0.2:6379'), 'seed', '<host>'],
    [cluster('seed[]=host1:port1&seed[]=host2:port2&timeout=2'), 'seed', 'port1'],
    [cluster('seed[]=10.0.0.1:7000&auth={{ redis_password }}'), 'auth', '{{ redis_password }}'],
    [redis('host:6379'), 'no scheme', 'host'],
    [redis('<redis-host>:6379?timeout=2'), 'no scheme', '<redis-host>'],
    [redis('tcp://{{ redis_host }}:6379?timeout=2'), 'template with blanks', '{{ redis_host }}'],
    [redis('tcp://%REDIS_HOST%:6379?timeout=2'), 'Symfony/Windows style', '%REDIS_HOST%'],
    [redis('tcp://10.0.0.1:6379?timeout=2&auth=REDIS_PASSWORD'), 'env name as the password', 'REDIS_PASSWORD'],
    [redis('tcp://10.0.0.1:6379?timeout=2&auth[]=app&auth[]=<password>'), 'ACL pair', '<password>'],
    [redis('tcp://10.0.0.1:REDIS_PORT?timeout=2'), 'port', 'REDIS_PORT'],
  ];
  for (const [text, what, placeholder] of cases) {
    const errors = lint(text, 'php.ini').filter((f) => f.severity === 'error');
    assert.deepEqual(
      errors.map((f) => f.rule),
      ['placeholder-save-path'],
      `${what}: ${text}`,
    );
    assert.equal(covered(text, errors[0]), placeholder, what);
  }
  // `${REDIS_PASSWORD}` is the form PHP expands: said so when the placeholder reads like a variable name.
  assert.match(only(cases[7][0], 'placeholder-save-path')[0].message, /"\$\{REDIS_PASSWORD\}" inside double quotes/);
  // A prefix may hold anything; hosts named like a service are real hosts.
  for (const p of [
    'tcp://10.0.0.1:6379?timeout=2&prefix=<app>',
    'tcp://redis:6379?timeout=2',
    'tcp://host1:6379?timeout=2',
  ])
    assert.deepEqual(only(redis(p), 'placeholder-save-path'), [], p);
});

test('separator-in-path: a blank between host and port splits the server; the fix joins them', () => {
  for (const [p, fixed] of [
    ['tcp://10.0.0.1: 6379?timeout=2', "'tcp://10.0.0.1:6379?timeout=2'"],
    ['tcp://10.0.0.1 :6379?timeout=2', "'tcp://10.0.0.1:6379?timeout=2'"],
    ['tcp://10.0.0.1 6379', "'tcp://10.0.0.1:6379'"],
  ]) {
    const f = only(redis(p), 'separator-in-path');
    assert.equal(f.length, 1, p);
    assert.ok(applyFix(redis(p), 'separator-in-path').includes(fixed), p);
  }
});

test('hardcoded-credentials: a ${VAR} password is not one, whatever surrounds it', () => {
  const path = (p: string): string => ini('session.save_handler = redis', `session.save_path = "${p}"`);
  for (const p of [
    'tcp://h:1?auth=${REDIS_PASSWORD}&timeout=1',
    'tcp://h:1?auth=pw${SUFFIX}&timeout=1',
    'tcp://h:1?auth=${P}pw&timeout=1',
    'tcp://h:1?auth[]=u&auth[]=${P}&timeout=1',
  ])
    assert.deepEqual(only(path(p), 'hardcoded-credentials'), [], p);
  // A variable elsewhere in the path leaves a written password a written password.
  for (const p of ['tcp://${REDIS_HOST}:1?auth=s3cret&timeout=1', 'tcp://h:${PORT}?auth=s3cret&timeout=${T}']) {
    for (const [text, file] of [
      [path(p), 'php.ini'],
      [composer(['session.save_handler = redis', `session.save_path = "${p}"`]), F],
    ]) {
      const f = only(text, 'hardcoded-credentials', file);
      assert.equal(f.length, 1, p);
      assert.equal(covered(text, f[0]), 's3cret');
    }
  }
});
