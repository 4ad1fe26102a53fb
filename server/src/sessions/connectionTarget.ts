// A user-given Redis address (a redis:// URL or a phpredis save_path) → connection settings.
// Pure: no I/O. File paths (CA, client cert) stay paths; redisConnection reads them.
import { binToString, type PhpValue } from '../core/phpQuery.ts';
import {
  parseClusterSavePath,
  parseRedisSavePath,
  type SavePathAuth,
  type SavePathFailReason,
} from '../core/savePath.ts';
import { frameworkSessionId } from './frameworkKeys.ts';
import type { SessionFramework } from './sessionFormats.ts';

/** TLS settings in phpredis's vocabulary (its `stream[...]` ssl context options). */
export interface TlsSettings {
  /** `verify_peer`: check the certificate chain (Node's rejectUnauthorized). */
  verifyPeer: boolean;
  /** `verify_peer_name`: check that the certificate names the host. */
  verifyPeerName: boolean;
  /** `allow_self_signed`: accept a self-signed certificate. */
  allowSelfSigned?: boolean;
  /** `cafile` / `capath`. */
  caFile?: string;
  caPath?: string;
  /** `local_cert` / `local_pk` / `passphrase`: a client certificate. */
  certFile?: string;
  keyFile?: string;
  passphrase?: string;
  /** `peer_name`: the name expected in the certificate (and sent as SNI). */
  peerName?: string;
  ciphers?: string;
  /** `SNI_enabled=0` turns SNI off. */
  sniEnabled?: boolean;
}

export interface HostPort {
  host: string;
  port: number;
}

interface TargetCommon {
  username?: string;
  password?: string;
  /** Database number; 0 sends no SELECT (as phpredis). */
  db: number;
  /** Session key prefix, e.g. `PHPREDIS_SESSION:`; may be empty. */
  prefix: string;
  tls?: TlsSettings;
  /** What the user wrote: decides the label's wording and default prefix. */
  origin: 'url' | 'save_path' | 'cluster_save_path';
  /**
   * The sessions are a framework's (Laravel, Symfony): only the keys under the prefix that its
   * layout names are sessions (a Laravel cache store also holds its cache entries there).
   */
  framework?: SessionFramework;
}

export interface TcpTarget extends TargetCommon {
  kind: 'tcp';
  host: string;
  port: number;
}

export interface SocketTarget extends TargetCommon {
  kind: 'socket';
  path: string;
}

export interface ClusterTarget extends TargetCommon {
  kind: 'cluster';
  seeds: HostPort[];
}

export type ConnectionTarget = TcpTarget | SocketTarget | ClusterTarget;

/** Settings that win over what the address says (a connection's settings, SecretStorage). */
export interface TargetOverrides {
  prefix?: string;
  /** The sessions are this framework's (its key layout under the prefix). */
  framework?: SessionFramework;
  username?: string;
  password?: string;
  db?: number;
  /** Merged over the TLS settings; giving it on a plain target turns TLS on. */
  tls?: Partial<TlsSettings>;
  /** Treat a redis:// URL (or each save_path host) as the seed of a Redis Cluster. */
  cluster?: boolean;
  /** Where `REDIS_PASSWORD` is read from when nothing else gives a password (default: process.env). */
  env?: Record<string, string | undefined>;
}

export const DEFAULT_PREFIX = 'PHPREDIS_SESSION:';
export const DEFAULT_CLUSTER_PREFIX = 'PHPREDIS_CLUSTER_SESSION:';
export const DEFAULT_PORT = 6379;

/** A target the input does not describe; the message never contains a secret. */
export class TargetError extends Error {
  override name = 'TargetError';
}

/**
 * Parses `input` into one target per Redis server it names (a save_path may list several hosts;
 * a `rediscluster` save_path or a cluster URL gives one cluster target).
 */
