// Laravel's session settings, as Laravel 8 → 13 reads them: `.env` (phpdotenv, then the env()
// helper's conversions), `config/session.php`, `config/database.php` (the `redis` connections,
// through Illuminate\Support\ConfigurationUrlParser) and `config/cache.php`. Where a config file is
// absent, the skeleton's own line for the project's major version stands in (laravel/laravel
// 8.x → 12.x: `SESSION_DRIVER` defaults to `file` up to 10, `database` from 11).
import { composerOf, constraintVersion } from './project.ts';
import { laravelEnvValue, lastEntry, parseDotenv, type DotenvEntry, type DotenvFile } from './dotenv.ts';
import { entryAt, evaluate, parsePhpConfig, type PhpExpr, type PhpScalar } from './phpConfig.ts';
import type { ProjectInput } from '../types.ts';

export const LARAVEL_SESSION_DRIVERS = [
  'file',
  'cookie',
  'database',
  'apc',
  'memcached',
  'redis',
  'dynamodb',
  'array',
] as const;
export const LARAVEL_REDIS_CLIENTS = ['phpredis', 'predis'] as const;

export type LaravelConfigName = 'session' | 'database' | 'cache';

export interface LaravelApp {
  /** laravel/framework's major version from composer.json, when it says. */
  major?: number;
  configs: Record<LaravelConfigName, PhpExpr | undefined>;
  /** Which config files the project has (the others are the skeleton's defaults). */
  present: Set<LaravelConfigName>;
}

const skeleton = (major: number): Record<LaravelConfigName, string> => ({
  session: `<?php return [
    'driver' => env('SESSION_DRIVER', '${major >= 11 ? 'database' : 'file'}'),
    'lifetime' => ${major >= 11 ? '(int) ' : ''}env('SESSION_LIFETIME', 120),
    'connection' => env('SESSION_CONNECTION'),
    'store' => env('SESSION_STORE'),
  ];`,
  database: `<?php return ['redis' => [
    'client' => env('REDIS_CLIENT', 'phpredis'),
    'options' => ['cluster' => env('REDIS_CLUSTER', 'redis'), 'prefix' => env('REDIS_PREFIX', ${
      major >= 12
        ? `Str::slug((string) env('APP_NAME', 'laravel')).'-database-'`
        : `Str::slug(env('APP_NAME', 'laravel'), '_').'_database_'`
    })],
    'default' => ['url' => env('REDIS_URL'), 'host' => env('REDIS_HOST', '127.0.0.1'), 'username' => env('REDIS_USERNAME'),
      'password' => env('REDIS_PASSWORD'), 'port' => env('REDIS_PORT', '6379'), 'database' => env('REDIS_DB', '0')],
    'cache' => ['url' => env('REDIS_URL'), 'host' => env('REDIS_HOST', '127.0.0.1'), 'username' => env('REDIS_USERNAME'),
      'password' => env('REDIS_PASSWORD'), 'port' => env('REDIS_PORT', '6379'), 'database' => env('REDIS_CACHE_DB', '1')],
  ]];`,
  cache: `<?php return [
    'prefix' => env('CACHE_PREFIX', ${
      major >= 12
        ? `Str::slug((string) env('APP_NAME', 'laravel')).'-cache-'`
        : major >= 11
          ? `Str::slug(env('APP_NAME', 'laravel'), '_').'_cache_'`
          : `Str::slug(env('APP_NAME', 'laravel'), '_').'_cache'`
    }),
    'stores' => ['redis' => ['driver' => 'redis', 'connection' => 'cache']],
  ];`,
});

/** The Laravel application of a project, or undefined when it is not one. */
export function laravelAppOf(project: ProjectInput): LaravelApp | undefined {
  const composer = composerOf(project);
  const constraint = composer?.require.get('laravel/framework');
  const markers = constraint !== undefined || project.files.has('artisan') || project.files.has('config/session.php');
  if (!markers) return undefined;
  const major = constraintVersion(constraint)?.major;
  const defaults = skeleton(major ?? 11);
  const present = new Set<LaravelConfigName>();
  const configs = {} as Record<LaravelConfigName, PhpExpr | undefined>;
  for (const name of ['session', 'database', 'cache'] as const) {
    const text = project.files.get(`config/${name}.php`);
    if (text !== undefined) present.add(name);
    configs[name] = parsePhpConfig(text ?? defaults[name]) ?? parsePhpConfig(defaults[name]);
  }
  return { ...(major !== undefined ? { major } : {}), configs, present };
}

