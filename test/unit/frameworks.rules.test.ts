// The Laravel / Symfony rules: where findings sit, what their fixes edit, what the project around
// a file changes, and no finding at all on the frameworks' own skeleton and recipe files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/core/applyFixes.ts';
import { documentKind } from '../../server/src/core/fileKinds.ts';
import { deploymentOf } from '../../server/src/core/frameworks/deployment.ts';
import { parseDotenv } from '../../server/src/core/frameworks/dotenv.ts';
import { laravelAppOf, laravelSessionStore } from '../../server/src/core/frameworks/laravel.ts';
import { isProjectFile } from '../../server/src/core/frameworks/project.ts';
import { parseSymfonyRedisDsn } from '../../server/src/core/frameworks/symfonyDsn.ts';
import { lint } from '../../server/src/core/lint.ts';
import type { Finding } from '../../server/src/core/types.ts';

const FIXTURES = join(__dirname, '..', 'fixtures');

function lintIn(files: Record<string, string>, path: string): Finding[] {
  return lint(files[path]!, path, { project: { files: new Map(Object.entries(files)), path } });
}

const at = (text: string, fs: Finding[]): string[] => fs.map((f) => `${f.rule}@${text.slice(f.start, f.end)}`);

const composer = (req: Record<string, string>): string => JSON.stringify({ require: req }, null, 4) + '\n';
const L11 = composer({ php: '^8.2', 'laravel/framework': '^11.0' });
const L10R = composer({ php: '^8.1', 'ext-redis': '*', 'laravel/framework': '^10.10' });

test('laravel: each rule on the .env value that decides it', () => {
  const env = [
    'APP_NAME="My App"',
    'SESSION_DRIVER=reddis',
    'SESSION_LIFETIME=0',
    'REDIS_CLIENT=PhpRedis',
    'REDIS_PORT=sixthree',
    'REDIS_DB=sessions',
    '',
  ].join('\n');
  // The Redis settings are judged only where the sessions use them (a driver that is not redis: no).
  assert.deepEqual(at(env, lintIn({ 'composer.json': L10R, '.env': env }, '.env')), [
    'laravel-unknown-session-driver@reddis',
    'laravel-invalid-session-lifetime@0',
    'laravel-unknown-redis-client@PhpRedis',
  ]);
  const redis = env.replace('reddis', 'redis').replace('PhpRedis', 'phpredis');
  const fs = lintIn({ 'composer.json': L10R, '.env': redis }, '.env');
  assert.deepEqual(at(redis, fs), [
    'laravel-invalid-session-lifetime@0',
    'laravel-invalid-redis-setting@sixthree',
    'laravel-invalid-redis-setting@sessions',
  ]);
  assert.equal(fs[2]!.severity, 'warning'); // phpredis selects (int) "sessions": database 0
  // predis sends SELECT sessions, which Redis refuses: an error.
  const predis = redis.replace('phpredis', 'predis');
  const pfs = lintIn(
    { 'composer.json': composer({ 'predis/predis': '^2.0', 'laravel/framework': '^10.10' }), '.env': predis },
    '.env',
  );
  assert.deepEqual(
    pfs
      .filter((f) => f.rule === 'laravel-invalid-redis-setting')
      .map((f) => `${predis.slice(f.start, f.end)}:${f.severity}`),
    ['sixthree:error', 'sessions:error'],
  );
});

