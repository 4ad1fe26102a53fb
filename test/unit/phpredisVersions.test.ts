// phpredis versions: which release line is judged for (setting, composer.json's ext-redis pin), what each line
// has, and the sources every fact names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from '../../server/src/core/document.ts';
import { hover } from '../../server/src/core/hover.ts';
import { lint } from '../../server/src/core/lint.ts';
import {
  hasFact,
  PHPREDIS_DIRECTIVES,
  PHPREDIS_PARAMS,
  PHPREDIS_LATEST,
  versionFromConstraint,
} from '../../server/src/core/phpredisVersions.ts';
import { composer, ini } from '../helpers/lintHelpers.ts';

test('a composer ext-redis constraint that pins one major decides the line judged for', () => {
  const cases: [string, string | undefined][] = [
    ['*', undefined],
    ['^5.3', '5.3'],
    ['5.*', '5.3'],
    ['~5.3.7', '5.3'],
    ['^6.0', PHPREDIS_LATEST],
    ['~6.1.0', '6.1'],
    ['6.0.*', '6.0'],
    ['6.1.2', '6.1'],
    ['>=5.3 <6.0', '5.3'],
    ['^5.3 || ^6.0', undefined],
    ['^6.1 || ^6.2', '6.3'],
    ['>=5.3', undefined],
    ['dev-develop', undefined],
  ];
  for (const [c, want] of cases) assert.equal(versionFromConstraint(c), want, c);
});

test('a directive a release lacks is reported for that release only, composer pin first', () => {
  const text = ini('redis.session.compression = zstd', 'redis.session.early_refresh = 1');
  const rules = (v: '5.3' | '6.0' | '6.1') =>
    lint(text, 'php.ini', { phpredisVersion: v }).map((f) => f.message.match(/"(redis\.[a-z_.]+)"/)?.[1]);
  assert.deepEqual(rules('5.3'), ['redis.session.compression', 'redis.session.early_refresh']);
  assert.deepEqual(rules('6.0'), ['redis.session.compression']);
  assert.deepEqual(rules('6.1'), []);
  assert.deepEqual(lint(text, 'php.ini'), [], `the default is the latest line (${PHPREDIS_LATEST})`);
  const pinned = composer(['redis.session.compression = zstd'], { require: { php: '^8.2', 'ext-redis': '^5.3' } });
  const f = lint(pinned, 'composer.json', { phpredisVersion: '6.3' });
  assert.equal(f.length, 1);
  assert.match(
    f[0]!.message,
    /phpredis 5\.3 does not have "redis\.session\.compression" \(phpredis 6\.1\.0 added it\)/,
  );
});

test('stream[] is read by the redis handler since 6.0 (redis_session.c, ed10f365)', () => {
  const text = ini(
    'session.save_handler = redis',
    "session.save_path = 'tls://10.0.0.1:6380?timeout=2&stream[verify_peer]=0'",
  );
  assert.deepEqual(lint(text, 'php.ini', { phpredisVersion: '6.0' }), []);
  const old = lint(text, 'php.ini', { phpredisVersion: '5.3' });
  assert.deepEqual(
    old.map((f) => f.rule),
    ['unknown-param'],
  );
  assert.match(old[0]!.message, /since phpredis 6\.0\.0/);
  // The rediscluster handler has read it since 5.3.2.
  assert.equal(hasFact(PHPREDIS_PARAMS.rediscluster.stream!, '5.3'), true);
});

test('hover says which release added a phpredis directive, and where that is written', () => {
  const text = ini('redis.session.compression = zstd');
  const h = hover(parseDocument(text, 'ini'), 3);
  assert.match(h!.markdown, /Since phpredis 6\.1\.0 \(redis\.c, commit 5419cc9c\)/);
});

test('every fact names its file and a commit (40 hex) or a pull request', () => {
  for (const [name, f] of [...Object.entries(PHPREDIS_DIRECTIVES), ...Object.entries(PHPREDIS_PARAMS.redis)]) {
    assert.ok(/^\d+\.\d+\.\d+$|^unreleased$/.test(f.since), name);
    assert.ok(f.file.length > 0, name);
    assert.match(f.commit, /^[0-9a-f]{40}$|^pull request #\d+$/, name);
  }
});
