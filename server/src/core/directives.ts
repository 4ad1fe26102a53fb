// The session.* and redis.session.* directives PHP 8 and phpredis know, with what hover and
// completion say about them. Sources: php-src ext/session/session.c, phpredis redis.c INI table
// (which phpredis release has which: phpredisVersions.ts).
import { hasFact, PHPREDIS_DIRECTIVES, sinceText, type PhpredisVersion } from './phpredisVersions.ts';

export interface DirectiveDoc {
  name: string;
  doc: string;
  default: string;
  values?: string[];
}

const d = (name: string, def: string, doc: string, values?: string[]): DirectiveDoc => ({
  name,
  default: def,
  doc,
  values,
});

export const SAVE_HANDLERS = ['files', 'redis', 'rediscluster', 'memcached', 'memcache', 'mm'] as const;
export const SERIALIZE_HANDLERS = ['php', 'php_binary', 'php_serialize', 'igbinary', 'msgpack'] as const;
export const COMPRESSIONS = ['none', 'lzf', 'zstd', 'lz4'] as const;

export const DIRECTIVES: readonly DirectiveDoc[] = [
  d(
    'session.save_handler',
    'files',
    'Which storage module keeps the session data. `redis` and `rediscluster` come from the phpredis extension (`ext-redis`).',
    [...SAVE_HANDLERS],
  ),
  d(
    'session.save_path',
    '""',
    'Where the handler stores sessions. For `redis`: one or more URLs such as `tcp://host:6379?auth=secret&timeout=2.5` (quote the value in ini files). For `rediscluster`: `seed[]=host:port&seed[]=host:port&auth=…`.',
  ),
  d(
    'session.serialize_handler',
    'php',
    'How `$_SESSION` is turned into bytes. `igbinary` and `msgpack` need their extensions.',
    [...SERIALIZE_HANDLERS],
  ),
  d(
    'session.gc_maxlifetime',
    '1440',
    'Seconds after which session data is seen as garbage. With phpredis it is the TTL of each session key.',
  ),
  d(
    'session.gc_probability',
    '1',
    'Numerator of the chance to run garbage collection on session start (Redis expires keys itself).',
  ),
  d('session.gc_divisor', '100', 'Denominator of the garbage-collection chance.'),
  d('session.name', 'PHPSESSID', 'Name of the session cookie.'),
  d('session.auto_start', '0', 'Start a session on every request.'),
  d('session.use_strict_mode', '0', 'Refuse uninitialised session ids sent by the client.'),
  d('session.use_cookies', '1', 'Store the session id in a cookie.'),
  d('session.use_only_cookies', '1', 'Accept the session id from cookies only.'),
  d('session.use_trans_sid', '0', 'Transparent session id in URLs.'),
  d('session.trans_sid_tags', 'a=href,area=href,frame=src,form=', 'Tags rewritten when use_trans_sid is on.'),
  d('session.trans_sid_hosts', '""', 'Hosts rewritten when use_trans_sid is on.'),
  d('session.cookie_lifetime', '0', 'Lifetime of the session cookie in seconds (0 = until the browser closes).'),
  d('session.cookie_path', '/', 'Path of the session cookie.'),
  d('session.cookie_domain', '""', 'Domain of the session cookie.'),
  d('session.cookie_secure', '0', 'Send the cookie over HTTPS only.'),
  d('session.cookie_httponly', '0', 'Hide the cookie from JavaScript.'),
  d('session.cookie_samesite', '""', 'SameSite attribute of the cookie.', ['Lax', 'Strict', 'None']),
  d('session.referer_check', '""', 'Substring the HTTP Referer must contain.'),
  d('session.cache_limiter', 'nocache', 'Cache-control headers sent with sessions.', [
    'nocache',
    'private',
    'private_no_expire',
    'public',
  ]),
  d('session.cache_expire', '180', 'Minutes cached session pages live.'),
  d('session.sid_length', '32', 'Length of generated session ids (deprecated in PHP 8.4).'),
  d('session.sid_bits_per_character', '4', 'Bits per session id character (deprecated in PHP 8.4).', ['4', '5', '6']),
  d('session.lazy_write', '1', 'Write session data only when it changed.'),
  d('session.upload_progress.enabled', '1', 'Track upload progress in the session.'),
  d('session.upload_progress.cleanup', '1', 'Clean the upload progress when the upload ends.'),
  d('session.upload_progress.prefix', 'upload_progress_', 'Prefix of the upload progress key.'),
  d('session.upload_progress.name', 'PHP_SESSION_UPLOAD_PROGRESS', 'Name of the upload progress field.'),
  d('session.upload_progress.freq', '1%', 'How often the upload progress is updated.'),
  d('session.upload_progress.min_freq', '1', 'Minimum delay between upload progress updates.'),
  d(
    'redis.session.locking_enabled',
    '0',
    'phpredis: lock the session while a request uses it (standalone `redis` handler only).',
    ['0', '1'],
  ),
  d(
    'redis.session.lock_expire',
    '0',
    'phpredis: lock TTL in seconds. `0` uses `max_execution_time`; when that is 0 too (CLI, workers) the lock never expires.',
  ),
  d(
    'redis.session.lock_wait_time',
    '20000',
    'phpredis: microseconds between lock attempts (the default was 2000 before phpredis 6.0, commit 687a0b40).',
  ),
  d(
    'redis.session.lock_retries',
    '100',
    'phpredis: lock attempts (`-1` = forever; the default was 10 before phpredis 6.0, commit 306fa25c).',
  ),
  d(
    'redis.session.lock_failure_readonly',
    '0',
    'phpredis: when the lock cannot be acquired, open the session read-only instead of failing.',
    ['0', '1'],
  ),
  d(
    'redis.session.lock_release_cmd',
    'eval',
    'phpredis: how the session lock is released: `eval` (a Lua script), `delex` (Redis) or `delifeq` (Valkey); an unavailable command falls back to `eval`.',
    ['eval', 'delex', 'delifeq'],
  ),
  d(
    'redis.session.early_refresh',
    '0',
    'phpredis: refresh the TTL on read with GETEX (Redis ≥ 6.2). The rediscluster handler reads it since phpredis 6.0, the redis handler since 6.1.',
    ['0', '1'],
  ),
  d('redis.session.compression', 'none', 'phpredis: compress session data. Only codecs phpredis was built with work.', [
    ...COMPRESSIONS,
  ]),
  d('redis.session.compression_level', '3', 'phpredis: compression level for zstd/lz4.'),
];

