// One definition of the linted files: the kind of each path, and the globs VS Code gets for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentKind, globToRegExp, LINTED_FILES, LINTED_GLOB } from '../../server/src/core/fileKinds.ts';

test('documentKind: composer.json, ini files and php-fpm pools, in any folder, any case', () => {
  const cases: [string, string | undefined][] = [
    ['composer.json', 'composer'],
    ['/app/Composer.JSON', 'composer'],
    ['C:\\app\\composer.json', 'composer'],
    ['/etc/php/8.2/fpm/php.ini', 'ini'],
    ['/etc/php/8.2/mods-available/redis.ini', 'ini'],
    ['/var/www/.user.ini', 'ini'],
    ['/usr/src/php/php.ini-production', 'ini'],
    ['php.ini-development', 'ini'],
    ['/etc/php/8.2/fpm/pool.d/www.conf', 'fpm'],
    ['composer.lock', undefined],
    ['package.json', undefined],
    ['/app/composer.json.bak', undefined],
    ['/app/php.ini.dist', undefined],
    ['/app/ini', undefined],
  ];
  for (const [path, kind] of cases) assert.equal(documentKind(path), kind, path);
});

test('globToRegExp: VS Code glob dialect (**/, *, {a,b}) over whole paths', () => {
  assert.ok(globToRegExp('**/*.ini').test('a/b/c.ini'));
  assert.ok(globToRegExp('**/*.ini').test('c.ini'));
  assert.ok(!globToRegExp('**/*.ini').test('c.ini/x'));
  assert.ok(globToRegExp('**/{a,b}.json').test('x/b.json'));
  assert.ok(!globToRegExp('**/{a,b}.json').test('x/ab.json'));
  assert.ok(!globToRegExp('*.ini').test('x/c.ini'), '* does not cross folders');
  assert.ok(!globToRegExp('**/php.ini').test('x/phpxini'), '. is literal');
});

test('LINTED_GLOB holds every entry, as VS Code brace syntax', () => {
  assert.equal(LINTED_GLOB, `{${LINTED_FILES.map((f) => f.glob).join(',')}}`);
  const re = globToRegExp(LINTED_GLOB);
  for (const p of ['x/composer.json', 'x/y.ini', 'x/.user.ini', 'x/www.conf']) assert.ok(re.test(p), p);
  assert.ok(!re.test('x/package.json'));
});
