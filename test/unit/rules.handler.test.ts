import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFix, composer, covered, ini, only, rules } from '../helpers/lintHelpers.ts';

const path = "session.save_path = 'tcp://127.0.0.1:6379?timeout=2.5'";

test('unknown-save-handler: typos and confusions get a did-you-mean and a fix', () => {
  const cases: [string, string][] = [
    ['reddis', 'redis'],
    ['phpredis', 'redis'],
    ['predis', 'redis'],
    ['rediss', 'redis'],
    ['redis-cluster', 'rediscluster'],
    ['redis_cluster', 'rediscluster'],
    ['file', 'files'],
  ];
  for (const [typo, want] of cases) {
    const text = ini(`session.save_handler = ${typo}`, path);
    const f = only(text, 'unknown-save-handler');
    assert.equal(f.length, 1, typo);
    assert.equal(covered(text, f[0]), typo);
    assert.match(applyFix(text, 'unknown-save-handler'), new RegExp(`^session\\.save_handler = ${want}$`, 'm'), typo);
  }
  const quoted = ini('session.save_handler = " redis"', path);
  assert.match(applyFix(quoted, 'unknown-save-handler'), /^session\.save_handler = "redis"$/m);
});

test('unknown-save-handler: valid names in any case are quiet', () => {
  for (const h of ['redis', 'Redis', 'REDIS', 'rediscluster', 'RedisCluster', 'files', 'memcached', 'memcache', 'mm']) {
    assert.deepEqual(only(ini(`session.save_handler = ${h}`), 'unknown-save-handler'), [], h);
  }
});

test('user-save-handler', () => {
  assert.equal(only(ini('session.save_handler = user'), 'user-save-handler').length, 1);
  assert.deepEqual(only(ini('session.save_handler = files'), 'user-save-handler'), []);
});

test('handler-path-mismatch: each pairing, fix switches the handler', () => {
  const cases: [string, string, string][] = [
    ['files', "'tcp://127.0.0.1:6379'", 'redis'],
    ['files', "'unix:///run/redis.sock'", 'redis'],
    ['files', "'seed[]=127.0.0.1:7000'", 'rediscluster'],
    ['redis', "'seed[]=127.0.0.1:7000&seed[]=127.0.0.1:7001'", 'rediscluster'],
    ['rediscluster', "'tcp://127.0.0.1:6379'", 'redis'],
    ['redis', '/var/lib/php/sessions', 'files'],
  ];
  for (const [handler, p, want] of cases) {
    const text = ini(`session.save_handler = ${handler}`, `session.save_path = ${p}`);
    const f = only(text, 'handler-path-mismatch');
    assert.equal(f.length, 1, `${handler} ${p}`);
    assert.equal(covered(text, f[0]), handler);
    assert.match(applyFix(text, 'handler-path-mismatch'), new RegExp(`^session\\.save_handler = ${want}$`, 'm'));
  }
  for (const [handler, p] of [
    ['redis', "'tcp://127.0.0.1:6379'"],
    ['redis', '/var/run/redis/redis.sock'],
    ['rediscluster', "'seed[]=h:1'"],
    ['files', '/var/lib/php/sessions'],
    ['files', '"2;/var/lib/php/sessions"'],
  ]) {
    assert.deepEqual(
      only(ini(`session.save_handler = ${handler}`, `session.save_path = ${p}`), 'handler-path-mismatch'),
      [],
      `${handler} ${p}`,
    );
  }
});

test('handler-path-mismatch: a redis path with no handler at all (PHP keeps files)', () => {
  const text = composer(["session.save_path = 'tcp://127.0.0.1:6379?timeout=2.5'"]);
  const fixed = applyFix(text, 'handler-path-mismatch', 'composer.json');
  assert.deepEqual(JSON.parse(fixed).extra.paas['php-config'], [
    "session.save_path = 'tcp://127.0.0.1:6379?timeout=2.5'",
    'session.save_handler = redis',
  ]);
});

test('missing-save-path: absent or blank; fix inserts a template', () => {
  const text = composer(['session.save_handler = redis']);
  const f = only(text, 'missing-save-path', 'composer.json');
  assert.equal(covered(text, f[0]), 'redis');
  const fixed = JSON.parse(applyFix(text, 'missing-save-path', 'composer.json')).extra.paas['php-config'];
  assert.equal(fixed.length, 2);
  assert.match(fixed[1], /^session\.save_path = 'tcp:\/\/host:port/);
  assert.equal(only(ini('session.save_handler = redis', "session.save_path = ''"), 'missing-save-path').length, 1);
  assert.equal(
    only(ini('session.save_handler = rediscluster', 'session.save_path = "  "'), 'missing-save-path').length,
    1,
  );
  assert.deepEqual(only(ini('session.save_handler = files'), 'missing-save-path'), []);
  assert.deepEqual(only(ini('session.save_handler = redis', path), 'missing-save-path'), []);
});

test('unknown-serialize-handler: json is not one; nearest valid', () => {
  const text = ini('session.serialize_handler = json');
  assert.match(applyFix(text, 'unknown-serialize-handler'), /= php_serialize$/m);
  assert.match(applyFix(ini('session.serialize_handler = igbinar'), 'unknown-serialize-handler'), /= igbinary$/m);
  for (const s of ['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack', 'PHP']) {
    assert.deepEqual(only(ini(`session.serialize_handler = ${s}`), 'unknown-serialize-handler'), [], s);
  }
});

test('a ${VAR} handler is unknown until run time: no handler findings', () => {
  assert.deepEqual(rules(ini('session.save_handler = "${HANDLER}"', 'session.save_path = "${P}"')), []);
});