const BY_NAME = new Map(DIRECTIVES.map((x) => [x.name, x]));

export function directiveDoc(name: string): DirectiveDoc | undefined {
  return BY_NAME.get(name);
}

const LANE_PREFIX = /^(?:session|redis)\./i;

/** Names the linter owns: PHP's session directives and phpredis's (a typo there is worth a warning). */
export function isLaneDirective(name: string): boolean {
  // Case-insensitive: PHP's names are not, so `Session.save_handler` is an unknown directive.
  return LANE_PREFIX.test(name);
}

export type DirectiveStatus =
  | { known: true }
  /** A phpredis directive that came after the judged release: PHP ignores it there (`since`: "phpredis 6.1.0"). */
  | { known: false; since: string }
  | { known: false };

/** Whether PHP (with phpredis `version`) knows directive `name`. */
export function directiveStatus(name: string, version: PhpredisVersion): DirectiveStatus {
  const fact = PHPREDIS_DIRECTIVES[name];
  if (fact) return hasFact(fact, version) ? { known: true } : { known: false, since: sinceText(fact) };
  if (BY_NAME.has(name) && !name.startsWith('redis.')) return { known: true };
  return { known: false };
}

/** Every directive name the linter can suggest for a typo. */
export const KNOWN_DIRECTIVE_NAMES: readonly string[] = [
  ...new Set([...DIRECTIVES.map((x) => x.name), ...Object.keys(PHPREDIS_DIRECTIVES)]),
];

export interface ParamDoc {
  name: string;
  doc: string;
  default: string;
}

const p = (name: string, def: string, doc: string): ParamDoc => ({ name, default: def, doc });

/** Query parameters phpredis reads in a `redis` save_path (redis_session.c). */
export const REDIS_PARAMS: readonly ParamDoc[] = [
  p('weight', '1', 'Share of sessions this server gets in a pool. Must be an integer > 0.'),
  p(
    'timeout',
    '86400',
    'Connect timeout in seconds (float > 0). The default of one day stalls every worker when Redis is down: set `2.5`.',
  ),
  p('read_timeout', '0', "Read timeout in seconds (float ≥ 0; 0 = PHP's default_socket_timeout)."),
  p(
    'persistent',
    '0',
    'Reuse the connection across requests: `1`, `true` or `yes` (anything else, even `on`, is false).',
  ),
  p('persistent_id', '—', 'Identifier of the persistent connection pool.'),
  p('database', '-1', 'Database number selected after AUTH (integer ≥ 0; 0 sends no SELECT).'),
  p('retry_interval', '0', 'Milliseconds between reconnection attempts (integer ≥ 0).'),
  p('prefix', 'PHPREDIS_SESSION:', 'Prefix of session keys.'),
  p('auth', '—', 'Password (`auth=secret`) or ACL user and password (`auth[]=user&auth[]=secret`), percent-encoded.'),
  p('stream', '—', 'TLS stream context options, e.g. `stream[verify_peer]=0` (only with `tls://`).'),
];

/** Query parameters phpredis reads in a `rediscluster` save_path. */
export const CLUSTER_PARAMS: readonly ParamDoc[] = [
  p('seed', '—', 'Cluster nodes to discover from: `seed[]=host:port`, repeated.'),
  p('timeout', '0', 'Connect timeout in seconds (≥ 0).'),
  p('read_timeout', '0', 'Read timeout in seconds (≥ 0).'),
  p('failover', 'none', '`none`, `error` or `distribute`: reads from replicas.'),
  p('persistent', '0', 'Reuse connections: `1`, `true` or `yes`.'),
  p('prefix', 'PHPREDIS_CLUSTER_SESSION:', 'Prefix of session keys.'),
  p('auth', '—', 'Password or `auth[]=user&auth[]=secret`.'),
  p('stream', '—', 'TLS stream context options, e.g. `stream[verify_peer]=0`.'),
];
