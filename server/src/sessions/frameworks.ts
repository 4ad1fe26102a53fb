// Laravel's and Symfony's sessions in Redis: where their keys are (layouts by version), how to tell
// them from the keys, and the session as the framework sees it — Laravel's `_token`, `_previous`,
// `_flash`, `login_<guard>_<sha1>`; Symfony's `_sf2_attributes`, `_symfony_flashes` (FlashBag's
// storage key since 3.0; `_sf2_flashes` before) and `_sf2_meta` (MetadataBag: c, u, l) with its
// timestamps as dates (symfony/symfony 7.2 src/Symfony/Component/HttpFoundation/Session/). Pure:
// values in, a presentation out.
import { decodeUtf8, deref, encodeUtf8, type PhpArray, type PhpArrayEntry, type PhpValue } from './phpValue.ts';

export type SessionFramework = 'laravel' | 'symfony';

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
 * Laravel cache store also holds its cache entries, whose keys are not 40-character ids).
 */
export function detectFrameworkFromKeys(
  keys: readonly string[],
): { framework: SessionFramework; prefix: string } | undefined {
  const votes = new Map<string, { framework: SessionFramework; prefix: string; n: number }>();
  for (const key of keys) {
    let hit: { framework: SessionFramework; prefix: string } | undefined;
    if (key.startsWith(SYMFONY_DEFAULT_PREFIX) && key.length > SYMFONY_DEFAULT_PREFIX.length)
      hit = { framework: 'symfony', prefix: SYMFONY_DEFAULT_PREFIX };
    else if (frameworkSessionId('laravel', key) !== undefined)
      hit = { framework: 'laravel', prefix: key.slice(0, -40) };
    if (!hit) continue;
    const k = `${hit.framework}\0${hit.prefix}`;
    const v = votes.get(k) ?? { ...hit, n: 0 };
    v.n++;
    votes.set(k, v);
  }
  const best = [...votes.values()].sort((a, b) => b.n - a.n)[0];
  return best ? { framework: best.framework, prefix: best.prefix } : undefined;
}

/** Which framework a decoded session's variables belong to. */
export function detectFrameworkFromVariables(names: readonly string[]): SessionFramework | undefined {
  if (names.some((n) => n === '_sf2_attributes' || n === '_sf2_meta')) return 'symfony';
  if (names.includes('_token') || names.some((n) => /^login_\w+_[0-9a-f]{40}$/.test(n))) return 'laravel';
  return undefined;
}

/** One line of a framework's view of a session. */
export interface FrameworkField {
  /** The session variable (or path) it comes from. */
  name: string;
  /** What it is, in the framework's words. */
  label: string;
  value: PhpValue;
  /** A readable form when the raw value is not (a timestamp as a date). */
  display?: string;
}

export interface FrameworkView {
  framework: SessionFramework;
  /** The framework's own keys, explained. */
  fields: FrameworkField[];
  /** The application's own variables (Symfony: inside `_sf2_attributes`). */
  attributes: [name: string, value: PhpValue][];
  /** One line for a list: who, where from, when. */
  summary: string;
}

const str = (v: PhpValue | undefined): string | undefined => {
  const d = v && deref(v);
  if (!d) return undefined;
  if (d.kind === 'string') return decodeUtf8(d.bytes);
  if (d.kind === 'int') return d.value.toString();
  return undefined;
};

function entry(v: PhpValue | undefined, key: string): PhpValue | undefined {
  const d = v && deref(v);
  return d?.kind === 'array' ? d.entries.find((e) => String(e.key) === key)?.value : undefined;
}

function keysOf(v: PhpValue | undefined): string[] {
  const d = v && deref(v);
  if (d?.kind !== 'array') return [];
  return d.entries.flatMap((e) => {
    const inner = deref(e.value);
    return inner.kind === 'array'
      ? inner.entries.map((x) => str(x.value) ?? String(x.key))
      : [str(e.value) ?? String(e.key)];
  });
}

/** sha1('Illuminate\Auth\SessionGuard'): SessionGuard::getName() is 'login_'.$guard.'_'.sha1(static::class). */
export const LARAVEL_SESSION_GUARD_SHA1 = '59ba36addc2b2f9401580f014c7f58ea4e30989d';

function presentLaravel(vars: [string, PhpValue][]): FrameworkView {
  const fields: FrameworkField[] = [];
  const attributes: [string, PhpValue][] = [];
  let user: string | undefined;
  let from: string | undefined;
  for (const [name, value] of vars) {
    const login = /^login_(\w+?)_([0-9a-f]{40})$/.exec(name);
    if (name === '_token') fields.push({ name, label: 'CSRF token', value });
    else if (name === '_previous') {
      from = str(entry(value, 'url'));
      fields.push({ name, label: 'Previous URL', value, ...(from !== undefined ? { display: from } : {}) });
    } else if (name === '_flash') {
      const old = keysOf(entry(value, 'old'));
      const fresh = keysOf(entry(value, 'new'));
      fields.push({
        name,
        label: 'Flash data',
        value,
        display: `new: ${fresh.join(', ') || '—'}; old (removed after this request): ${old.join(', ') || '—'}`,
      });
    } else if (login) {
      const id = str(value);
      const standard = login[2] === LARAVEL_SESSION_GUARD_SHA1;
      user ??= id !== undefined ? `user ${id} (${login[1]})` : undefined;
      fields.push({
        name,
        label: `Logged-in user id, guard "${login[1]}"${standard ? '' : ' (a custom guard class)'}`,
        value,
        ...(id !== undefined ? { display: id } : {}),
      });
    } else if (/^password_hash_\w+$/.test(name))
      fields.push({ name, label: `Password hash check, guard "${name.slice(14)}" (AuthenticateSession)`, value });
    else if (name === 'url' && entry(value, 'intended') !== undefined) {
      const intended = str(entry(value, 'intended'));
      fields.push({ name, label: 'Intended URL (after login)', value, ...(intended ? { display: intended } : {}) });
    } else attributes.push([name, value]);
  }
  const summary = [user ?? 'guest', from ? `from ${from}` : undefined].filter(Boolean).join(' · ');
  return { framework: 'laravel', fields, attributes, summary };
}