export function parseConnectionTargets(input: string, overrides: TargetOverrides = {}): ConnectionTarget[] {
  const text = input.trim();
  if (text === '') throw new TargetError('No Redis address given.');
  let targets: ConnectionTarget[];
  if (/^rediss?:\/\//i.test(text)) targets = [parseRedisUrlTarget(text)];
  else if (isClusterSavePath(text)) targets = [parseClusterTarget(text)];
  else targets = parseSavePathTargets(text);
  if (overrides.cluster) targets = [toCluster(targets)];
  return targets.map((t) => applyOverrides(t, overrides));
}

/** The same, for callers that know the input names exactly one server. */
export function parseConnectionTarget(input: string, overrides: TargetOverrides = {}): ConnectionTarget {
  const targets = parseConnectionTargets(input, overrides);
  if (targets.length !== 1) {
    throw new TargetError(`The address names ${targets.length} servers; pick one of them.`);
  }
  return targets[0];
}

function isClusterSavePath(text: string): boolean {
  return /(^|&)seed(\[|%5B|=)/i.test(text);
}

// ---------------------------------------------------------------- redis:// and rediss:// URLs

// Errors never repeat the address: what did not parse cannot be masked reliably (a password with
// a raw `/` or a space, a forgotten `@host` leaving the password where the port would be).
const URL_FORM = 'redis://[user:password@]host[:port][/db]';

function parseRedisUrlTarget(text: string): TcpTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetError(`Not a valid Redis URL (${URL_FORM}).`);
  }
  const tls = url.protocol.toLowerCase() === 'rediss:';
  const host = stripBrackets(url.hostname);
  if (!host) throw new TargetError(`The Redis URL names no host (${URL_FORM}).`);
  const port = url.port ? Number(url.port) : DEFAULT_PORT;
  let db = 0;
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  if (path !== '') {
    if (!/^\d+$/.test(path))
      throw new TargetError('The Redis URL path must be a database number (redis://host:port/N).');
    db = Number(path);
  }
  const dbParam = url.searchParams.get('db');
  if (dbParam !== null && /^\d+$/.test(dbParam)) db = Number(dbParam);
  const target: TcpTarget = { kind: 'tcp', origin: 'url', host, port, db, prefix: DEFAULT_PREFIX };
  const username = decodeUserinfo(url.username);
  const password = decodeUserinfo(url.password);
  if (password !== undefined && password !== '') {
    target.password = password;
    // Legacy Heroku URLs say `h`, Redis < 6 knows no users: a password-only AUTH is what works.
    if (username && username !== 'h' && username !== 'default') target.username = username;
  } else if (username) {
    // `redis://secret@host`: redis-cli and most clients read a lone userinfo as the password.
    target.password = username;
  }
  if (tls) target.tls = { verifyPeer: true, verifyPeerName: true };
  return target;
}

