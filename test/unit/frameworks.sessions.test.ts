// Framework session layouts and presentation on hand-made values (the PHP-written ones are in
// test/php/frameworks/sessions.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  detectFrameworkFromKeys,
  frameworkScanPattern,
  frameworkSessionId,
  laravelDefaultPrefixes,
} from '../../server/src/sessions/frameworkKeys.ts';
import {
  detectFrameworkFromVariables,
  frameworkViewValue,
  presentSession,
} from '../../server/src/sessions/frameworkView.ts';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { parseDottedPath } from '../../server/src/sessions/edit/setVariable.ts';
import { decodeSession } from '../../server/src/sessions/sessionFormats.ts';

const ID = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5hJ7k';

test('Laravel key layouts by version, and ids only where Str::random(40) could have made them', () => {
  assert.deepEqual(
    laravelDefaultPrefixes().map((p) => p.prefix),
    ['laravel_database_laravel_cache:', 'laravel_database_laravel_cache_', 'laravel-database-laravel-cache-'],
  );
  assert.equal(frameworkSessionId('laravel', `laravel_database_laravel_cache:${ID}`), ID);
  assert.equal(frameworkSessionId('laravel', `laravel-database-laravel-cache-${ID}`), ID);
  // A cache entry under the same prefix is not a session.
  assert.equal(frameworkSessionId('laravel', 'laravel_database_laravel_cache:config'), undefined);
  assert.equal(frameworkSessionId('laravel', `x:${ID}`, 'x:'), ID);
  assert.equal(frameworkSessionId('laravel', `y:${ID}`, 'x:'), undefined);
  assert.equal(frameworkSessionId('symfony', 'sf_sabc123'), 'abc123');
  assert.equal(frameworkSessionId('symfony', 'sf_s'), undefined);
  assert.equal(frameworkScanPattern('symfony'), 'sf_s*');
  assert.equal(frameworkScanPattern('laravel', 'a*b:'), 'a\\*b:*');
});

test('the framework and prefix most keys follow', () => {
  const keys = [
    `app_database_app_cache:${ID}`,
    `app_database_app_cache:${ID.replace('a', 'z')}`,
    'app_database_app_cache:settings',
    'PHPREDIS_SESSION:x',
  ];
  assert.deepEqual(detectFrameworkFromKeys(keys), { framework: 'laravel', prefix: 'app_database_app_cache:' });
  assert.deepEqual(detectFrameworkFromKeys(['sf_s1', 'sf_s2', `l_cache:${ID}`]), {
    framework: 'symfony',
    prefix: 'sf_s',
  });
  assert.equal(detectFrameworkFromKeys(['PHPREDIS_SESSION:abc']), undefined);
  assert.equal(detectFrameworkFromVariables(['_sf2_attributes', '_sf2_meta']), 'symfony');
  assert.equal(detectFrameworkFromVariables(['_token', 'x']), 'laravel');
  assert.equal(detectFrameworkFromVariables(['user']), undefined);
});

test('a Laravel session as Laravel sees it; a custom guard class is said so; JSON of the view', () => {
  const inner =
    'a:4:{s:6:"_token";s:3:"tok";s:52:"login_admin_0123456789abcdef0123456789abcdef01234567";i:9007199254740993;s:6:"_flash";a:2:{s:3:"old";a:0:{}s:3:"new";a:1:{i:0;s:6:"notice";}}s:4:"cart";a:0:{}}';
  const value = new TextEncoder().encode(`s:${inner.length}:"${inner}";`);
  const d = decodeSession(value);
  const view = presentSession(d.framework, d.variables)!;
  assert.deepEqual(
    view.fields.map((f) => [f.label, f.display]),
    [
      ['CSRF token', undefined],
      ['Logged-in user id, guard "admin" (a custom guard class)', '9007199254740993'],
      ['Flash data', 'new: notice; old (removed after this request): —'],
    ],
  );
  assert.equal(view.summary, 'user 9007199254740993 (admin)');
  const json = toCanonicalJson(frameworkViewValue(view));
  assert.match(json, /"value":9007199254740993/, 'big ids stay exact');
  assert.match(json, /"attributes":\{"cart":\[\]\}/);
});

test('a Symfony session: attributes unwrapped, meta as dates, lifetime 0 said plainly', () => {
  const raw =
    '_sf2_attributes|a:2:{s:4:"user";s:5:"alice";s:11:"_csrf/login";s:3:"abc";}_symfony_flashes|a:0:{}_sf2_meta|a:3:{s:1:"u";i:1700000000;s:1:"c";i:1699990000;s:1:"l";i:0;}';
  const d = decodeSession(new TextEncoder().encode(raw), { key: 'sf_sabc' });
  assert.equal(d.framework, 'symfony');
  const view = presentSession('symfony', d.variables)!;
  assert.deepEqual(
    view.fields.map((f) => [f.name, f.display]),
    [
      ['_symfony_flashes', '—'],
      ['_sf2_meta.c', '2023-11-14T19:26:40.000Z'],
      ['_sf2_meta.u', '2023-11-14T22:13:20.000Z'],
      ['_sf2_meta.l', 'until the browser closes'],
      ['_sf2_attributes._csrf/login', undefined],
    ],
  );
  assert.deepEqual(
    view.attributes.map(([n]) => n),
    ['user'],
  );
  assert.equal(view.summary, 'anonymous · last used 2023-11-14T22:13:20.000Z');
  assert.equal(presentSession(undefined, [['user', { kind: 'null' }]]), undefined);
});

test('each attribute keeps its path in the session, whatever order and keys', () => {
  // A variable set beside the bags (by code writing $_SESSION itself) comes after the bag's
  // attributes; a dot or a backslash in a key is escaped in its path.
  const raw =
    'legacy|i:1;_sf2_attributes|a:2:{s:5:"a.b\\c";i:2;s:14:"_security_main";s:1:"t";}_sf2_meta|a:1:{s:1:"u";i:0;}';
  const d = decodeSession(new TextEncoder().encode(raw));
  const view = presentSession(undefined, d.variables)!;
  assert.deepEqual(
    view.attributes.map(([n]) => n),
    ['a.b\\c', 'legacy'],
  );
  assert.deepEqual(view.attributePaths, ['_sf2_attributes.a\\.b\\\\c', 'legacy']);
  // The `set` command reads them back as the keys they are.
  assert.deepEqual(parseDottedPath(view.attributePaths[0]!), ['_sf2_attributes', 'a.b\\c']);
  assert.deepEqual(
    view.fields.map((f) => f.name),
    ['_sf2_meta.u', '_sf2_attributes._security_main'],
  );
  assert.equal(view.summary, 'signed in (firewall main) · last used 1970-01-01T00:00:00.000Z');
  const l = presentSession('laravel', [['x.y', { kind: 'null' }]])!;
  assert.deepEqual(l.attributePaths, ['x\\.y']);
});
