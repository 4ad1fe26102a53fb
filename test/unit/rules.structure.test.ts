import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lint } from '../../server/src/core/lint.ts';
import { parseDocument } from '../../server/src/core/document.ts';
import { applyFix, composer, covered, only, rules } from '../helpers/lintHelpers.ts';

const F = 'composer.json';

test('invalid-json: comments, trailing commas and the Scalingo doc typo, one finding at the first error', () => {
  const scalingoDoc = '{\n  "extra: {\n    "paas": { "php-config": ["session.save_handler = redis"] }\n  }\n}\n';
  const found = only(scalingoDoc, 'invalid-json', F);
  assert.equal(found.length, 1);
  assert.equal(only('{ "a": 1, // c\n "b": 2 }', 'invalid-json', F).length, 1);
  assert.equal(only('{ "a": [1, 2,], "b": 2 }', 'invalid-json', F).length, 1);
  assert.deepEqual(only(composer(['session.save_handler = redis']), 'invalid-json', F), []);
});

test('invalid-json: linting goes on in the recovered tree', () => {
  const text = '{ "extra": { "paas": { "php-config": ["session.save_handler = reddis",] } } }';
  const ids = rules(text, F);
  assert.ok(ids.includes('invalid-json'));
  assert.ok(ids.includes('unknown-save-handler'));
});

test('php-config-not-array: object or string value, non-string elements', () => {
  const obj = '{ "extra": { "paas": { "php-config": { "a": "session.save_handler = redis" } } } }';
  assert.equal(only(obj, 'php-config-not-array', F).length, 1);
  const str = '{ "extra": { "paas": { "php-config": "session.save_handler = redis" } } }';
  assert.equal(covered(str, only(str, 'php-config-not-array', F)[0]), '"session.save_handler = redis"');
  const mixed = '{ "extra": { "paas": { "php-config": ["session.save_handler = redis", 42, null] } } }';
  assert.deepEqual(
    only(mixed, 'php-config-not-array', F).map((f) => covered(mixed, f)),
    ['42', 'null'],
  );
  assert.deepEqual(only(composer(['a = 1']), 'php-config-not-array', F), []);
});

test('paas-config-shadowed: extra.heroku non-empty beside extra.paas; fix moves the keys', () => {
  const text = composer(['session.save_handler = redis'], {
    require: { 'ext-redis': '*' },
    heroku: { 'php-config': ['session.save_handler = files'], 'document-root': 'public' },
  });
  const f = only(text, 'paas-config-shadowed', F);
  assert.equal(f.length, 1);
  assert.equal(covered(text, f[0]), '"heroku"');
  const fixed = applyFix(text, 'paas-config-shadowed', F);
  const json = JSON.parse(fixed);
  assert.equal(json.extra.heroku, undefined);
  // heroku's values win, as they do today on Scalingo
  assert.deepEqual(json.extra.paas, { 'php-config': ['session.save_handler = files'], 'document-root': 'public' });
  // near misses: empty heroku, heroku without paas
  assert.deepEqual(only(composer(['a = 1'], { heroku: {} }), 'paas-config-shadowed', F), []);
  const herokuOnly = '{ "extra": { "heroku": { "php-config": ["session.save_handler = redis"] } } }';
  assert.deepEqual(only(herokuOnly, 'paas-config-shadowed', F), []);
});

test('extra.heroku shadows extra.paas: its php-config is the effective one', () => {
  const text = composer(['session.save_handler = files'], {
    require: { 'ext-redis': '*' },
    heroku: { 'php-config': ['session.save_handler = redis'] },
  });
  // the effective handler is heroku's redis: no save_path there
  assert.ok(rules(text, F).includes('missing-save-path'));
});

test('hostile documents: binary, huge, arrays where objects belong never throw', () => {
  const inputs = [
    '',
    '\u0000\u0001\u0002',
    '[]',
    '{"extra": []}',
    '{"extra": {"paas": []}}',
    '{"require": [], "extra": {"paas": {"php-config": ["session.save_handler = redis"]}}}',
    '{"extra": {"paas": {"php-config": [' + '"a = b",'.repeat(50_000) + '"c = d"]}}}',
    '{'.repeat(10_000),
    Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1'),
  ];
  for (const text of inputs) {
    const findings = lint(text, F);
    for (const f of findings) assert.ok(f.start >= 0 && f.end <= text.length && f.start <= f.end);
  }
});

test('composer.json read with JSON.parse: keys written twice are read as Composer reads them (the first)', () => {
  const lines = ['session.save_handler = redis', "session.save_path = 'tcp://h:1?timeout=1&weight=0'"];
  const text = composer(lines);
  // ext-redis twice in require: the first constraint pins phpredis 5.3.
  const twice = text.replace('"ext-redis": "*"', '"ext-redis": "^5.3", "ext-redis": "*"');
  assert.equal(parseDocument(twice, 'composer').phpredisPin, '5.3');
  assert.equal(parseDocument(text.replace('"ext-redis": "*"', '"ext-redis": "^5.3"'), 'composer').phpredisPin, '5.3');
  // php-config twice under extra.paas: the first array is the one read.
  const first = text.replace('"php-config": [', '"php-config": ["session.save_handler = files"], "php-config": [');
  assert.deepEqual(
    parseDocument(first, 'composer').lines.map((l) => l.text),
    ['session.save_handler = files'],
  );
  // "php-config" written as a value before the key: the finding's range is still in the php-config line.
  for (const other of ['"description": "php-config",', '"suggest": {"php-config": "x"},']) {
    const moved = text.replace('"name": "acme/app",', `"name": "acme/app", ${other}`);
    assert.equal(covered(moved, only(moved, 'invalid-weight', 'composer.json')[0]!), 'weight=0', other);
  }
});
