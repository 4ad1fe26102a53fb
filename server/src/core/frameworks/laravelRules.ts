// The Laravel rules: each finding sits on the line that decides the setting — the `.env` entry
// when the config reads that variable, or the literal in config/*.php.
import { finding, fix } from '../ruleContext.ts';
import { phpParseUrl } from '../phpUrl.ts';
import { nearest } from '../suggest.ts';
import type { Fix, Finding, ProjectInput, Severity } from '../types.ts';
import { deploymentOf } from './deployment.ts';
import { dotenvLiteral, lastEntry, laravelEnvValue, type DotenvEntry, type DotenvFile } from './dotenv.ts';
import {
  deciding,
  envNameOf,
  isTemplateEnv,
  LARAVEL_REDIS_CLIENTS,
  LARAVEL_SESSION_DRIVERS,
  redisConnections,
  settingExpr,
  settingValue,
  type LaravelApp,
  type LaravelConfigName,
} from './laravel.ts';
import type { PhpExpr } from './phpConfig.ts';
import { addRequirement, composerOf } from './project.ts';

/** A place a setting's value is written in the linted document, and that value. */
interface Site {
  value: string | boolean | null | number;
  start: number;
  end: number;
  /** The value text can be replaced exactly. */
  editable: boolean;
  /** How a replacement is written there. */
  literal: (v: string) => string;
}

export interface LaravelLintTarget {
  app: LaravelApp;
  project: ProjectInput;
  /** The linted document: a .env file, or one of config/session|database|cache.php. */
  kind: 'dotenv' | 'laravel-config';
  path: string;
  text: string;
  env?: DotenvFile;
  report: (f: Finding) => void;
}

const phpString = (v: string): string => `'${v.replace(/[\\']/g, '\\$&')}'`;

function entrySite(e: DotenvEntry): Site {
  return {
    value: laravelEnvValue(e.resolved),
    start: e.valueStart,
    end: e.valueEnd,
    editable: e.simple && e.valueEnd > e.valueStart,
    literal: (v) => (e.rawStart !== undefined && e.valueStart > e.rawStart ? v : dotenvLiteral(v)),
  };
}

