// The model of session.save_path as phpredis reads it: PS_OPEN_FUNC(redis) and
// PS_OPEN_FUNC(rediscluster) in redis_session.c, redis_conf_* / redis_extract_auth_info in
// library.c, get_valid_seeds in cluster_library.c. Pure: no I/O. All offsets are UTF-16
// offsets into the `value` passed in.

import { phpParseUrl, rawurlencode, shiftUrlSpans, type PhpUrl, type Span } from './phpUrl.ts';
import {
  binToString,
  buildPhpArray,
  parsePhpQuery,
  PhpArray,
  type PhpKey,
  type PhpValue,
  type QueryParam,
} from './phpQuery.ts';
import { redisConfBool, toCInt, zvalGetDouble, zvalGetLong } from './phpNumeric.ts';
import { savePathServerToRedisUrl } from './redisUrl.ts';

export type { Span } from './phpUrl.ts';

export const REDIS_SESSION_PREFIX = 'PHPREDIS_SESSION:';
export const REDIS_CLUSTER_SESSION_PREFIX = 'PHPREDIS_CLUSTER_SESSION:';
export const REDIS_DEFAULT_PORT = 6379;
const INT_MAX = 2147483647;

// ---------------------------------------------------------------------------------------------
// Tokens

export interface SavePathToken {
  text: string;
  span: Span;
}

/** C isspace() in the C locale. */
const isCSpace = (c: string): boolean => c === ' ' || (c >= '\t' && c <= '\r');

/** save_path is a C string to phpredis: it ends at the first NUL. */
function cString(value: string): string {
  const nul = value.indexOf('\0');
  return nul >= 0 ? value.slice(0, nul) : value;
}