/** A Unix timestamp as an ISO date (UTC), the way a person reads `_sf2_meta`. */
export function isoDate(seconds: bigint | number): string {
  const ms = Number(seconds) * 1000;
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(seconds);
}

function presentSymfony(vars: [string, PhpValue][]): FrameworkView {
  const fields: FrameworkField[] = [];
  let attributes: [string, PhpValue][] = [];
  let summary = '';
  let user: string | undefined;
  for (const [name, value] of vars) {
    const d = deref(value);
    if (name === '_sf2_attributes' && d.kind === 'array') {
      attributes = (d as PhpArray).entries.map((e) => [String(e.key), e.value]);
      const token = attributes.find(([k]) => k.startsWith('_security_'));
      if (token) user = `signed in (firewall ${token[0].slice(10)})`;
    } else if (name === '_sf2_meta' && d.kind === 'array') {
      const num = (k: string): bigint | undefined => {
        const v = entry(d, k);
        const x = v && deref(v);
        return x?.kind === 'int' ? x.value : undefined;
      };
      const created = num('c');
      const updated = num('u');
      const lifetime = num('l');
      if (created !== undefined)
        fields.push({ name: '_sf2_meta.c', label: 'Created', value: entry(d, 'c')!, display: isoDate(created) });
      if (updated !== undefined)
        fields.push({ name: '_sf2_meta.u', label: 'Last used', value: entry(d, 'u')!, display: isoDate(updated) });
      if (lifetime !== undefined)
        fields.push({
          name: '_sf2_meta.l',
          label: 'Cookie lifetime',
          value: entry(d, 'l')!,
          display: lifetime === 0n ? 'until the browser closes' : `${lifetime} s`,
        });
      summary = updated !== undefined ? `last used ${isoDate(updated)}` : '';
    } else if (name === '_symfony_flashes' || name === '_sf2_flashes') {
      const names = d.kind === 'array' ? d.entries.map((e) => String(e.key)) : [];
      fields.push({ name, label: 'Flash messages', value, display: names.join(', ') || '—' });
    } else attributes.push([name, value]);
  }
  for (const [k, v] of attributes) {
    if (k.startsWith('_security_'))
      fields.push({ name: `_sf2_attributes.${k}`, label: `Security token, firewall "${k.slice(10)}"`, value: v });
    else if (k.startsWith('_csrf/'))
      fields.push({ name: `_sf2_attributes.${k}`, label: `CSRF token "${k.slice(6)}"`, value: v });
  }
  attributes = attributes.filter(([k]) => !k.startsWith('_security_') && !k.startsWith('_csrf/'));
  return {
    framework: 'symfony',
    fields,
    attributes,
    summary: [user ?? 'anonymous', summary].filter(Boolean).join(' · '),
  };
}

/** The session as its framework sees it; undefined when it is not recognisably that framework's. */
export function presentSession(
  framework: SessionFramework | undefined,
  vars: [string, PhpValue][],
): FrameworkView | undefined {
  const fw = framework ?? detectFrameworkFromVariables(vars.map(([n]) => n));
  if (fw === 'laravel') return presentLaravel(vars);
  if (fw === 'symfony') return presentSymfony(vars);
  return undefined;
}

const phpStr = (s: string): PhpValue => ({ kind: 'string', bytes: encodeUtf8(s) });
const phpMap = (pairs: [string, PhpValue][]): PhpValue => ({
  kind: 'array',
  entries: pairs.map(([key, value]): PhpArrayEntry => ({ key, value })),
});

/**
 * The view as one value (canonical JSON prints it exactly, big integers included):
 * `{framework, summary, fields: [{name, label, display?, value}], attributes: {…}}`.
 */
export function frameworkViewValue(view: FrameworkView): PhpValue {
  return phpMap([
    ['framework', phpStr(view.framework)],
    ['summary', phpStr(view.summary)],
    [
      'fields',
      {
        kind: 'array',
        entries: view.fields.map((f, i) => ({
          key: BigInt(i),
          value: phpMap([
            ['name', phpStr(f.name)],
            ['label', phpStr(f.label)],
            ...(f.display !== undefined ? ([['display', phpStr(f.display)]] as [string, PhpValue][]) : []),
            ['value', f.value],
          ]),
        })),
      },
    ],
    ['attributes', phpMap(view.attributes)],
  ]);
}