test('laravel: a REDIS_URL part shadows its variable; a malformed URL is an error; SESSION_CONNECTION must exist', () => {
  const env =
    'SESSION_DRIVER=redis\nSESSION_CONNECTION=sessions\nREDIS_URL=redis://:pw@r.internal:6380\nREDIS_HOST=localhost\nREDIS_PASSWORD=null\nREDIS_PORT=6379\n';
  // The sessions use a connection that does not exist: that alone is said, not the default's settings.
  assert.deepEqual(at(env, lintIn({ 'composer.json': L10R, '.env': env }, '.env')), [
    'laravel-unknown-redis-connection@sessions',
  ]);
  const onDefault = env.replace('SESSION_CONNECTION=sessions\n', '');
  assert.deepEqual(at(onDefault, lintIn({ 'composer.json': L10R, '.env': onDefault }, '.env')), [
    'laravel-redis-url-shadows@localhost',
    'laravel-redis-url-shadows@6379',
  ]);
  // SESSION_CONNECTION=cache: the cache connection's REDIS_CACHE_DB is the one REDIS_URL shadows, not REDIS_DB.
  const onCache =
    'SESSION_DRIVER=redis\nSESSION_CONNECTION=cache\nREDIS_URL=redis://r.internal/3\nREDIS_DB=1\nREDIS_CACHE_DB=2\n';
  assert.deepEqual(at(onCache, lintIn({ 'composer.json': L10R, '.env': onCache }, '.env')), [
    'laravel-redis-url-shadows@2',
  ]);
  const bad = 'SESSION_DRIVER=redis\nREDIS_URL=redis://h:port\n';
  assert.deepEqual(at(bad, lintIn({ 'composer.json': L10R, '.env': bad }, '.env')), [
    'laravel-invalid-redis-url@redis://h:port',
  ]);
  // A connection the project's config/database.php defines is fine.
  const db = "<?php return ['redis' => ['client' => env('REDIS_CLIENT', 'phpredis'), 'sessions' => ['host' => 'x']]];";
  assert.deepEqual(
    lintIn({ 'composer.json': L10R, '.env': env, 'config/database.php': db }, '.env').filter(
      (f) => f.rule === 'laravel-unknown-redis-connection',
    ),
    [],
  );
});

test('laravel: the client Laravel uses must be required; the fix edits composer.json', () => {
  const env = 'SESSION_DRIVER=redis\n';
  const files = { 'composer.json': L11, '.env': env };
  const [f] = lintIn(files, '.env');
  assert.equal(f?.rule, 'laravel-redis-client-not-required');
  assert.equal(env.slice(f!.start, f!.end), 'redis');
  const edit = f!.fixes[0]!.otherFiles![0]!;
  assert.equal(edit.path, 'composer.json');
  const fixed = applyEdits(L11, edit.edits);
  assert.deepEqual(JSON.parse(fixed).require, { php: '^8.2', 'ext-redis': '*', 'laravel/framework': '^11.0' });
  assert.deepEqual(lintIn({ ...files, 'composer.json': fixed }, '.env'), []);
  // predis needs predis/predis, on the REDIS_CLIENT line.
  const p = 'SESSION_DRIVER=redis\nREDIS_CLIENT=predis\n';
  const [g] = lintIn({ 'composer.json': L10R, '.env': p }, '.env');
  assert.equal(`${g?.rule}@${p.slice(g!.start, g!.end)}`, 'laravel-redis-client-not-required@predis');
  assert.match(g!.message, /predis\/predis/);
  // Without composer.json nothing is known: no finding.
  assert.deepEqual(lintIn({ '.env': env, artisan: '' }, '.env'), []);
});

test('laravel: sessions on the local disk of a scaled deployment, not in templates nor from a fallback', () => {
  const env = 'SESSION_DRIVER=file\n';
  const files = { 'composer.json': L10R, '.env': env, Procfile: 'web: heroku-php-apache2 public/\n' };
  const [f] = lintIn(files, '.env');
  assert.equal(f?.rule, 'sessions-on-local-disk');
  assert.equal(applyEdits(env, f!.fixes[0]!.edits), 'SESSION_DRIVER=redis\n');
  assert.equal(f!.fixes[0]!.safe, false);
  assert.deepEqual(lintIn({ ...files, '.env.example': env }, '.env.example'), []);
  assert.deepEqual(lintIn({ ...files, Procfile: 'worker: php artisan queue:work\n' }, '.env'), []);
  const session = "<?php return ['driver' => env('SESSION_DRIVER', 'file'), 'lifetime' => 120];";
  assert.deepEqual(lintIn({ ...files, 'config/session.php': session }, 'config/session.php'), []);
  const literal = "<?php return ['driver' => 'file', 'lifetime' => 120];";
  assert.deepEqual(at(literal, lintIn({ ...files, 'config/session.php': literal }, 'config/session.php')), [
    'sessions-on-local-disk@file',
  ]);
});