/** The server URLs PS_OPEN_FUNC(redis) cuts out: any whitespace or ',' separates. */
export function splitSavePath(value: string): SavePathToken[] {
  const s = cString(value);
  const out: SavePathToken[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (isCSpace(s[i]!) || s[i] === ',')) i++;
    let j = i;
    while (j < s.length && !isCSpace(s[j]!) && s[j] !== ',') j++;
    if (i < j) out.push({ text: s.slice(i, j), span: { start: i, end: j } });
    i = j + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Settings shared by both handlers

export type SavePathAuth =
  | { kind: 'none' }
  /** `auth=PASS` or a one-element array: AUTH PASS (an empty password is still sent). */
  | { kind: 'password'; password: string; passwordBin: string }
  /** `auth[]=USER&auth[]=PASS` (or auth[user]/auth[pass]): AUTH USER PASS. */
  | { kind: 'user-password'; user: string; userBin: string; password: string; passwordBin: string }
  /** An array with 0 or ≥ 3 elements: phpredis warns and sends no AUTH. */
  | { kind: 'array-size'; count: number }
  /** A 1-2 element array without a usable password key/index: no AUTH, no warning. */
  | { kind: 'array-no-password' };

/** zval_get_string(): arrays become "Array". */
function zvalString(v: PhpValue): string {
  return typeof v === 'string' ? v : 'Array';
}
/** zval_get_long() / zval_get_double() of an array: 1 when non-empty, else 0. */
function zvalLong(v: PhpValue): bigint {
  return typeof v === 'string' ? zvalGetLong(v) : v.size > 0 ? 1n : 0n;
}
function zvalDouble(v: PhpValue): number {
  return typeof v === 'string' ? zvalGetDouble(v) : v.size > 0 ? 1 : 0;
}

/** redis_extract_auth_info(). */
export function extractAuth(v: PhpValue | undefined): SavePathAuth {
  if (v === undefined) return { kind: 'none' };
  const pw = (bin: string) => ({ password: binToString(bin), passwordBin: bin });
  if (typeof v === 'string') return { kind: 'password', ...pw(v) };
  const n = v.size;
  if (n !== 1 && n !== 2) return { kind: 'array-size', count: n };
  const pick = (name: string, index: bigint): PhpValue | undefined => v.get(name) ?? v.get(index);
  let user: PhpValue | undefined;
  let pass: PhpValue | undefined;
  if (n === 2) {
    user = pick('user', 0n);
    pass = pick('pass', 1n);
  } else pass = pick('pass', 0n);
  if (pass === undefined) return { kind: 'array-no-password' };
  const passBin = zvalString(pass);
  if (user === undefined) return { kind: 'password', ...pw(passBin) };
  const userBin = zvalString(user);
  return { kind: 'user-password', user: binToString(userBin), userBin, ...pw(passBin) };
}

/** `stream[...]`: used only when it is an array; only string keys reach the ssl context. */
function streamOptions(arr: PhpArray): { stream: PhpArray | null; streamOptions: [string, PhpValue][] } {
  const s = arr.get('stream');
  if (!(s instanceof PhpArray)) return { stream: null, streamOptions: [] };
  const opts = s.entries().filter((e): e is [string, PhpValue] => typeof e[0] === 'string');
  return { stream: s, streamOptions: opts };
}

// ---------------------------------------------------------------------------------------------
// redis handler

export interface RedisServerSettings {
  /** C int (zval_get_long truncated to 32 bits); <= 0 fails. Default 1. */
  weight: number;
  /** Connect timeout in seconds (zval_get_double); <= 0 fails. Default 86400. */
  timeout: number;
  readTimeout: number;
  persistent: boolean;
  persistentId: string | null;
  /** C int; -1 (default) and 0 send no SELECT. */
  database: number;
  /** Milliseconds (zend_long). */
  retryInterval: bigint;
  prefix: string;
  prefixBin: string;
  auth: SavePathAuth;
  /** The `stream` array (honoured for the standalone handler since phpredis 6.0). */
  stream: PhpArray | null;
  /** Its string-keyed entries: the `ssl` stream-context options. */
  streamOptions: [string, PhpValue][];
}

export interface SavePathAddress {
  kind: 'tcp' | 'unix';
  /** url scheme, or "tcp" when the URL had none ("unix" for a socket path). */
  scheme: string;
  host?: string;
  /** Effective port: the URL's, 0 → 6379; 0 for a unix socket. */
  port: number;
  /** Socket path (kind "unix"), or the bare name used as a host when it is not absolute. */
  path?: string;
  /** What php_stream_xport_create() receives, e.g. "tcp://127.0.0.1:6379", "unix:///run/redis.sock". */
  transport: string;
}

export type SavePathFailReason = 'url' | 'no-host-or-path' | 'weight' | 'timeout';

export interface SavePathServer {
  /** The token as written, and where. */
  text: string;
  span: Span;
  /** The token starts with `unix:`, which phpredis rewrites to `file:` before parsing. */
  unixRewrite: boolean;
  /** The string php_url_parse_ex() saw. */
  parsedText: string;
  /** parse_url() of parsedText, spans in save_path offsets; null = PHP's parser failed. */
  url: PhpUrl | null;
  /** The string handed to treat_data: the query, plus `#fragment` when there is one. */
  query: { text: string; span: Span; fragmentJoined: boolean } | null;
  /** Its pairs, spans in save_path offsets. */
  params: QueryParam[];
  /** The PHP array phpredis reads settings from (originOf() gives the param index). */
  array: PhpArray;
  settings: RedisServerSettings;
  /** Where phpredis connects; null when the server fails to parse. */
  address: SavePathAddress | null;
  /** phpredis warns "Failed to parse session.save_path" and session_start() fails. */
  failsToParse: boolean;
  failReason: SavePathFailReason | null;
}

export interface RedisSavePath {
  servers: SavePathServer[];
  /** PS_OPEN fails: no server at all, or one that fails to parse (phpredis stops at the first). */
  openFails: boolean;
}

function redisSettings(arr: PhpArray): RedisServerSettings {
  const get = (k: string): PhpValue | undefined => arr.get(k);
  const w = get('weight');
  const t = get('timeout');
  const rt = get('read_timeout');
  const p = get('persistent');
  const pid = get('persistent_id');
  const db = get('database');
  const ri = get('retry_interval');
  const pre = get('prefix');
  const prefixBin = pre === undefined ? REDIS_SESSION_PREFIX : zvalString(pre);
  return {
    weight: w === undefined ? 1 : toCInt(zvalLong(w)),
    timeout: t === undefined ? 86400 : zvalDouble(t),
    readTimeout: rt === undefined ? 0 : zvalDouble(rt),
    persistent: p === undefined ? false : redisConfBool(zvalString(p)),
    persistentId: pid === undefined ? null : binToString(zvalString(pid)),
    database: db === undefined ? -1 : toCInt(zvalLong(db)),
    retryInterval: ri === undefined ? 0n : zvalLong(ri),
    prefix: binToString(prefixBin),
    prefixBin,
    auth: extractAuth(get('auth')),
    ...streamOptions(arr),
  };
}

/** redis_sock_connect()'s view of the address (phpredis 6.x; IPv6 hosts keep/gain brackets). */
function connectAddress(url: PhpUrl, hasStream: boolean): SavePathAddress {
  const scheme = url.scheme ?? 'tcp';
  if (url.host !== undefined) {
    const port = url.port || REDIS_DEFAULT_PORT;
    const host = url.host.includes(':') && !url.host.startsWith('[') ? `[${url.host}]` : url.host;
    return { kind: 'tcp', scheme, host: url.host, port, transport: `${scheme}://${host}:${port}` };
  }
  const path = url.path ?? '';
  if (path.startsWith('/')) return { kind: 'unix', scheme: 'unix', port: 0, path, transport: `unix://${path}` };
  // A bare name ("localhost") is used as a host: "tcp" (or "ssl" with a stream context), port 6379.
  const s = hasStream ? 'ssl' : 'tcp';
  const host = path.includes(':') && !path.startsWith('[') ? `[${path}]` : path;
  return { kind: 'tcp', scheme: s, port: REDIS_DEFAULT_PORT, path, transport: `${s}://${host}:${REDIS_DEFAULT_PORT}` };
}

/** One server URL of a `redis` save_path, as PS_OPEN_FUNC(redis) reads it. */
export function parseSavePathServer(token: SavePathToken): SavePathServer {
  const { text, span } = token;
  const unixRewrite = text.startsWith('unix:');
  const parsedText = unixRewrite ? `file:${text.slice(5)}` : text;
  const raw = phpParseUrl(parsedText);
  const url = raw ? shiftUrlSpans(raw, span.start) : null;

  let query: SavePathServer['query'] = null;
  let params: QueryParam[] = [];
  if (raw && raw.query !== undefined) {
    // phpredis re-joins `query#fragment`, which is exactly the rest of the token after '?'.
    const fragmentJoined = raw.fragment !== undefined;
    const qText = fragmentJoined ? `${raw.query}#${raw.fragment}` : raw.query;
    const qStart = raw.spans.query!.start;
    query = {
      text: qText,
      span: { start: span.start + qStart, end: span.start + qStart + qText.length },
      fragmentJoined,
    };
    params = parsePhpQuery(qText, { offset: span.start + qStart });
  }
  const array = buildPhpArray(params);
  const settings = redisSettings(array);

  let failReason: SavePathFailReason | null = null;
  if (!url) failReason = 'url';
  else if (url.path === undefined && url.host === undefined) failReason = 'no-host-or-path';
  else if (settings.weight <= 0) failReason = 'weight';
  else if (!(settings.timeout > 0)) failReason = 'timeout';

  return {
    text,
    span,
    unixRewrite,
    parsedText,
    url,
    query,
    params,
    array,
    settings,
    address: url && !failReason ? connectAddress(url, settings.stream !== null) : null,
    failsToParse: failReason !== null,
    failReason,
  };
}

/** session.save_path for `session.save_handler = redis`. */
export function parseRedisSavePath(value: string): RedisSavePath {
  const servers = splitSavePath(value).map(parseSavePathServer);
  return { servers, openFails: servers.length === 0 || servers.some((s) => s.failsToParse) };
}

// ---------------------------------------------------------------------------------------------
// rediscluster handler

export interface ClusterSeed {
  /** The seed string (display text) and its bytes. */
  value: string;
  valueBin: string;
  /** The param that set it (spans in save_path offsets), when known. */
  param: QueryParam | null;
  key: PhpKey;
  /** 'not-string': `seed[][]=…` ("Skipping non-string entry"); 'no-colon': not host:port. */
  problem: 'not-string' | 'no-colon' | null;
  /** Same string as an earlier seed: phpredis keeps one. */
  duplicate: boolean;
  /** Text before the last ':' and atoi() of the rest as an unsigned short (0 → 6379 at connect). */
  host: string;
  port: number;
}

export type ClusterFailure =
  /** No `seed` array (missing, or `seed=` without `[]`): fails with no phpredis warning. */
  | 'no-seeds'
  /** "Can't set negative timeout values in session configuration". */
  | 'negative-timeout'
  /** timeout or read_timeout above INT_MAX: reported as "No valid seeds detected". */
  | 'timeout-too-large'
  /** "No valid seeds detected". */
  | 'no-valid-seeds';

export interface ClusterSavePath {
  params: QueryParam[];
  array: PhpArray;
  seeds: ClusterSeed[];
  timeout: number;
  readTimeout: number;
  persistent: boolean;
  failover: 'none' | 'error' | 'distribute';
  /** The raw failover string when given (anything unknown means none). */
  failoverValue: string | null;
  auth: SavePathAuth;
  prefix: string;
  prefixBin: string;
  stream: PhpArray | null;
  streamOptions: [string, PhpValue][];
  failure: ClusterFailure | null;
}

/** C atoi() cast to unsigned short. */
function atoiUShort(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]*)/.exec(s)!;
  let v = 0;
  for (const c of m[2]!) v = (v * 10 + (c.charCodeAt(0) - 48)) | 0;
  if (m[1] === '-') v = -v | 0;
  return v & 0xffff;
}

