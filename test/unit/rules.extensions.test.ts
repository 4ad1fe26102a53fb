import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFix, composer, covered, only, rules } from '../helpers/lintHelpers.ts';

const F = 'composer.json';
const redis = ['session.save_handler = redis', "session.save_path = 'tcp://h:1?timeout=2.5'"];

test('missing-ext-redis: added to an existing require in Composer sort order', () => {
  const text = composer(redis, { require: { php: '^8.2', 'ext-json': '*', 'symfony/console': '^7' } });
  const f = only(text, 'missing-ext-redis', F);
  assert.equal(covered(text, f[0]), 'redis');
  const fixed = applyFix(text, 'missing-ext-redis', F);
  assert.deepEqual(Object.keys(JSON.parse(fixed).require), ['php', 'ext-json', 'ext-redis', 'symfony/console']);
  // indentation kept: the new line looks like its neighbours
  assert.match(fixed, /\n {8}"ext-json": "\*",\n {8}"ext-redis": "\*",\n {8}"symfony\/console"/);
});

test('missing-ext-redis: unsorted require gets it after the last platform package', () => {
  const text = composer(redis, { require: { 'symfony/console': '^7', php: '^8.2', 'acme/x': '1' } });
  assert.deepEqual(Object.keys(JSON.parse(applyFix(text, 'missing-ext-redis', F)).require), [
    'symfony/console',
    'php',
    'ext-redis',
    'acme/x',
  ]);
});

test('missing-ext-redis: creates require when absent, after name/description, in the file indentation', () => {
  const text =
    '{\n  "name": "acme/app",\n  "description": "x",\n  "extra": {\n    "paas": {\n      "php-config": ["session.save_handler = redis", "session.save_path = \'tcp://h:1?timeout=1\'"]\n    }\n  }\n}\n';
  const fixed = applyFix(text, 'missing-ext-redis', F);
  assert.deepEqual(Object.keys(JSON.parse(fixed)), ['name', 'description', 'require', 'extra']);
  assert.match(fixed, /"description": "x",\n {2}"require": \{\n {4}"ext-redis": "\*"\n {2}\},\n {2}"extra"/);
});

test('missing-ext-redis: empty require object, tabs, CRLF', () => {
  const text =
    '{\r\n\t"require": {},\r\n\t"extra": {"paas": {"php-config": ["session.save_handler = rediscluster", "session.save_path = \'seed[]=h:1\'"]}}\r\n}\r\n';
  const fixed = applyFix(text, 'missing-ext-redis', F);
  assert.deepEqual(JSON.parse(fixed).require, { 'ext-redis': '*' });
  assert.match(fixed, /"require": \{\r\n\t\t"ext-redis": "\*"\r\n\t\}/);
});

test('missing-ext-redis: quiet when required (any case), or when the handler is not redis', () => {
  assert.deepEqual(only(composer(redis, { require: { 'ext-redis': '^6' } }), 'missing-ext-redis', F), []);
  assert.deepEqual(only(composer(redis, { require: { 'EXT-REDIS': '*' } }), 'missing-ext-redis', F), []);
  assert.deepEqual(only(composer(['session.save_handler = files'], { require: {} }), 'missing-ext-redis', F), []);
  // ini files have no require: the rule is composer-only
  assert.deepEqual(only(redis.join('\n'), 'missing-ext-redis'), []);
});

test('ext-redis-dev-only: moved from require-dev to require with its constraint', () => {
  const text = composer(redis, {
    require: { php: '^8.2' },
    requireDev: { 'ext-redis': '^6.0', 'phpunit/phpunit': '^11' },
  });
  const f = only(text, 'ext-redis-dev-only', F);
  assert.equal(covered(text, f[0]), '"ext-redis"');
  assert.deepEqual(only(text, 'missing-ext-redis', F), []);
  const json = JSON.parse(applyFix(text, 'ext-redis-dev-only', F));
  assert.deepEqual(json.require, { php: '^8.2', 'ext-redis': '^6.0' });
  assert.deepEqual(json['require-dev'], { 'phpunit/phpunit': '^11' });
});

test('ext-redis-platform-only: config.platform fakes it; fix requires it', () => {
  const text = composer(redis, { require: { php: '^8.2' }, platform: { 'ext-redis': '6.3.0' } });
  assert.equal(only(text, 'ext-redis-platform-only', F).length, 1);
  assert.deepEqual(JSON.parse(applyFix(text, 'ext-redis-platform-only', F)).require, { php: '^8.2', 'ext-redis': '*' });
  // "ext-redis": false in platform disables the package: that is the plain missing case
  const disabled = composer(redis, { require: { php: '^8.2' }, platform: { 'ext-redis': false } });
  assert.deepEqual(only(disabled, 'ext-redis-platform-only', F), []);
  assert.equal(only(disabled, 'missing-ext-redis', F).length, 1);
});

test('missing-serializer-extension: igbinary / msgpack need their extension in require', () => {
  for (const s of ['igbinary', 'msgpack']) {
    const text = composer([...redis, `session.serialize_handler = ${s}`]);
    assert.deepEqual(JSON.parse(applyFix(text, 'missing-serializer-extension', F)).require, {
      php: '^8.2',
      [`ext-${s}`]: '*',
      'ext-redis': '*',
    });
    assert.deepEqual(
      only(
        composer([...redis, `session.serialize_handler = ${s}`], { require: { [`ext-${s}`]: '*', 'ext-redis': '*' } }),
        'missing-serializer-extension',
        F,
      ),
      [],
    );
  }
  assert.deepEqual(
    only(composer([...redis, 'session.serialize_handler = php_serialize']), 'missing-serializer-extension', F),
    [],
  );
});

test('a require that is not an object gets no (corrupting) fix', () => {
  const text =
    '{"require": ["ext-redis"], "extra": {"paas": {"php-config": ["session.save_handler = redis", "session.save_path = \'tcp://h:1?timeout=1\'"]}}}';
  const f = only(text, 'missing-ext-redis', F);
  assert.equal(f.length, 1);
  assert.deepEqual(f[0].fixes, []);
});

test('missing-ext-redis: a misspelled handler meant as redis still needs ext-redis', () => {
  const t = composer(['session.save_handler = reddis', 'session.save_path = "tcp://10.0.0.1:6379?timeout=2"'], {
    require: { php: '^8.2' },
  });
  assert.deepEqual(rules(t, 'composer.json').sort(), ['missing-ext-redis', 'unknown-save-handler']);
  assert.match(only(t, 'missing-ext-redis', 'composer.json')[0]!.message, /meant to be redis/);
  // The save_path's shape decides when the name says nothing.
  const cluster = composer(['session.save_handler = kv-store', 'session.save_path = "seed[]=10.0.0.1:7000"'], {
    require: { php: '^8.2' },
  });
  assert.match(only(cluster, 'missing-ext-redis', 'composer.json')[0]!.message, /meant to be rediscluster/);
});
