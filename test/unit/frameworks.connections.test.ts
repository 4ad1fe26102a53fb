// Connections discovered from Laravel and Symfony projects: the address, the prefix, the variable
// holding the password (never its value), and an address the sessions side can open.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameworkConnections } from '../../server/src/core/frameworks/connections.ts';
import { parseConnectionTargets } from '../../server/src/sessions/connectionTarget.ts';

const of = (files: Record<string, string>): ReturnType<typeof frameworkConnections> =>
  frameworkConnections({ files: new Map(Object.entries(files)), path: '.env' });

test('Laravel: REDIS_* or REDIS_URL, the prefix by version, the password left where it is', () => {
  const composer = '{"require": {"laravel/framework": "^11.0"}}';
  const [c] = of({
    'composer.json': composer,
    '.env':
      'APP_NAME=Shop\nSESSION_DRIVER=redis\nREDIS_HOST=r.internal\nREDIS_PORT=6380\nREDIS_DB=2\nREDIS_PASSWORD=s3cret\n',
  });
  assert.deepEqual(c, {
    framework: 'laravel',
    name: 'Laravel sessions (.env)',
    address: 'redis://r.internal:6380/2',
    prefix: 'shop_database_shop_cache_',
    file: '.env',
    passwordVar: 'REDIS_PASSWORD',
    lifetime: 7200,
  });
  const [u] = of({
    'composer.json': composer,
    '.env': 'SESSION_DRIVER=redis\nREDIS_URL=rediss://app:pw@h:6390/1\nREDIS_HOST=ignored\n',
  });
  assert.equal(u?.address, 'rediss://app@h:6390/1');
  // SESSION_LIFETIME in minutes, (int) in Laravel 11's config/session.php; a value that is no number gives no lifetime.
  assert.equal(
    of({ 'composer.json': composer, '.env': 'SESSION_DRIVER=redis\nSESSION_LIFETIME=1.5\n' })[0]?.lifetime,
    60,
  );
  const l8 = '{"require": {"laravel/framework": "^8.0"}}';
  assert.equal(of({ 'composer.json': l8, '.env': 'SESSION_DRIVER=redis\nSESSION_LIFETIME=1.5\n' })[0]?.lifetime, 90);
  assert.equal(
    of({ 'composer.json': composer, '.env': 'SESSION_DRIVER=redis\nSESSION_LIFETIME=abc\n' })[0]?.lifetime,
    undefined,
  );
  assert.equal(u?.passwordVar, 'REDIS_URL');
  assert.ok(!JSON.stringify(u).includes('pw'));
  const t = parseConnectionTargets(u!.address, { prefix: u!.prefix, env: {} })[0]!;
  assert.equal(t.kind === 'tcp' && `${t.host}:${t.port}/${t.db}`, 'h:6390/1');
  assert.deepEqual(of({ 'composer.json': composer, '.env': 'SESSION_DRIVER=database\n' }), []);
  assert.deepEqual(
    of({ 'composer.json': composer, '.env': 'REDIS_HOST=x\n' }),
    [],
    'the default driver (database from 11) is not Redis',
  );
});

test('Symfony: the handler_id DSN, through %env() and .env.local, prefix from ?prefix=', () => {
  const files = {
    'composer.json': '{"require": {"symfony/framework-bundle": "7.2.*"}}',
    'config/packages/framework.yaml': "framework:\n  session:\n    handler_id: '%env(REDIS_DSN)%'\n",
    '.env': 'REDIS_DSN=redis://localhost\n',
    '.env.local': 'REDIS_DSN=redis://secret@127.0.0.1:6381/3?prefix=app_\n',
  };
  const [c] = of(files);
  assert.deepEqual(c, {
    framework: 'symfony',
    name: 'Symfony sessions (.env)',
    address: 'redis://127.0.0.1:6381/3',
    prefix: 'app_',
    file: '.env',
    passwordVar: 'REDIS_DSN',
  });
  const [d] = of({ ...files, '.env.local': '' });
  assert.equal(d?.address, 'redis://localhost:6379');
  assert.equal(d?.prefix, 'sf_s');
  assert.deepEqual(
    of({ ...files, 'config/packages/framework.yaml': 'framework:\n  session:\n    handler_id: null\n' }),
    [],
  );
});
