// A Redis DSN read the way Symfony reads it: the parsing half of
// Symfony\Component\Cache\Traits\RedisTrait::createConnection (symfony/symfony 5.4 @706d8628,
// 7.2 @5feb7493), which SessionHandlerFactory::createHandler calls for a `redis:`/`rediss:`
// `framework.session.handler_id`, plus the factory's own `prefix`/`ttl` query options. Pure: it
// says what Symfony would connect to, or the exception Symfony would throw, without connecting.
import { binToString, buildPhpArray, parsePhpQuery, PhpArray, phpUrlDecode, type QueryParam } from '../phpQuery.ts';
import { phpParseUrl } from '../phpUrl.ts';
import { zvalGetLong } from '../phpNumeric.ts';
import type { Span } from '../span.ts';

export interface SymfonyRedisHost {
  scheme: 'tcp' | 'tls' | 'unix';
  host?: string;
  port?: number;
  path?: string;
}

/** Which Symfony reads the DSN: the ACL user is sent from 6.1 on, `sentinel_master` exists from 7.1. */
export interface SymfonyVersion {
  major: number;
  minor: number;
}

export interface SymfonyDsnParam {
  /** The top-level name PHP registers (`host[a:1]` → `host`). */
  name: string;
  value: string;
  span: Span;
  keySpan: Span;
}

export type SymfonyDsn =
  | { ok: false; message: string; span?: Span }
  | {
      ok: true;
      tls: boolean;
      hosts: SymfonyRedisHost[];
      /** SELECTed database (a string as Symfony keeps it). */
      dbindex: string;
      /**
       * What AUTH sends: a password, or [user, password] (Symfony ≥ 6.1); absent: no AUTH. One
       * server (and a sentinel) takes it from the userinfo; RedisCluster and RedisArray from `?auth=`.
       */
      auth?: string | [string, string];
      /** The userinfo's user part, dropped by Symfony < 6.1 (only the password is sent). */
      droppedUser?: string;
      /** Credentials written where this topology does not read them (userinfo on a cluster, `?auth=` on one server). */
      ignoredAuth?: 'userinfo' | 'query';
      cluster: boolean;
      sentinel?: string;
      /** RedisSessionHandler options SessionHandlerFactory takes from the query. */
      prefix?: string;
      ttl?: string;
      /** Every query parameter, as PHP's parse_str reads it (spans are DSN offsets). */
      params: SymfonyDsnParam[];
      /** Where the userinfo (`user:pass@`) sits, when there is one. */
      userinfoSpan?: Span;
    };

/** The options createConnection reads (RedisTrait::$defaultConnectionOptions, plus `host`, `auth`), and the factory's. */
export const SYMFONY_DSN_OPTIONS = [
  'class',
  'persistent',
  'persistent_id',
  'timeout',
  'read_timeout',
  'retry_interval',
  'tcp_keepalive',
  'lazy',
  'redis_cluster',
  'redis_sentinel',
  'sentinel_master',
  'dbindex',
  'failover',
  'ssl',
  'host',
  'auth',
  'prefix',
  'ttl',
] as const;

/** rawurldecode(): `%XX` decoded, `+` kept. */
function rawUrlDecode(s: string): string {
  return binToString(phpUrlDecode(s.replace(/\+/g, '%2B')));
}

/** PHP's filter_var(FILTER_VALIDATE_BOOLEAN) without NULL_ON_FAILURE: only the true words are true. */
function filterBool(v: string): boolean {
  return ['1', 'true', 'on', 'yes'].includes(v.trim().toLowerCase());
}

const fail = (message: string, span?: Span): SymfonyDsn => ({ ok: false, message, ...(span ? { span } : {}) });

function topParams(params: QueryParam[], delta: number): SymfonyDsnParam[] {
  return params
    .filter((p) => !p.ignored)
    .map((p) => ({
      name: binToString(p.name),
      value: p.value,
      span: { start: p.span.start + delta, end: p.span.end + delta },
      keySpan: { start: p.keySpan.start + delta, end: p.keySpan.end + delta },
    }));
}