/** The env variable a config expression reads (`env('X', …)`, `(int) env('X')`), if that is all it is. */
export function envNameOf(e: PhpExpr | undefined): string | undefined {
  if (e?.kind === 'env') return e.name;
  if (e?.kind === 'cast' && e.expr.kind === 'env') return e.expr.name;
  return undefined;
}

export function settingExpr(app: LaravelApp, path: string): PhpExpr | undefined {
  const [file, ...rest] = path.split('.');
  return entryAt(app.configs[file as LaravelConfigName], rest.join('.'))?.value;
}

/** An env lookup over one .env file, with Laravel's env() conversions. */
export function envLookup(file: DotenvFile | undefined): (name: string) => PhpScalar | undefined {
  return (name) => {
    const e = file ? lastEntry(file, name) : undefined;
    return e ? laravelEnvValue(e.resolved) : undefined;
  };
}

export function settingValue(app: LaravelApp, path: string, env: DotenvFile | undefined): PhpScalar | undefined {
  return evaluate(settingExpr(app, path), envLookup(env));
}

/** The .env entry that decides a setting in this file (the config reads that variable and the file sets it). */
export function deciding(app: LaravelApp, path: string, env: DotenvFile): DotenvEntry | undefined {
  const name = envNameOf(settingExpr(app, path));
  return name ? lastEntry(env, name) : undefined;
}

/** The environment a project runs with, as far as its files say: its `.env`, when committed. */
export function projectEnv(project: ProjectInput): DotenvFile | undefined {
  const text = project.files.get('.env');
  return text === undefined ? undefined : parseDotenv(text);
}

/** The Redis connection names of config/database.php (`redis.*` minus client/options/clusters). */
export function redisConnections(app: LaravelApp): string[] {
  const redis = entryAt(app.configs.database, 'redis')?.value;
  if (redis?.kind !== 'array') return [];
  return redis.entries
    .map((e) => e.key)
    .filter((k): k is string => k !== undefined && !['client', 'options', 'clusters'].includes(k));
}

/** A template or test env file: its values are examples, not what runs. */
export function isTemplateEnv(path: string): boolean {
  return /\.env\.(example|dist|sample|template|testing|test|dusk[^/]*|ci)$/i.test(path);
}

export interface LaravelSessionStore {
  /** The Redis connection (config/database.php `redis.<name>`) the sessions use. */
  connection: string;
  /** Redis option prefix (`REDIS_PREFIX`) + cache prefix (+ `:` up to Laravel 10): the key's start. */
  keyPrefix: string;
  client: string;
  /**
   * The sessions' TTL in seconds: `SESSION_LIFETIME` minutes × 60 (CacheBasedSessionHandler::write
   * puts them for `$this->minutes * 60` seconds), when it is a number.
   */
  lifetime?: number;
}

/**
 * Where a Laravel app with `SESSION_DRIVER=redis` keeps sessions: the key prefix and connection.
 * SessionManager::createRedisDriver uses the `redis` cache store (or `session.store`) with its
 * connection set to `session.connection`; RedisStore::setPrefix adds `:` up to Laravel 10
 * (laravel/framework 10.x src/Illuminate/Cache/RedisStore.php) and nothing from 11 (11.x).
 */
export function laravelSessionStore(app: LaravelApp, env: DotenvFile | undefined): LaravelSessionStore | undefined {
  const look = (p: string): PhpScalar | undefined => settingValue(app, p, env);
  if (String(look('session.driver') ?? '').toLowerCase() !== 'redis') return undefined;
  const store = look('session.store');
  const storeName = typeof store === 'string' && store ? store : 'redis';
  const connection = look('session.connection');
  const redisPrefix = look('database.redis.options.prefix');
  const cachePrefix = look(`cache.stores.${storeName}.prefix`) ?? look('cache.prefix');
  if (redisPrefix === undefined || cachePrefix === undefined) return undefined;
  const cp = cachePrefix === null || cachePrefix === false ? '' : String(cachePrefix);
  const colon = (app.major ?? 11) <= 10 && cp !== '' ? ':' : '';
  const minutes = Number(look('session.lifetime') ?? NaN);
  return {
    connection: typeof connection === 'string' && connection ? connection : 'default',
    keyPrefix: `${redisPrefix ?? ''}${cp}${colon}`,
    client: String(look('database.redis.client') ?? 'phpredis'),
    ...(Number.isFinite(minutes) && minutes > 0 ? { lifetime: Math.round(minutes * 60) } : {}),
  };
}
