// The Laravel config reader against PHP running the real skeleton files (laravel/laravel 8.x →
// 12.x, test/fixtures/frameworks/laravel-skeleton) with Laravel's own env() helper and Str::slug
// (Debian's php-laravel-framework 8.83): for several environments, every session/Redis/cache
// setting the linter reads has the value Laravel computes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { laravelEnvValue } from '../../../server/src/core/frameworks/dotenv.ts';
import { entryAt, evaluate, parsePhpConfig } from '../../../server/src/core/frameworks/phpConfig.ts';
import { phpAvailable, runPhpJson } from '../../helpers/php.ts';

const HAVE_LARAVEL = phpAvailable() && existsSync('/usr/share/php/Illuminate/Support/helpers.php');
const SKELETON = join(__dirname, '..', '..', 'fixtures', 'frameworks', 'laravel-skeleton');
const VERSIONS = ['8.x', '9.x', '10.x', '11.x', '12.x'];

const PATHS: Record<string, string[]> = {
  session: ['driver', 'lifetime', 'connection', 'store', 'cookie', 'encrypt'],
  database: [
    'redis.client',
    'redis.options.prefix',
    'redis.options.cluster',
    'redis.default.url',
    'redis.default.host',
    'redis.default.port',
    'redis.default.password',
    'redis.default.database',
    'redis.cache.database',
  ],
  cache: ['default', 'prefix', 'stores.redis.connection'],
};

const ENVS: Record<string, string>[] = [
  {},
  { APP_NAME: 'My Shop', SESSION_DRIVER: 'redis', SESSION_LIFETIME: '30', REDIS_CLIENT: 'predis' },
  { APP_NAME: 'Acme_Corp @ Home', REDIS_PREFIX: 'x:', CACHE_PREFIX: '', SESSION_CONNECTION: 'sessions' },
  { SESSION_LIFETIME: 'abc', REDIS_PASSWORD: 'null', REDIS_DB: '(empty)', SESSION_ENCRYPT: 'true' },
  {
    APP_NAME: 'Été-app',
    REDIS_HOST: 'redis.internal',
    REDIS_PORT: '6380',
    CACHE_STORE: 'redis',
    CACHE_DRIVER: 'redis',
  },
];

const PHP = `
require_once '/usr/share/php/Illuminate/Support/autoload.php';
// The application's path helpers: the settings compared here never depend on them.
function storage_path($p = '') { return '/app/storage/'.$p; }
function database_path($p = '') { return '/app/database/'.$p; }
$out = [];
foreach ($input['cases'] as $case) {
  foreach ($case['env'] as $k => $v) { putenv("$k=$v"); $_ENV[$k] = $v; $_SERVER[$k] = $v; }
  $config = require $case['file'];
  foreach ($case['env'] as $k => $v) { putenv($k); unset($_ENV[$k], $_SERVER[$k]); }
  $vals = [];
  foreach ($case['paths'] as $p) $vals[] = Illuminate\\Support\\Arr::get($config, $p);
  $out[] = $vals;
}
return $out;`;

test(
  'config files evaluate as Laravel evaluates them',
  { skip: !HAVE_LARAVEL && 'Laravel not installed' },
  async () => {
    const cases: { file: string; env: Record<string, string>; paths: string[] }[] = [];
    for (const v of VERSIONS)
      for (const [name, paths] of Object.entries(PATHS))
        for (const env of ENVS) cases.push({ file: join(SKELETON, v, 'config', `${name}.php`), env, paths });
    const php = (await runPhpJson(PHP, { cases })) as unknown[][];
    let compared = 0;
    cases.forEach((c, i) => {
      const root = parsePhpConfig(readFileSync(c.file, 'utf8'));
      assert.ok(root, c.file);
      const lookup = (n: string): string | boolean | null | undefined =>
        n in c.env ? laravelEnvValue(c.env[n]!) : undefined;
      c.paths.forEach((p, j) => {
        const ours = evaluate(entryAt(root, p)?.value, lookup);
        // PHP's numeric strings stay strings; ints stay ints.
        assert.deepEqual(ours, php[i]![j], `${c.file} ${p} ${JSON.stringify(c.env)}`);
        compared++;
      });
    });
    assert.equal(compared, VERSIONS.length * ENVS.length * 18);
  },
);