test('laravel: a file phpdotenv rejects is reported where it stops', () => {
  const env = 'APP_NAME=My App\nSESSION_DRIVER=redis\n';
  const fs = lintIn({ 'composer.json': L10R, '.env': env }, '.env');
  assert.deepEqual(at(env, fs), ['dotenv-syntax@APP_NAME=My App']);
});

test('laravel: where sessions are kept, by version (RedisStore::setPrefix adds ":" up to 10)', () => {
  const env = parseDotenv('APP_NAME="Acme Shop"\nSESSION_DRIVER=redis\n');
  const store = (req: string): string | undefined =>
    laravelSessionStore(
      laravelAppOf({ files: new Map([['composer.json', composer({ 'laravel/framework': req })]]), path: '.env' })!,
      env,
    )?.keyPrefix;
  assert.equal(store('^8.0'), 'acme_shop_database_acme_shop_cache:');
  assert.equal(store('^10.0'), 'acme_shop_database_acme_shop_cache:');
  assert.equal(store('^11.0'), 'acme_shop_database_acme_shop_cache_');
  assert.equal(store('^12.0'), 'acme-shop-database-acme-shop-cache-');
});

const SF72 = composer({ php: '>=8.2', 'ext-redis': '*', 'symfony/framework-bundle': '7.2.*' });

test('symfony: a DSN is checked where it is written, %env() on the .env line', () => {
  const fw =
    "framework:\n    session:\n        handler_id: '%env(REDIS_DSN)%'\nwhen@prod:\n    framework:\n        session:\n            handler_id: 'tcp://redis:6379'\n";
  const env = 'REDIS_DSN=redis://redis.internal/sessions?db=1\n';
  const files = { 'composer.json': SF72, 'config/packages/framework.yaml': fw, '.env': env };
  assert.deepEqual(at(fw, lintIn(files, 'config/packages/framework.yaml')), [
    "symfony-invalid-redis-dsn@'tcp://redis:6379'",
  ]);
  assert.deepEqual(at(env, lintIn(files, '.env')), ['symfony-invalid-redis-dsn@/sessions']);
  const env2 = 'REDIS_DSN=redis://redis.internal/2?db=1&auth=secret\n';
  const fs = lintIn({ ...files, '.env': env2 }, '.env');
  assert.deepEqual(at(env2, fs), ['symfony-dsn-param-ignored@db', 'symfony-dsn-param-ignored@auth']);
  assert.equal(applyEdits(env2, fs[0]!.fixes[0]!.edits), 'REDIS_DSN=redis://redis.internal/2?dbindex=1&auth=secret\n');
  // A .env of a Symfony app is not judged by phpdotenv's grammar.
  assert.deepEqual(lintIn({ ...files, '.env': 'A=$(echo x)\n' }, '.env'), []);
});

test('symfony: the Redis client must be required; RedisSessionHandler options; native files on a cluster', () => {
  const fw = "framework:\n  session:\n    handler_id: 'redis://r:6379'\n";
  const noRedis = composer({ 'symfony/framework-bundle': '^6.4' });
  const [f] = lintIn(
    { 'composer.json': noRedis, 'config/packages/framework.yaml': fw },
    'config/packages/framework.yaml',
  );
  assert.equal(f?.rule, 'symfony-redis-client-not-required');
  assert.equal(f!.fixes[0]!.otherFiles![0]!.path, 'composer.json');
  const predis = composer({ 'predis/predis': '^2', 'symfony/framework-bundle': '^6.4' });
  assert.deepEqual(
    lintIn({ 'composer.json': predis, 'config/packages/framework.yaml': fw }, 'config/packages/framework.yaml'),
    [],
  );

  const services = `services:\n    Symfony\\Component\\HttpFoundation\\Session\\Storage\\Handler\\RedisSessionHandler:\n        arguments: ['@Redis', { prefix: 'x_', tll: 60 }]\n`;
  const fs = lintIn({ 'composer.json': SF72, 'config/services.yaml': services }, 'config/services.yaml');
  assert.deepEqual(at(services, fs), ['symfony-session-handler-options@tll']);
  assert.match(applyEdits(services, fs[0]!.fixes[0]!.edits), /ttl: 60/);

  const native = 'framework:\n  session:\n    handler_id: session.handler.native_file\n';
  const k8s = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n';
  assert.deepEqual(
    at(
      native,
      lintIn(
        { 'composer.json': SF72, 'config/packages/framework.yaml': native, 'k8s/app.yaml': k8s },
        'config/packages/framework.yaml',
      ),
    ),
    ['sessions-on-local-disk@session.handler.native_file'],
  );
});

