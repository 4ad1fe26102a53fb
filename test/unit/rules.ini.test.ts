import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lint } from '../../server/src/core/lint.ts';
import { applyFix, composer, covered, ini, only, rules } from '../helpers/lintHelpers.ts';

test('ini-syntax: unquoted save_path with = and & ; fix quotes it (in ini and in composer.json)', () => {
  const text = ini('session.save_handler = redis', 'session.save_path = tcp://127.0.0.1:6379?auth=x&timeout=2');
  const f = only(text, 'ini-syntax');
  assert.equal(f.length, 1);
  assert.equal(covered(text, f[0]), 'tcp://127.0.0.1:6379?auth=x&timeout=2');
  assert.match(applyFix(text, 'ini-syntax'), /session\.save_path = 'tcp:\/\/127\.0\.0\.1:6379\?auth=x&timeout=2'/);
  const json = composer(['session.save_handler = redis', 'session.save_path = tcp://h:1?timeout=2']);
  const fixed = applyFix(json, 'ini-syntax', 'composer.json');
  assert.equal(JSON.parse(fixed).extra.paas['php-config'][1], "session.save_path = 'tcp://h:1?timeout=2'");
});

test('ini-syntax: near misses are quiet', () => {
  assert.deepEqual(only(ini("session.save_path = 'tcp://h:1?timeout=2'"), 'ini-syntax'), []);
  assert.deepEqual(only(ini('session.save_path = "tcp://h:1?timeout=2"'), 'ini-syntax'), []);
  assert.deepEqual(only(ini('session.save_path = tcp://127.0.0.1:6379'), 'ini-syntax'), []);
  assert.deepEqual(only(ini('; session.save_path = tcp://h:1?a=b'), 'ini-syntax'), []);
});

test('ini-syntax: unbalanced quote gets closed; missing = gets one', () => {
  assert.match(applyFix(ini("session.save_path = 'tcp://h:1?timeout=2"), 'ini-syntax'), /'tcp:\/\/h:1\?timeout=2'/);
  assert.match(applyFix(ini('session.save_handler redis'), 'ini-syntax'), /^session\.save_handler = redis$/m);
  // a quoted value holding `=`: the name is still the first word, and nothing else is reported
  const quoted = ini('session.save_handler = redis', "session.save_path 'tcp://h.internal:6379?timeout=2.5'");
  assert.deepEqual(rules(quoted), ['ini-syntax']);
  assert.equal(
    applyFix(quoted, 'ini-syntax'),
    ini('session.save_handler = redis', "session.save_path = 'tcp://h.internal:6379?timeout=2.5'"),
  );
  assert.deepEqual(rules(ini('session.save_handler redis', "session.save_path = 'tcp://h:1?timeout=1'")), [
    'ini-syntax',
  ]);
});

test('unknown-directive: typos in session.* / redis.session.* only; rename fix', () => {
  const text = ini('session.save_hander = redis', 'opcache.enable = 1', 'redis.session.lock_expires = 3');
  const f = only(text, 'unknown-directive');
  assert.deepEqual(
    f.map((x) => covered(text, x)),
    ['session.save_hander', 'redis.session.lock_expires'],
  );
  assert.match(applyFix(text, 'unknown-directive'), /^session\.save_handler = redis$/m);
  assert.deepEqual(only(ini('session.cookie_samesite = Lax'), 'unknown-directive'), []);
});

test('duplicate-directive: on the later line, related to the earlier, fix removes the earlier', () => {
  const text = ini(
    'session.save_handler = files',
    'x = 1',
    'session.save_handler = redis',
    "session.save_path = 'tcp://h:1?timeout=1'",
  );
  const f = only(text, 'duplicate-directive');
  assert.equal(f.length, 1);
  assert.equal(covered(text, f[0]), 'session.save_handler = redis');
  assert.equal(text.slice(f[0].related![0].start, f[0].related![0].end), 'session.save_handler = files');
  const fixed = applyFix(text, 'duplicate-directive');
  assert.equal(fixed, ini('x = 1', 'session.save_handler = redis', "session.save_path = 'tcp://h:1?timeout=1'"));
  // composer: removing an array element keeps the JSON valid
  const json = composer([
    'session.save_handler = files',
    'session.save_handler = redis',
    "session.save_path = 'tcp://h:1?timeout=1'",
  ]);
  assert.deepEqual(JSON.parse(applyFix(json, 'duplicate-directive', 'composer.json')).extra.paas['php-config'], [
    'session.save_handler = redis',
    "session.save_path = 'tcp://h:1?timeout=1'",
  ]);
});

