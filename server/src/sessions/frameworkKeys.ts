// Where Laravel's and Symfony's sessions are in Redis: their key layouts by version, and how to
// tell them from the keys (laravel/laravel 8.x-12.x config/database.php and config/cache.php;
// laravel/framework src/Illuminate/Cache/RedisStore.php; symfony/symfony src/Symfony/Component/
// HttpFoundation/Session/Storage/Handler/RedisSessionHandler.php). Pure, and free of the decoders:
// the Redis access filters keys with it.
import type { SessionFramework } from './sessionFormats.ts';

export type { SessionFramework };

export const SESSION_FRAMEWORKS: readonly SessionFramework[] = ['laravel', 'symfony'];

/**
 * Laravel's default session key prefix per major version for an APP_NAME: the Redis option
 * prefix (`REDIS_PREFIX`, default `Str::slug(APP_NAME, '_').'_database_'`) followed by the cache
 * prefix (`CACHE_PREFIX`), with RedisStore::setPrefix's `:` up to 10 (laravel/laravel 8.x-12.x
 * config/database.php and config/cache.php; laravel/framework src/Illuminate/Cache/RedisStore.php).
 */
export function laravelDefaultPrefixes(
  slugUnderscore = 'laravel',
  slugDash = 'laravel',
): { versions: string; prefix: string }[] {
  return [
    { versions: '8-10', prefix: `${slugUnderscore}_database_${slugUnderscore}_cache:` },
    { versions: '11', prefix: `${slugUnderscore}_database_${slugUnderscore}_cache_` },
    { versions: '12+', prefix: `${slugDash}-database-${slugDash}-cache-` },
  ];
}

/** Symfony RedisSessionHandler's default prefix (its `prefix` option). */
export const SYMFONY_DEFAULT_PREFIX = 'sf_s';

/** Laravel session ids: Str::random(40) (Illuminate\Session\Store::generateSessionId). */
const LARAVEL_ID = /^[A-Za-z0-9]{40}$/;

/** The SCAN pattern that finds a framework's session keys when the prefix is not known. */
export function frameworkScanPattern(framework: SessionFramework, prefix?: string): string {
  if (prefix !== undefined) return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  return framework === 'symfony' ? `${SYMFONY_DEFAULT_PREFIX}*` : '*';
}

/** A key's framework session id under a layout, or undefined when the key is not one of its sessions. */
export function frameworkSessionId(framework: SessionFramework, key: string, prefix?: string): string | undefined {
  if (framework === 'symfony') {
    const p = prefix ?? SYMFONY_DEFAULT_PREFIX;
    return key.startsWith(p) && key.length > p.length ? key.slice(p.length) : undefined;
  }
  if (prefix !== undefined) {
    const id = key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
    return id !== undefined && LARAVEL_ID.test(id) ? id : undefined;
  }
  const id = key.slice(-40);
  return key.length > 40 && LARAVEL_ID.test(id) && /cache[:_-]$/.test(key.slice(0, -40)) ? id : undefined;
}

/**
 * Which framework wrote these keys, and under which prefix: the layout most keys follow (a
 * Laravel cache store also holds its cache entries, whose keys are not 40-character ids). With
 * `only`, that framework's layouts alone.
 */
export function detectFrameworkFromKeys(
  keys: readonly string[],
  only?: SessionFramework,
): { framework: SessionFramework; prefix: string } | undefined {
  const votes = new Map<string, { framework: SessionFramework; prefix: string; n: number }>();
  for (const key of keys) {
    let hit: { framework: SessionFramework; prefix: string } | undefined;
    if (key.startsWith(SYMFONY_DEFAULT_PREFIX) && key.length > SYMFONY_DEFAULT_PREFIX.length)
      hit = { framework: 'symfony', prefix: SYMFONY_DEFAULT_PREFIX };
    else if (frameworkSessionId('laravel', key) !== undefined)
      hit = { framework: 'laravel', prefix: key.slice(0, -40) };
    if (!hit || (only && hit.framework !== only)) continue;
    const k = `${hit.framework}\0${hit.prefix}`;
    const v = votes.get(k) ?? { ...hit, n: 0 };
    v.n++;
    votes.set(k, v);
  }
  const best = [...votes.values()].sort((a, b) => b.n - a.n)[0];
  return best ? { framework: best.framework, prefix: best.prefix } : undefined;
}