test('symfony DSN rules of newer majors, from their sources', () => {
  // symfony/symfony 6.1+ RedisTrait::createConnection: `in_array($m['user'], ['', 'default'], true)`
  // else `$auth = [user, password]`.
  const v54 = parseSymfonyRedisDsn('redis://app:pw@h', { major: 5, minor: 4 });
  const v72 = parseSymfonyRedisDsn('redis://app:pw@h', { major: 7, minor: 2 });
  assert.ok(v54.ok && v72.ok);
  assert.equal(v54.auth, 'pw');
  assert.equal(v54.droppedUser, 'app');
  assert.deepEqual(v72.auth, ['app', 'pw']);
  assert.equal(v72.droppedUser, undefined);
  assert.equal((parseSymfonyRedisDsn('redis://default:pw@h') as { auth: unknown }).auth, 'pw');
  // 7.1+: sentinel_master is redis_sentinel's alias, and both together are refused.
  const s = parseSymfonyRedisDsn('redis://h?sentinel_master=m', { major: 7, minor: 1 });
  assert.ok(s.ok && s.sentinel === 'm');
  const s70 = parseSymfonyRedisDsn('redis://h?sentinel_master=m', { major: 7, minor: 0 });
  assert.ok(s70.ok && s70.sentinel === undefined);
  const both = parseSymfonyRedisDsn('redis://h?sentinel_master=m&redis_sentinel=m');
  assert.ok(!both.ok && /both "redis_sentinel" and "sentinel_master"/.test(both.message));
});

test('deployments that run several (or short-lived) containers', () => {
  const d = (files: Record<string, string>): string | undefined =>
    deploymentOf({ files: new Map(Object.entries(files)), path: '.env' })?.file;
  assert.equal(d({ Procfile: 'web: php -S 0.0.0.0:$PORT\n' }), 'Procfile');
  assert.equal(d({ 'scalingo.json': '{}' }), 'scalingo.json');
  assert.equal(
    d({ 'docker-compose.yml': 'services:\n  app:\n    deploy:\n      replicas: 2\n' }),
    'docker-compose.yml',
  );
  assert.equal(d({ 'docker-compose.yml': 'services:\n  app:\n    image: php\n' }), undefined);
  assert.equal(d({ 'k8s/hpa.yaml': 'kind: HorizontalPodAutoscaler\n' }), 'k8s/hpa.yaml');
  assert.equal(d({ 'k8s/app.yaml': 'kind: Deployment\nspec:\n  replicas: 1\n' }), undefined);
});

test('file kinds and project files of both frameworks', () => {
  for (const [p, k] of [
    ['.env', 'dotenv'],
    ['app/.env.production', 'dotenv'],
    ['.env.local.php', undefined],
    ['config/session.php', 'laravel-config'],
    ['config/app.php', undefined],
    ['config/packages/framework.yaml', 'symfony-config'],
    ['config/packages/prod/framework.yaml', 'symfony-config'],
    ['config/services.yaml', 'symfony-config'],
  ] as const)
    assert.equal(documentKind(p), k, p);
  for (const p of ['Procfile', 'composer.json', '.env.prod', 'k8s/deploy.yaml', 'compose.yaml', 'config/cache.php'])
    assert.ok(isProjectFile(p), p);
  for (const p of ['src/Kernel.php', '.env.local.php', 'config/app.php']) assert.ok(!isProjectFile(p), p);
});