function decodeUserinfo(raw: string): string | undefined {
  if (raw === '') return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

// ---------------------------------------------------------------- phpredis save_path forms

function parseSavePathTargets(text: string): ConnectionTarget[] {
  const parsed = parseRedisSavePath(text);
  if (parsed.servers.length === 0) throw new TargetError('The save_path names no Redis server.');
  return parsed.servers.map((server, i) => {
    const where = parsed.servers.length > 1 ? `Server ${i + 1} of the save_path` : 'The save_path';
    const address = server.address;
    // The message names the reason, never the text: it may hold `auth=`.
    if (server.failsToParse || !address) {
      throw new TargetError(
        `${where} does not parse as phpredis reads it (${FAIL_REASONS[server.failReason ?? 'url']}).`,
      );
    }
    const settings = server.settings;
    const common = {
      origin: 'save_path' as const,
      db: settings.database > 0 ? settings.database : 0,
      prefix: settings.prefix,
      ...credentials(settings.auth),
    };
    if (address.kind === 'unix') return { kind: 'socket', path: address.path ?? '', ...common } satisfies SocketTarget;
    const scheme = address.scheme.toLowerCase();
    if (!PLAIN_SCHEMES.has(scheme) && !TLS_SCHEMES.test(scheme)) {
      throw new TargetError(
        `${where} uses the scheme "${address.scheme}", which is not a socket transport: use tcp://, tls:// or unix://.`,
      );
    }
    const target: TcpTarget = { kind: 'tcp', host: address.host ?? address.path ?? '', port: address.port, ...common };
    if (TLS_SCHEMES.test(scheme)) target.tls = tlsFromStream(settings.streamOptions);
    return target;
  });
}

const FAIL_REASONS: Record<SavePathFailReason, string> = {
  url: "PHP's URL parser rejects it",
  'no-host-or-path': 'it names no host nor socket path',
  weight: 'weight must be > 0',
  timeout: 'timeout must be > 0',
};

const PLAIN_SCHEMES = new Set(['tcp']);
const TLS_SCHEMES = /^(tls|ssl|sslv[23]|tlsv1\.[0-3])$/;

function parseClusterTarget(text: string): ClusterTarget {
  const parsed = parseClusterSavePath(text);
  if (parsed.failure === 'no-seeds') throw new TargetError('The rediscluster save_path has no seed[] entries.');
  const seeds: HostPort[] = [];
  let tlsSeed = false;
  for (const seed of parsed.seeds) {
    if (seed.problem !== null || seed.duplicate) continue;
    // A seed may carry a transport (`tls://host:port`), which phpredis passes on to the stream layer.
    const m = /^([a-z][a-z0-9.+-]*):\/\/(.*)$/i.exec(seed.host);
    if (m && TLS_SCHEMES.test(m[1].toLowerCase())) tlsSeed = true;
    seeds.push({ host: stripBrackets(m ? m[2] : seed.host), port: seed.port || DEFAULT_PORT });
  }
  if (seeds.length === 0) throw new TargetError('The rediscluster save_path has no valid host:port seed.');
  const target: ClusterTarget = {
    kind: 'cluster',
    origin: 'cluster_save_path',
    seeds,
    db: 0,
    prefix: parsed.prefix,
    ...credentials(parsed.auth),
  };
  // phpredis connects with `ssl` as soon as a stream context is given.
  if (tlsSeed || parsed.stream !== null) target.tls = tlsFromStream(parsed.streamOptions);
  return target;
}

function credentials(auth: SavePathAuth): { username?: string; password?: string } {
  // phpredis sends no AUTH for a malformed auth[] array; an empty password only fails: send none.
  if (auth.kind === 'password' && auth.password !== '') return { password: auth.password };
  if (auth.kind === 'user-password') return { username: auth.user, password: auth.password };
  return {};
}

/** The `stream[...]` entries, read like PHP's ssl context does (booleans by PHP truthiness). */
function tlsFromStream(options: readonly [string, PhpValue][]): TlsSettings {
  const tls: TlsSettings = { verifyPeer: true, verifyPeerName: true };
  for (const [key, value] of options) {
    if (typeof value !== 'string') continue;
    const text = binToString(value);
    // zend_is_true() of a string: only "" and "0" are false.
    const truthy = text !== '' && text !== '0';
    switch (key) {
      case 'verify_peer':
        tls.verifyPeer = truthy;
        break;
      case 'verify_peer_name':
        tls.verifyPeerName = truthy;
        break;
      case 'allow_self_signed':
        tls.allowSelfSigned = truthy;
        break;
      case 'cafile':
        tls.caFile = text;
        break;
      case 'capath':
        tls.caPath = text;
        break;
      case 'local_cert':
        tls.certFile = text;
        break;
      case 'local_pk':
        tls.keyFile = text;
        break;
      case 'passphrase':
        tls.passphrase = text;
        break;
      case 'peer_name':
        tls.peerName = text;
        break;
      case 'ciphers':
        tls.ciphers = text;
        break;
      case 'SNI_enabled':
        tls.sniEnabled = truthy;
        break;
    }
  }
  return tls;
}

// ---------------------------------------------------------------- overrides

function toCluster(targets: ConnectionTarget[]): ClusterTarget {
  const seeds: HostPort[] = [];
  for (const t of targets) {
    if (t.kind === 'socket') throw new TargetError('A Redis Cluster cannot be reached over a unix socket.');
    if (t.kind === 'cluster') seeds.push(...t.seeds);
    else seeds.push({ host: t.host, port: t.port });
  }
  const first = targets[0];
  const cluster: ClusterTarget = {
    kind: 'cluster',
    origin: first.origin,
    seeds,
    db: 0,
    prefix: first.origin === 'url' ? DEFAULT_CLUSTER_PREFIX : first.prefix,
  };
  if (first.username !== undefined) cluster.username = first.username;
  if (first.password !== undefined) cluster.password = first.password;
  if (first.tls) cluster.tls = first.tls;
  return cluster;
}

function applyOverrides(target: ConnectionTarget, o: TargetOverrides): ConnectionTarget {
  const t: ConnectionTarget = { ...target };
  if (o.prefix !== undefined) t.prefix = o.prefix;
  if (o.framework !== undefined) t.framework = o.framework;
  if (o.username !== undefined && o.username !== '') t.username = o.username;
  if (o.password !== undefined && o.password !== '') t.password = o.password;
  if (o.db !== undefined) {
    if (!Number.isInteger(o.db) || o.db < 0) throw new TargetError(`Database must be an integer ≥ 0, not ${o.db}.`);
    t.db = o.db;
  }
  if (o.tls) t.tls = { verifyPeer: true, verifyPeerName: true, ...t.tls, ...o.tls };
  if (t.password === undefined) {
    const fromEnv = (o.env ?? process.env).REDIS_PASSWORD;
    if (fromEnv) t.password = fromEnv;
  }
  if (t.kind === 'cluster' && t.db !== 0) {
    throw new TargetError('Redis Cluster has only database 0.');
  }
  return t;
}

// ---------------------------------------------------------------- labels and key patterns

/**
 * A label for the target with the password masked, in the form the user wrote it:
 * `rediss://alice:***@10.0.0.5:6380/2`, `tcp://10.0.0.5:6379?auth=***&database=2`,
 * `seed[]=10.0.0.5:7000&seed[]=10.0.0.6:7000&auth=***`.
 */
export function describeTarget(target: ConnectionTarget): string {
  const label = target.origin === 'url' ? urlLabel(target) : savePathLabel(target);
  if (target.framework)
    return `${label} (${target.framework === 'laravel' ? 'Laravel' : 'Symfony'}, prefix "${target.prefix}")`;
  return hasDefaultPrefix(target) ? label : `${label} (prefix "${target.prefix}")`;
}

/** The prefix phpredis uses when none is configured (the one a framework layout may replace). */
export function hasDefaultPrefix(target: ConnectionTarget): boolean {
  return target.prefix === (target.kind === 'cluster' ? DEFAULT_CLUSTER_PREFIX : DEFAULT_PREFIX);
}

/** Whether a key under the target's prefix is a session (of its framework's layout, when it has one). */
export function isSessionKey(target: ConnectionTarget, key: string): boolean {
  return !target.framework || frameworkSessionId(target.framework, key, target.prefix) !== undefined;
}

function urlLabel(target: ConnectionTarget): string {
  const userinfo =
    target.username !== undefined
      ? `${target.username}${target.password !== undefined ? ':***' : ''}@`
      : target.password !== undefined
        ? ':***@'
        : '';
  const scheme = target.tls ? 'rediss' : 'redis';
  switch (target.kind) {
    case 'tcp':
      return `${scheme}://${userinfo}${hostPort(target)}${target.db ? `/${target.db}` : ''}`;
    case 'socket':
      return `unix://${userinfo}${target.path}${target.db ? `?db=${target.db}` : ''}`;
    case 'cluster':
      return `cluster ${scheme}://${userinfo}${target.seeds.map(hostPort).join(',')}`;
  }
}

function savePathLabel(target: ConnectionTarget): string {
  const params: string[] = [];
  if (target.username !== undefined) params.push(`auth[]=${target.username}`, 'auth[]=***');
  else if (target.password !== undefined) params.push('auth=***');
  if (target.db) params.push(`database=${target.db}`);
  const query = params.join('&');
  switch (target.kind) {
    case 'tcp':
      return `${target.tls ? 'tls' : 'tcp'}://${hostPort(target)}${query ? `?${query}` : ''}`;
    case 'socket':
      return `unix://${target.path}${query ? `?${query}` : ''}`;
    case 'cluster': {
      const seeds = target.seeds.map((s) => `seed[]=${target.tls ? 'tls://' : ''}${hostPort(s)}`);
      return [...seeds, ...params].join('&');
    }
  }
}

/**
 * A short name for the servers of an address, for a connection that has none: `host:port`, then
 * `/N` for a database other than 0, `+2` for two more servers; never a password nor a parameter.
 */
export function shortTargetName(targets: readonly ConnectionTarget[]): string {
  const first = targets[0];
  if (!first) return '';
  const where =
    first.kind === 'socket'
      ? first.path
      : first.kind === 'cluster'
        ? `cluster ${hostPort(first.seeds[0]!)}${first.seeds.length > 1 ? ` +${first.seeds.length - 1}` : ''}`
        : hostPort(first);
  const more = targets.length > 1 ? ` +${targets.length - 1}` : '';
  return `${where}${first.db ? `/${first.db}` : ''}${more}`;
}

function hostPort(a: HostPort): string {
  // (an IPv6 host read from a save_path keeps its brackets)
  return `${a.host.includes(':') && !a.host.startsWith('[') ? `[${a.host}]` : a.host}:${a.port}`;
}

/** The secrets a target carries, for scrubbing messages. */
export function targetSecrets(target: ConnectionTarget): string[] {
  const secrets: string[] = [];
  if (target.password) secrets.push(target.password);
  if (target.tls?.passphrase) secrets.push(target.tls.passphrase);
  return secrets;
}

/** Escapes the glob characters of SCAN MATCH (`* ? [ ] \`) so a prefix matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** The SCAN MATCH pattern of the sessions under `prefix` whose id matches the glob `idPattern`. */
export function sessionMatchPattern(prefix: string, idPattern = ''): string {
  const tail = idPattern.endsWith('*') ? idPattern : `${idPattern}*`;
  return escapeGlob(prefix) + tail;
}

/** The suffix phpredis appends to a session key for its lock key. */
export const LOCK_SUFFIX = '_LOCK';