/**
 * Parses a `redis:`/`rediss:` DSN as Symfony's createConnection does (with `lazy`: nothing is
 * connected, so only the DSN's own errors are thrown). `version` defaults to the newest rules.
 */
export function parseSymfonyRedisDsn(dsn: string, version: SymfonyVersion = { major: 7, minor: 2 }): SymfonyDsn {
  let scheme: 'redis' | 'rediss';
  if (dsn.startsWith('redis:')) scheme = 'redis';
  else if (dsn.startsWith('rediss:')) scheme = 'rediss';
  else return fail('Invalid Redis DSN: it does not start with "redis[s]:".', { start: 0, end: dsn.indexOf(':') + 1 });
  const acl = version.major > 6 || (version.major === 6 && version.minor >= 1);

  // '#^'.$scheme.':(//)?(?:(?:(?<user>[^:@]*+):)?(?<password>[^@]*+)@)?#' → 'file:'.$m[1]
  const m = new RegExp(`^${scheme}:(//)?(?:(?:([^:@]*):)?([^@]*)@)?`).exec(dsn)!;
  let auth: string | [string, string] | undefined;
  let droppedUser: string | undefined;
  let userinfoSpan: Span | undefined;
  if (m[3] !== undefined) {
    const user = m[2] ?? '';
    const password = rawUrlDecode(m[3]);
    userinfoSpan = { start: scheme.length + 1 + (m[1]?.length ?? 0), end: m[0].length };
    if (!acl || user === '' || user === 'default') {
      auth = password;
      if (!acl && user !== '') droppedUser = rawUrlDecode(user);
    } else auth = [rawUrlDecode(user), password];
    if (auth === '') auth = undefined;
  }
  const replaced = `file:${m[1] ?? ''}`;
  const rest = dsn.slice(m[0].length);
  const delta = m[0].length - replaced.length; // rewritten-string offset → DSN offset
  const url = phpParseUrl(replaced + rest);
  if (!url) return fail('Invalid Redis DSN.');

  const tls = scheme === 'rediss';
  const tcpScheme = tls ? 'tls' : 'tcp';
  let hosts: SymfonyRedisHost[] = [];
  let query = new PhpArray();
  let params: SymfonyDsnParam[] = [];
  if (url.query !== undefined) {
    const qStart = url.spans.query!.start + delta;
    const parsed = parsePhpQuery(url.query);
    params = topParams(parsed, qStart);
    query = buildPhpArray(parsed);
    const hostParam = query.get('host');
    if (hostParam !== undefined) {
      if (!(hostParam instanceof PhpArray)) {
        const p = params.find((x) => x.name === 'host');
        return fail('Invalid Redis DSN: query parameter "host" must be an array.', p?.span);
      }
      for (const [key, parameters] of hostParam.entries()) {
        void parameters; // per-host options (weight, alias…) do not change where it connects
        const host = String(key);
        const i = host.lastIndexOf(':');
        if (i < 0) hosts.push({ scheme: tcpScheme, host, port: 6379 });
        else {
          const port = Number(zvalGetLong(host.slice(i + 1)));
          if (port) hosts.push({ scheme: tcpScheme, host: host.slice(0, i), port });
          else hosts.push({ scheme: 'unix', path: host.slice(0, i) });
        }
      }
    }
  }
  const str = (k: string): string | undefined => {
    const v = query.get(k);
    return typeof v === 'string' ? binToString(v) : undefined;
  };

  let dbindex: string | undefined;
  if (url.host !== undefined || url.path !== undefined) {
    let path = url.path;
    if (path !== undefined) {
      const dm = /\/(\d+)?$/.exec(path);
      if (dm) {
        dbindex = dm[1] ?? str('dbindex') ?? '0';
        path = path.slice(0, path.length - dm[0].length);
      } else if (url.host !== undefined) {
        const s = url.spans.path!;
        return fail('Invalid Redis DSN: parameter "dbindex" must be a number.', {
          start: s.start + delta,
          end: s.end + delta,
        });
      }
    }
    if (url.host !== undefined) hosts = [{ scheme: tcpScheme, host: url.host, port: url.port ?? 6379 }, ...hosts];
    else hosts = [{ scheme: 'unix', path: path ?? '' }, ...hosts];
  }
  if (hosts.length === 0) return fail('Invalid Redis DSN: missing host.');
  const queryDb = str('dbindex');
  if (dbindex !== undefined && queryDb !== undefined && dbindex !== queryDb)
    return fail('Invalid Redis DSN: path and query "dbindex" parameters mismatch.');

  // $params += $query + $options + defaults: the URL's own parts win over same-named query keys.
  const opt = (k: string): string | undefined => str(k);
  const sentinelMaster =
    version.major > 7 || (version.major === 7 && version.minor >= 1) ? opt('sentinel_master') : undefined;
  if (opt('redis_sentinel') !== undefined && sentinelMaster !== undefined)
    return fail('Cannot use both "redis_sentinel" and "sentinel_master" at the same time.');
  const sentinel = opt('redis_sentinel') ?? sentinelMaster;
  const cluster = filterBool(opt('redis_cluster') ?? '');
  if (cluster && sentinel !== undefined)
    return fail('Cannot use both "redis_cluster" and "redis_sentinel" at the same time.');

  // SessionHandlerFactory: parse_url() of the DSN itself, then its query's prefix and ttl.
  const factoryUrl = phpParseUrl(dsn);
  const factoryQuery = factoryUrl ? buildPhpArray(parsePhpQuery(factoryUrl.query ?? '')) : new PhpArray();
  const fq = (k: string): string | undefined => {
    const v = factoryQuery.get(k);
    return typeof v === 'string' ? binToString(v) : undefined;
  };
  const prefix = fq('prefix');
  const ttl = fq('ttl');

  // RedisCluster and RedisArray get `$params['auth']`; \Redis gets the userinfo (and a sentinel both).
  const queryAuth = opt('auth');
  const multi = cluster || (hosts.length > 1 && sentinel === undefined);
  let ignoredAuth: 'userinfo' | 'query' | undefined;
  if (multi) {
    if (userinfoSpan && auth !== undefined) ignoredAuth = 'userinfo';
    auth = queryAuth === undefined || queryAuth === '' ? undefined : queryAuth;
  } else if (queryAuth !== undefined && sentinel === undefined) ignoredAuth = 'query';

  return {
    ok: true,
    tls,
    hosts,
    dbindex: dbindex ?? queryDb ?? '0',
    ...(auth !== undefined ? { auth } : {}),
    ...(ignoredAuth ? { ignoredAuth } : {}),
    ...(droppedUser !== undefined ? { droppedUser } : {}),
    cluster,
    ...(sentinel !== undefined ? { sentinel } : {}),
    ...(prefix !== undefined ? { prefix } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
    params,
    ...(userinfoSpan ? { userinfoSpan } : {}),
  };
}

/** The session handler SessionHandlerFactory::createHandler makes of a DSN string. */
export function sessionHandlerKind(dsn: string): 'redis' | 'memcached' | 'file' | 'pdo' | 'unsupported' {
  if (dsn.startsWith('file://')) return 'file';
  if (dsn.startsWith('redis:') || dsn.startsWith('rediss:')) return 'redis';
  if (dsn.startsWith('memcached:')) return 'memcached';
  if (/^(pdo_oci|mssql|mysql2?|pgsql|postgres(ql)?|sqlsrv|sqlite3?):\/\//.test(dsn)) return 'pdo';
  return 'unsupported';
}
