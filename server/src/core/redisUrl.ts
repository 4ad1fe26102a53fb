// Redis URLs (redis://, rediss://, as platforms put in REDIS_URL) and their conversion to the
// session.save_path phpredis understands.
import { rawurlencode } from './phpUrl.ts';

/** Env vars that hold a redis:// URL on Scalingo / Heroku: phpredis cannot use them as a save_path. */
export const REDIS_URL_ENV = /^(?:SCALINGO_)?REDIS(?:_TLS)?_URL$|^[A-Z0-9_]*REDIS[A-Z0-9_]*_URL$/;

/** A `redis://`, `rediss://` or `redis+unix://` URL (what REDIS_URL-style variables hold). */
export function isRedisUrl(value: string): boolean {
  return /^\s*(?:rediss?|redis\+unix):\/\//i.test(value);
}

/** Percent-decoding that never throws (a malformed `%` stays as is). */
function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    const bytes: number[] = [];
    const enc = new TextEncoder();
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...enc.encode(s[i]!));
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}

export interface RedisUrlOptions {
  /** Use `auth[]=user&auth[]=pass` (Redis 6 ACL) for a named user; default: password only. */
  acl?: boolean;
  /** The `timeout` to write (seconds, as text); default "2.5". */
  timeout?: string;
  /** For rediss://: add stream[verify_peer]=0&stream[verify_peer_name]=0 (self-signed certificates). */
  insecureTls?: boolean;
}

// Errors never repeat the URL: what did not parse cannot be masked reliably (a forgotten `@host`
// leaves the password where the port or the path would be), and the input box hides what was typed.
const URL_FORM = 'redis://[user:password@]host[:port][/db]';

/** Users that mean "the default user": password-only AUTH authenticates as `default`. */
const DEFAULT_USERS = new Set(['', 'default', 'h']);

/**
 * Converts a Redis URL to a phpredis `redis` handler save_path, e.g.
 * `redis://u:p@h:1234/2` → `tcp://h:1234?auth=p&database=2&timeout=2.5`.
 * Throws an Error with a readable message for anything it cannot convert.
 */
export function redisUrlToSavePath(url: string, opts: RedisUrlOptions = {}): string {
  const parts = splitRedisUrl(url);
  const params: [string, string][] = [];
  let base: string;
  let dbText: string | null = null;

  if (parts.scheme === 'redis' || parts.scheme === 'rediss') {
    if (!parts.host) throw new Error(`The Redis URL has no host (${URL_FORM}).`);
    if (parts.port !== '' && !/^[0-9]{1,5}$/.test(parts.port))
      throw new Error(`The Redis URL port is not a number (${URL_FORM}).`);
    base = `${parts.scheme === 'rediss' ? 'tls' : 'tcp'}://${parts.host}:${parts.port || '6379'}`;
    if (parts.path !== '' && parts.path !== '/') {
      const m = /^\/([0-9]+)\/?$/.exec(parts.path);
      if (!m) throw new Error('The Redis URL path is not a database number (redis://host:port/N).');
      dbText = m[1]!;
    }
  } else if (parts.scheme === 'unix' || parts.scheme === 'redis+unix') {
    const path = percentDecode(parts.host + parts.path);
    if (!path.startsWith('/')) throw new Error('The unix socket path must be absolute (unix:///path/to/redis.sock).');
    base = `unix://${path}`;
    dbText = parts.query.get('db');
    if (dbText !== null && !/^[0-9]+$/.test(dbText)) throw new Error(`The db "${dbText}" is not a database number`);
  } else {
    throw new Error(`Unsupported URL scheme "${parts.scheme}": expected redis://, rediss:// or unix://`);
  }

  const user = percentDecode(parts.user);
  const pass = percentDecode(parts.password) || (parts.query.get('password') ?? '');
  if (pass) {
    if (opts.acl && !DEFAULT_USERS.has(user)) params.push(['auth[]', user], ['auth[]', pass]);
    else params.push(['auth', pass]);
  }
  if (dbText !== null && BigInt(dbText) !== 0n) params.push(['database', String(BigInt(dbText))]);
  params.push(['timeout', opts.timeout ?? '2.5']);
  if (parts.scheme === 'rediss' && opts.insecureTls) {
    params.push(['stream[verify_peer]', '0'], ['stream[verify_peer_name]', '0']);
  }
  return `${base}?${params.map(([k, v]) => `${k}=${rawurlencode(v)}`).join('&')}`;
}

interface RedisUrlSplit {
  scheme: string;
  user: string;
  password: string;
  host: string;
  port: string;
  path: string;
  query: URLSearchParams;
}

/**
 * A lenient split of scheme://user:pass@host:port/path?query. Pasted passwords often carry
 * unencoded '/', '@' or '#', which a WHATWG parser rejects: the credentials end at the LAST '@'.
 */
function splitRedisUrl(url: string): RedisUrlSplit {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(url.trim());
  if (!m) throw new Error(`Not a Redis URL (${URL_FORM}).`);
  const scheme = m[1]!.toLowerCase();
  let rest = m[2]!;
  const at = rest.lastIndexOf('@');
  let user = '';
  let password = '';
  if (at >= 0) {
    const info = rest.slice(0, at);
    const colon = info.indexOf(':');
    user = colon >= 0 ? info.slice(0, colon) : info;
    password = colon >= 0 ? info.slice(colon + 1) : '';
    rest = rest.slice(at + 1);
  }
  const q = rest.search(/[?#]/);
  const queryText = q >= 0 && rest[q] === '?' ? rest.slice(q + 1).split('#')[0]! : '';
  if (q >= 0) rest = rest.slice(0, q);
  const slash = rest.indexOf('/');
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash) : '';
  const hm = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)!;
  return { scheme, user, password, host: hm[1]!, port: hm[2] ?? '', path, query: new URLSearchParams(queryText) };
}

/** What savePathServerToRedisUrl needs (a subset of savePath.ts's server model). */
export interface RedisUrlParts {
  scheme?: string;
  host?: string;
  port?: number;
  auth?: { user?: string; password: string };
  database?: number;
}

/**
 * The reverse: a `redis://`/`rediss://` URL for a tcp/tls save_path server, or null when there is
 * no URL form (unix sockets, unknown transports).
 */
export function savePathServerToRedisUrl(parts: RedisUrlParts): string | null {
  const scheme = (parts.scheme ?? 'tcp').toLowerCase();
  const proto =
    scheme === 'tcp' ? 'redis' : scheme === 'tls' || scheme === 'ssl' || scheme.startsWith('tlsv') ? 'rediss' : null;
  if (!proto || !parts.host) return null;
  const enc = (s: string): string => encodeURIComponent(s);
  const cred = parts.auth ? `${enc(parts.auth.user ?? '')}:${enc(parts.auth.password)}@` : '';
  const db = parts.database !== undefined && parts.database > 0 ? `/${parts.database}` : '';
  return `${proto}://${cred}${parts.host}:${parts.port || 6379}${db}`;
}