function literalSite(e: PhpExpr | undefined): Site | undefined {
  if (!e) return undefined;
  if (e.kind === 'string') {
    return {
      value: e.value,
      start: e.start + 1,
      end: e.end - 1,
      editable: true,
      literal: (v) => v.replace(/[\\']/g, '\\$&'),
    };
  }
  if (e.kind === 'number' || e.kind === 'bool')
    return { value: e.value, start: e.start, end: e.end, editable: false, literal: phpString };
  return undefined;
}

/** Where the linted document writes the setting at `path` (config file path `session.driver`). */
function siteOf(t: LaravelLintTarget, path: string, fallback = true): Site | undefined {
  if (t.kind === 'dotenv') {
    const e = t.env && deciding(t.app, path, t.env);
    return e ? entrySite(e) : undefined;
  }
  const file = path.split('.')[0] as LaravelConfigName;
  if (t.path !== `config/${file}.php` && !t.path.endsWith(`/config/${file}.php`)) return undefined;
  const expr = settingExpr(t.app, path);
  // The project's .env decides when it sets the variable: the fallback is then not what runs.
  const name = envNameOf(expr);
  if (name && t.env && lastEntry(t.env, name)) return undefined;
  // A literal, or env()'s fallback literal (used whenever the variable is not set).
  return literalSite(expr) ?? (fallback && expr?.kind === 'env' ? literalSite(expr.fallback) : undefined);
}

const replaceFix = (site: Site, title: string, value: string, safe: boolean): Fix[] =>
  site.editable ? [fix(title, [{ start: site.start, end: site.end, newText: site.literal(value) }], safe)] : [];

function report(
  t: LaravelLintTarget,
  rule: Parameters<typeof finding>[0],
  site: Site,
  message: string,
  fixes: Fix[] = [],
  severity?: Severity,
): void {
  t.report(finding(rule, { start: site.start, end: site.end }, message, fixes, undefined, severity));
}

function checkDriver(t: LaravelLintTarget): void {
  const site = siteOf(t, 'session.driver');
  if (!site || typeof site.value !== 'string' || site.value === '') return;
  const driver = site.value.toLowerCase();
  if ((LARAVEL_SESSION_DRIVERS as readonly string[]).includes(driver)) return;
  const near = nearest(driver, LARAVEL_SESSION_DRIVERS);
  report(
    t,
    'laravel-unknown-session-driver',
    site,
    `"${site.value}" is not a Laravel session driver (${LARAVEL_SESSION_DRIVERS.join(', ')}): SessionManager throws "Driver [${site.value}] not supported." unless the app registers it with Session::extend().${near ? ` Did you mean "${near}"?` : ''}`,
    near ? replaceFix(site, `Change to "${near}"`, near, true) : [],
  );
}

function checkClient(t: LaravelLintTarget): void {
  const site = siteOf(t, 'database.redis.client');
  if (!site || typeof site.value !== 'string') return;
  if ((LARAVEL_REDIS_CLIENTS as readonly string[]).includes(site.value)) return;
  const near = nearest(site.value, LARAVEL_REDIS_CLIENTS, 4);
  report(
    t,
    'laravel-unknown-redis-client',
    site,
    `REDIS_CLIENT "${site.value}" is neither phpredis nor predis: RedisManager finds no connector (it compares case-sensitively) and every Redis call fails, sessions included.`,
    near ? replaceFix(site, `Change to "${near}"`, near, true) : [],
  );
}

function checkClientRequired(t: LaravelLintTarget): void {
  const driver = String(settingValue(t.app, 'session.driver', t.env) ?? '').toLowerCase();
  if (driver !== 'redis') return;
  const client = settingValue(t.app, 'database.redis.client', t.env);
  const needed = client === 'phpredis' ? 'ext-redis' : client === 'predis' ? 'predis/predis' : undefined;
  const composer = composerOf(t.project);
  if (!needed || !composer || composer.require.has(needed)) return;
  const site = siteOf(t, 'database.redis.client') ?? siteOf(t, 'session.driver');
  if (!site) return;
  const edits = addRequirement(composer, needed, '*');
  const dev = composer.requireDev.has(needed) ? ` It is only in require-dev, which production installs skip.` : '';
  report(
    t,
    'laravel-redis-client-not-required',
    site,
    `Sessions in Redis through the ${client} client need "${needed}" in composer.json's require: ${
      needed === 'ext-redis'
        ? 'without the phpredis extension Laravel fails with "Class \\"Redis\\" not found"'
        : 'without the package Laravel fails with "Class \\"Predis\\\\Client\\" not found"'
    } (PaaS buildpacks install only what require lists).${dev}`,
    edits
      ? [
          {
            title: `Add "${needed}": "*" to composer.json`,
            edits: [],
            safe: true,
            preferred: true,
            otherFiles: [edits],
          },
        ]
      : [],
  );
}

/** PHP's is_numeric for a string (leading whitespace and trailing whitespace allowed, PHP 8). */
const isNumeric = (s: string): boolean =>
  /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/.test(s);

function checkLifetime(t: LaravelLintTarget): void {
  const site = siteOf(t, 'session.lifetime');
  if (!site || site.value === null || typeof site.value === 'boolean') return;
  const text = String(site.value);
  const castInt = settingExpr(t.app, 'session.lifetime')?.kind === 'cast';
  const leading = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text);
  const n = leading ? Number(leading[0]) : 0;
  const numeric = isNumeric(text);
  if (numeric && (castInt ? Math.trunc(n) : n) > 0) return;
  const fixes = replaceFix(site, 'Set 120 minutes', '120', true);
  if (!numeric && leading && n > 0) {
    report(
      t,
      'laravel-invalid-session-lifetime',
      site,
      `SESSION_LIFETIME "${text}" is not a number of minutes: PHP reads ${castInt ? Math.trunc(n) : n} and warns "A non-numeric value encountered".`,
      fixes,
      'warning',
    );
    return;
  }
  report(
    t,
    'laravel-invalid-session-lifetime',
    site,
    !leading && !castInt
      ? `SESSION_LIFETIME "${text}" is not a number: "${text}" * 60 throws a TypeError in PHP 8 on every request that writes a session.`
      : `SESSION_LIFETIME "${text}" gives a lifetime of ${castInt ? Math.trunc(n) : n} minutes: the Redis key is written with a TTL of 1 second (RedisStore::put uses max(1, seconds)), so every session is lost at once.`,
    fixes,
  );
}

// ConfigurationUrlParser::getPrimaryOptions: these URL parts win over the connection's own keys.
const URL_PARTS: [part: 'host' | 'port' | 'user' | 'pass' | 'path', key: string][] = [
  ['host', 'host'],
  ['port', 'port'],
  ['user', 'username'],
  ['pass', 'password'],
  ['path', 'database'],
];

/** The Redis connection the sessions use (config/database.php `redis.<name>`), when the driver is redis. */
function sessionConnection(t: LaravelLintTarget): string | undefined {
  if (String(settingValue(t.app, 'session.driver', t.env) ?? '').toLowerCase() !== 'redis') return undefined;
  const c = settingValue(t.app, 'session.connection', t.env);
  return typeof c === 'string' && c !== '' ? c : 'default';
}

function checkRedisUrl(t: LaravelLintTarget): void {
  const conn = sessionConnection(t);
  if (t.kind !== 'dotenv' || !t.env || !conn) return;
  const urlSite = siteOf(t, `database.redis.${conn}.url`);
  if (!urlSite || typeof urlSite.value !== 'string' || urlSite.value === '') return;
  // ConfigurationUrlParser::parseUrl: sqlite:/// rewrite, then parse_url() or "malformed".
  const url = phpParseUrl(urlSite.value.replace(/^(sqlite3?):\/\/\//, '$1://null/'));
  if (!url) {
    report(
      t,
      'laravel-invalid-redis-url',
      urlSite,
      `PHP's parse_url() rejects REDIS_URL: Laravel throws "The database configuration URL is malformed." on the first Redis call.`,
    );
    return;
  }
  for (const [part, key] of URL_PARTS) {
    if (url[part] === undefined || (part === 'path' && (url.path === '' || url.path === '/'))) continue;
    const name = envNameOf(settingExpr(t.app, `database.redis.${conn}.${key}`));
    const shadowed = name ? deciding(t.app, `database.redis.${conn}.${key}`, t.env) : undefined;
    if (!shadowed || shadowed.value === null || shadowed.value === '') continue;
    const site = entrySite(shadowed);
    if (site.value === null) continue;
    report(
      t,
      'laravel-redis-url-shadows',
      site,
      `${name} is not used: REDIS_URL sets the ${key}, and Laravel's ConfigurationUrlParser merges the URL's parts over the connection's other settings.`,
    );
  }
}

function checkRedisSettings(t: LaravelLintTarget): void {
  const conn = sessionConnection(t);
  if (!conn) return;
  const urlValue = settingValue(t.app, `database.redis.${conn}.url`, t.env);
  const url = typeof urlValue === 'string' && urlValue ? phpParseUrl(urlValue) : null;
  const port = siteOf(t, `database.redis.${conn}.port`);
  if (
    port &&
    url?.port === undefined &&
    typeof port.value === 'string' &&
    port.value !== '' &&
    !isNumeric(port.value)
  ) {
    report(
      t,
      'laravel-invalid-redis-setting',
      port,
      `REDIS_PORT "${port.value}" is not a port number: phpredis's connect() throws a TypeError (predis fails to connect).`,
      replaceFix(port, 'Set 6379', '6379', false),
    );
  }
  const db = siteOf(t, `database.redis.${conn}.database`);
  const dbText = db && db.value !== null ? String(db.value) : '';
  if (db && (url?.path ?? '/') === '/' && dbText !== '' && !/^\d+$/.test(dbText.trim())) {
    // PhpRedisConnector selects (int) $database; predis sends SELECT with the text, which Redis refuses.
    const predis = settingValue(t.app, 'database.redis.client', t.env) === 'predis';
    report(
      t,
      'laravel-invalid-redis-setting',
      db,
      predis
        ? `REDIS_DB "${dbText}" is not a database number: predis sends SELECT ${dbText} and Redis answers "ERR value is not an integer or out of range" on every request.`
        : `REDIS_DB "${dbText}" is not a database number: Laravel selects (int) "${dbText}", so sessions end up in another database than the one you meant.`,
      [],
      predis ? 'error' : 'warning',
    );
  }
}

function checkConnection(t: LaravelLintTarget): void {
  const driver = String(settingValue(t.app, 'session.driver', t.env) ?? '').toLowerCase();
  if (driver !== 'redis') return;
  const site = siteOf(t, 'session.connection');
  if (!site || typeof site.value !== 'string' || site.value === '') return;
  const known = redisConnections(t.app);
  if (known.length === 0 || known.includes(site.value)) return;
  const near = nearest(site.value, known);
  report(
    t,
    'laravel-unknown-redis-connection',
    site,
    `SESSION_CONNECTION "${site.value}" is not a Redis connection of config/database.php (${known.join(', ')}): Laravel throws "Redis connection [${site.value}] not configured."`,
    near ? replaceFix(site, `Change to "${near}"`, near, true) : [],
  );
}

function checkLocalDisk(t: LaravelLintTarget): void {
  if (t.kind === 'dotenv' && isTemplateEnv(t.path)) return;
  // A fallback (`env('SESSION_DRIVER', 'file')`) is not judged: the platform's environment may set it.
  const site = siteOf(t, 'session.driver', false);
  if (!site || typeof site.value !== 'string' || !['file', 'apc', 'array'].includes(site.value.toLowerCase())) return;
  const d = deploymentOf(t.project);
  if (!d) return;
  report(
    t,
    'sessions-on-local-disk',
    site,
    `SESSION_DRIVER=${site.value} keeps sessions ${site.value === 'file' ? 'on the local disk' : 'in one process'} but ${d.reason}: users are logged out or see another container's state. Use redis (or database, cookie).`,
    replaceFix(site, 'Store sessions in Redis', 'redis', false),
  );
}

/** Every Laravel rule over one document. */
export function lintLaravel(t: LaravelLintTarget): void {
  checkDriver(t);
  checkClient(t);
  checkClientRequired(t);
  checkLifetime(t);
  checkRedisUrl(t);
  checkRedisSettings(t);
  checkConnection(t);
  checkLocalDisk(t);
}