/** session.save_path for `session.save_handler = rediscluster` (a query string). */
export function parseClusterSavePath(value: string): ClusterSavePath {
  const params = parsePhpQuery(value);
  const array = buildPhpArray(params);
  const get = (k: string): PhpValue | undefined => array.get(k);
  const t = get('timeout');
  const rt = get('read_timeout');
  const p = get('persistent');
  const f = get('failover');
  const pre = get('prefix');
  const failoverValue = f === undefined ? null : binToString(zvalString(f));
  const fl = failoverValue?.toLowerCase();
  const prefixBin = pre === undefined ? REDIS_CLUSTER_SESSION_PREFIX : zvalString(pre);

  const seedArr = get('seed');
  const seeds: ClusterSeed[] = [];
  const seen = new Set<string>();
  if (seedArr instanceof PhpArray) {
    for (const [key, v] of seedArr.entries()) {
      const origin = seedArr.originOf(key);
      const param = origin === undefined ? null : (params[origin] ?? null);
      if (typeof v !== 'string') {
        seeds.push({
          value: 'Array',
          valueBin: 'Array',
          param,
          key,
          problem: 'not-string',
          duplicate: false,
          host: '',
          port: 0,
        });
        continue;
      }
      const c = v.split('\0')[0]!; // strrchr() and atoi() see a C string
      const sep = c.lastIndexOf(':');
      const base = { value: binToString(v), valueBin: v, param, key };
      if (sep < 0) {
        seeds.push({ ...base, problem: 'no-colon', duplicate: false, host: binToString(c), port: 0 });
        continue;
      }
      const duplicate = seen.has(v);
      seen.add(v);
      seeds.push({
        ...base,
        problem: null,
        duplicate,
        host: binToString(c.slice(0, sep)),
        port: atoiUShort(c.slice(sep + 1)),
      });
    }
  }

  const timeout = t === undefined ? 0 : zvalDouble(t);
  const readTimeout = rt === undefined ? 0 : zvalDouble(rt);
  let failure: ClusterFailure | null = null;
  if (!(seedArr instanceof PhpArray)) failure = 'no-seeds';
  else if (timeout < 0 || readTimeout < 0) failure = 'negative-timeout';
  else if (timeout > INT_MAX || readTimeout > INT_MAX) failure = 'timeout-too-large';
  else if (!seeds.some((s) => s.problem === null)) failure = 'no-valid-seeds';

  return {
    params,
    array,
    seeds,
    timeout,
    readTimeout,
    persistent: p === undefined ? false : redisConfBool(zvalString(p)),
    failover: fl === 'error' ? 'error' : fl === 'distribute' ? 'distribute' : 'none',
    failoverValue,
    auth: extractAuth(get('auth')),
    prefix: binToString(prefixBin),
    prefixBin,
    ...streamOptions(array),
    failure,
  };
}