test('duplicate-directive: an earlier broken value is not an error, the later one wins', () => {
  const text = ini(
    'session.save_handler = reddis',
    'session.save_handler = redis',
    "session.save_path = 'tcp://h:1?timeout=1'",
  );
  assert.deepEqual(only(text, 'unknown-save-handler'), []);
});

test('env-in-single-quotes: literal ${VAR}; fix switches to double quotes', () => {
  const text = ini('session.save_handler = redis', "session.save_path = '${REDIS_SESSION_PATH}'");
  assert.equal(covered(text, only(text, 'env-in-single-quotes')[0]), '${REDIS_SESSION_PATH}');
  assert.match(applyFix(text, 'env-in-single-quotes'), /session\.save_path = "\$\{REDIS_SESSION_PATH\}"/);
  assert.deepEqual(only(ini('session.save_path = "${REDIS_SESSION_PATH}"'), 'env-in-single-quotes'), []);
});

test('env-in-single-quotes: no fix when PHP could not read the double-quoted line (a { or ( in the name)', () => {
  // Found by the fuzz layer: "${SCALINGO_R{EDIS_URL}" is a syntax error for PHP ("expecting '}'").
  for (const bad of ["'${SCALINGO_R{EDIS_URL}'", "'${A(B}'", "'${UNCLOSED'"]) {
    const text = ini('session.save_handler = redis', `redis.session.locking_enabled = ${bad}`);
    const found = only(text, 'env-in-single-quotes');
    assert.equal(found.length, bad.includes('UNCLOSED') ? found.length : 1, bad);
    for (const f of found) assert.deepEqual(f.fixes, [], bad);
  }
});

test('redis-url-env: ${SCALINGO_REDIS_URL}, ${REDIS_URL}, ${REDIS_TLS_URL} as the save_path', () => {
  for (const name of ['SCALINGO_REDIS_URL', 'REDIS_URL', 'REDIS_TLS_URL']) {
    const text = ini('session.save_handler = redis', `session.save_path = "\${${name}}"`);
    const f = only(text, 'redis-url-env');
    assert.equal(f.length, 1, name);
    assert.equal(f[0].fixes[0].command?.command, 'phpRedisSessions.fillFromRedisUrl');
  }
  assert.deepEqual(
    only(ini('session.save_handler = redis', 'session.save_path = "${REDIS_SESSION_PATH}"'), 'redis-url-env'),
    [],
  );
  assert.ok(
    !rules(ini('session.save_handler = redis', 'session.save_path = "${REDIS_SESSION_PATH}"')).some((r) =>
      r.startsWith('missing'),
    ),
  );
});

test('ini-syntax: a " # note" stays in the value (ini comments start with ";"); the fix and a rename make it a comment', () => {
  const t = ini('session.serialize_handler = php # the default');
  const f = lint(t, 'php.ini');
  assert.deepEqual(
    f.map((x) => x.rule),
    ['ini-syntax'],
  );
  assert.equal(covered(t, f[0]!), '# the default');
  assert.equal(applyFix(t, 'ini-syntax'), ini('session.serialize_handler = php ; the default'));
  // On a name PHP does not know the line is ignored anyway: one finding, whose rename fixes both.
  const typo = ini('session.gc_maxlifeime = 1440 # 24 minutes');
  assert.deepEqual(rules(typo), ['unknown-directive']);
  assert.equal(applyFix(typo, 'unknown-directive'), ini('session.gc_maxlifetime = 1440 ; 24 minutes'));
  // Quoted, the # is part of the value as written.
  assert.deepEqual(rules(ini("session.name = 'a # b'")), []);
});

test('duplicate-directive: extension= lines each load an extension; only session / phpredis names count', () => {
  const t = ini(
    'extension=igbinary',
    'extension=redis',
    'extension=redis',
    'zend_extension=opcache',
    'memory_limit=1G',
    'memory_limit=2G',
  );
  assert.deepEqual(rules(t), []);
});

test('composer.json that is not strict JSON: php-config still linted as far as the tolerant parse recovers it', () => {
  const comment = [
    '{',
    '    // the session store',
    '    "require": { "php": "^8.2", "ext-redis": "*" },',
    '    "extra": { "paas": { "php-config": [',
    '        "session.save_handler = reddis",',
    '        "session.save_path = \'tcp://10.0.0.5:6379?timeout=2.5\'",',
    '    ] } }',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(rules(comment, 'composer.json').sort(), ['invalid-json', 'unknown-save-handler']);
  const unterminated =
    '{"require":{"ext-redis":"*"},"extra":{"paas":{"php-config":["session.save_handler = redis","session.save_path = \'tcp://host:6379';
  assert.deepEqual(rules(unterminated, 'composer.json').sort(), ['ini-syntax', 'invalid-json']);
});