/** Every file under a folder, keyed by its path relative to it. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

test('no finding on the frameworks own files: laravel/laravel skeletons, symfony/recipes, real .env files', () => {
  const projects: [string, Record<string, string>][] = [];
  for (const v of ['8.x', '9.x', '10.x', '11.x', '12.x']) {
    const files = tree(join(FIXTURES, 'frameworks', 'laravel-skeleton', v));
    delete files['SOURCES.md'];
    projects.push([
      `skeleton ${v}`,
      { ...files, 'composer.json': composer({ 'laravel/framework': `^${parseInt(v)}.0` }) },
    ]);
    // Deployed to a PaaS: the template and the fallbacks still say nothing.
    projects.push([
      `skeleton ${v} + Procfile`,
      { ...files, 'composer.json': composer({ 'laravel/framework': `^${parseInt(v)}.0` }), Procfile: 'web: x\n' },
    ]);
  }
  projects.push(...corpusProjects());
  let linted = 0;
  for (const [name, files] of projects) {
    for (const path of Object.keys(files)) {
      if (!documentKind(path)) continue;
      linted++;
      assert.deepEqual(at(files[path]!, lintIn(files, path)), [], `${name}: ${path}`);
    }
  }
  assert.ok(linted >= 40, `linted ${linted}`);
});

const REAL = join(FIXTURES, 'realworld');

/**
 * The real-world corpus' framework files as the projects they come from: each folder that holds a
 * config/ or .env file, with the same project's composer.json (realworld/composer/<name>/) and
 * deployment files (realworld/frameworks/deploy/<name>/) where the corpus has them.
 */
function corpusProjects(): [string, Record<string, string>][] {
  const out: [string, Record<string, string>][] = [];
  const extra = (name: string): Record<string, string> => {
    const files: Record<string, string> = {};
    for (const dir of [join(REAL, 'composer', name), join(REAL, 'frameworks', 'deploy', name)])
      if (existsSync(dir)) Object.assign(files, tree(dir));
    return files;
  };
  for (const fw of ['laravel', 'symfony'])
    for (const name of readdirSync(join(REAL, 'frameworks', fw))) {
      const files = tree(join(REAL, 'frameworks', fw, name));
      // (symfony-docs-7.1 holds two examples, each a project of its own)
      const roots = [...new Set(Object.keys(files).map((p) => /^(.*?)(?:config\/|\.env)/.exec(p)?.[1] ?? ''))];
      for (const root of roots) {
        const own = Object.fromEntries(
          Object.entries(files)
            .filter(([p]) => p.startsWith(root))
            .map(([p, t]) => [p.slice(root.length), t]),
        );
        out.push([`${fw}/${name}/${root}`, { ...extra(name), ...own }]);
      }
    }
  return out;
}

test('the corpus projects: composer.json and deployment files joined in, and what their deployments are', () => {
  const projects = corpusProjects();
  // The joined ones, so the cross-file rules ran on them above.
  const joined = projects.filter(
    ([, f]) => f['composer.json'] || f.Procfile || Object.keys(f).some((p) => /compose/.test(p)),
  );
  assert.deepEqual(joined.map(([n]) => n).sort(), [
    'laravel/mercuriete-laravel-docker-redis/',
    'laravel/platformsh-templates-laravel/',
    'laravel/pterodactyl-panel/',
    'laravel/scalingo-sample-php-laravel/',
  ]);
  const deploy = (name: string, at = ''): string | undefined => {
    const files = Object.entries(tree(join(REAL, 'frameworks', 'deploy', name))).map(([p, t]) => [at + p, t] as const);
    return deploymentOf({ files: new Map(files), path: '.env' })?.file;
  };
  // What each manifest says: a Procfile web process; the guestbook's Deployment has replicas: 3
  // (found in a k8s/ folder); the compose and stack files run one replica of each service.
  assert.equal(deploy('scalingo-sample-php-laravel'), 'Procfile');
  assert.equal(deploy('kubernetes-examples-guestbook', 'k8s/'), 'k8s/frontend-deployment.yaml');
  assert.equal(deploy('pterodactyl-panel'), undefined);
  assert.equal(deploy('mercuriete-laravel-docker-redis'), undefined);
  assert.equal(deploy('platformsh-templates-laravel'), undefined);
});