// ---------------------------------------------------------------------------------------------
// Structured model and printer (for quick fixes that rewrite a save_path)

export interface SavePathModelServer {
  /** "unix" when written `unix:` (phpredis's rewrite to `file:` is hidden). */
  scheme?: string;
  host?: string;
  port?: number;
  path?: string;
  /** Decoded query pairs in order (text, not bytes); a pair without '=' has value "". */
  params: [string, string][];
}

export interface SavePathModel {
  servers: SavePathModelServer[];
}

function serverToModel(s: SavePathServer): SavePathModelServer | null {
  const u = s.url;
  if (!u) return null;
  const m: SavePathModelServer = { params: s.params.map((p) => [p.key, p.value]) };
  const scheme = s.unixRewrite && u.scheme === 'file' ? 'unix' : u.scheme;
  if (scheme !== undefined) m.scheme = scheme;
  if (u.host !== undefined) m.host = u.host;
  if (u.port !== undefined) m.port = u.port;
  if (u.path !== undefined) m.path = u.path;
  return m;
}

/** The structured model of a `redis` save_path; servers PHP cannot parse at all are left out. */
export function savePathToModel(value: string): SavePathModel {
  const servers: SavePathModelServer[] = [];
  for (const s of parseRedisSavePath(value).servers) {
    const m = serverToModel(s);
    if (m) servers.push(m);
  }
  return { servers };
}

/** Keys keep `[` `]` readable; everything else is rawurlencode'd (PHP decodes keys too). */
const encodeKey = (k: string): string => rawurlencode(k).replace(/%5B/g, '[').replace(/%5D/g, ']');

function sameServer(a: SavePathModelServer, b: SavePathModelServer): boolean {
  return (
    a.scheme === b.scheme &&
    a.host === b.host &&
    a.port === b.port &&
    a.path === b.path &&
    a.params.length === b.params.length &&
    a.params.every(([k, v], i) => b.params[i]![0] === k && b.params[i]![1] === v)
  );
}

/** The spellings of one server, most readable first (printSavePathServer keeps the first that round-trips). */
function candidates(m: SavePathModelServer, hasQuery: boolean): string[] {
  const path = m.path ?? '';
  // "host:" with an empty port lets a host that itself contains ':' survive the port scan.
  const ports = m.port !== undefined ? [`:${m.port}`] : ['', ':'];
  const out: string[] = [];
  if (m.host !== undefined) {
    for (const port of ports) {
      if (m.scheme !== undefined) out.push(`${m.scheme}://${m.host}${port}${path}`);
      else {
        if (!hasQuery && !path && port) out.push(`${m.host}${port}`);
        out.push(`//${m.host}${port}${path}`);
      }
    }
  } else if (m.scheme !== undefined) {
    if (path.startsWith('/')) out.push(`${m.scheme}://${path}`);
    out.push(`${m.scheme}:${path}`);
  } else {
    out.push(path);
  }
  return out;
}

/** One server as text; throws when no spelling parses back to the same server. */
export function printSavePathServer(m: SavePathModelServer): string {
  const q = m.params.length ? `?${m.params.map(([k, v]) => `${encodeKey(k)}=${rawurlencode(v)}`).join('&')}` : '';
  const cands = candidates(m, q !== '');
  // An empty query ("…?") changes nothing in the model but stops PHP reading digits as a port.
  const texts = [...cands.map((c) => c + q), ...(q ? [] : cands.map((c) => `${c}?`))];
  for (const text of texts) {
    const tokens = splitSavePath(text);
    if (tokens.length !== 1 || tokens[0]!.text !== text) continue;
    const back = serverToModel(parseSavePathServer(tokens[0]!));
    if (back && sameServer(back, m)) return text;
  }
  throw new Error(`cannot write this server as a session.save_path URL: ${JSON.stringify(m)}`);
}

/** The save_path text of a model (servers separated by ", "); round-trips through savePathToModel. */
export function printSavePath(model: SavePathModel): string {
  return model.servers.map(printSavePathServer).join(', ');
}

/** A redis:// / rediss:// URL for a parsed tcp/tls server (to open it with a Redis client), else null. */
export function savePathServerRedisUrl(s: SavePathServer): string | null {
  if (!s.address || s.address.kind !== 'tcp' || s.address.host === undefined) return null;
  const a = s.settings.auth;
  const auth =
    a.kind === 'password'
      ? { password: a.password }
      : a.kind === 'user-password'
        ? { user: a.user, password: a.password }
        : undefined;
  return savePathServerToRedisUrl({
    scheme: s.address.scheme,
    host: s.address.host,
    port: s.address.port,
    ...(auth ? { auth } : {}),
    database: s.settings.database,
  });
}
