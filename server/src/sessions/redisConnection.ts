// Opens an ioredis client (or Cluster) for a target, with bounded time and readable, secret-free errors.
import { readdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { checkServerIdentity, type ConnectionOptions as TlsConnectOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { maskSecrets } from '../core/mask.ts';
import {
  LOCK_SUFFIX,
  describeTarget,
  sessionMatchPattern,
  targetSecrets,
  type ConnectionTarget,
  type TlsSettings,
} from './connectionTarget.ts';

export interface ConnectionBounds {
  /** TCP connect + TLS handshake (SPEC: 5 s). */
  connectTimeoutMs: number;
  /** Any one command, AUTH and SELECT included (SPEC: 10 s). */
  commandTimeoutMs: number;
}

export const DEFAULT_BOUNDS: ConnectionBounds = { connectTimeoutMs: 5_000, commandTimeoutMs: 10_000 };

export interface OpenOptions extends Partial<ConnectionBounds> {
  /** Shown in CLIENT LIST so an operator sees who is scanning. */
  connectionName?: string;
  /** Reads CA / client-certificate files (tests and sandboxes replace it). */
  readFile?: (path: string) => Buffer;
}

export type RedisErrorCode =
  | 'WRONGPASS'
  | 'NOAUTH'
  | 'NOPERM'
  | 'ECONNREFUSED'
  | 'ETIMEDOUT'
  | 'COMMAND_TIMEOUT'
  | 'TLS'
  | 'CLOSED'
  | 'NOT_FOUND'
  | 'ABORTED'
  | 'READ_ONLY'
  | 'INVALID'
  | 'SERVER'
  | 'UNKNOWN';

/** A failure with Redis's (or the OS's) own words, never carrying a secret nor the failed command. */
export class RedisSessionError extends Error {
  override name = 'RedisSessionError';
  constructor(
    message: string,
    readonly code: RedisErrorCode,
  ) {
    super(message);
  }
}

/** An open connection: the client plus what the scanner needs to know about it. */
export interface RedisHandle {
  readonly target: ConnectionTarget;
  readonly client: Redis | Cluster;
  readonly bounds: ConnectionBounds;
  /** False once the connection is lost: callers open a new one (there is no silent reconnect loop). */
  readonly alive: boolean;
  /** The nodes a keyspace scan must visit: the server itself, or every cluster master. */
  scanNodes(): Redis[];
  /** `host:port` (or socket path) of a node, stable across calls: a resumable scan state key. */
  nodeId(node: Redis): string;
  close(): void;
}

export async function openConnection(target: ConnectionTarget, options: OpenOptions = {}): Promise<RedisHandle> {
  const bounds: ConnectionBounds = {
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_BOUNDS.connectTimeoutMs,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_BOUNDS.commandTimeoutMs,
  };
  try {
    return await connectOnce(target, target.username, bounds, options);
  } catch (err) {
    let e = err instanceof RedisSessionError ? err : toSessionError(err, target);
    if (target.kind === 'cluster' && (e.code === 'CLOSED' || e.code === 'UNKNOWN'))
      e = await diagnoseSeed(target, bounds, options, e);
    // `redis://dbname:pw@host` (Scalingo) may name a user the server has no ACL entry for, and a
    // Redis < 6 refuses AUTH with two arguments: retry once as the default user, as phpredis users do.
    if (
      target.username &&
      target.password &&
      (e.code === 'WRONGPASS' || /wrong number of arguments/i.test(e.message))
    ) {
      try {
        return await connectOnce(target, undefined, bounds, options);
      } catch {
        throw e;
      }
    }
    throw e;
  }
}

/**
 * ioredis refreshes cluster slots over a throwaway connection whose errors it swallows, leaving
 * "None of startup nodes is available". Connecting to the first seed alone tells why.
 */
async function diagnoseSeed(
  target: ConnectionTarget & { kind: 'cluster' },
  bounds: ConnectionBounds,
  options: OpenOptions,
  fallback: RedisSessionError,
): Promise<RedisSessionError> {
  const seed = target.seeds[0];
  if (!seed) return fallback;
  const { seeds: _seeds, ...common } = target;
  try {
    const probe = await connectOnce(
      { ...common, kind: 'tcp', host: seed.host, port: seed.port },
      target.username,
      bounds,
      options,
    );
    probe.close();
    return fallback;
  } catch (err) {
    return toSessionError(err, target, bounds);
  }
}

async function connectOnce(
  target: ConnectionTarget,
  username: string | undefined,
  bounds: ConnectionBounds,
  options: OpenOptions,
): Promise<RedisHandle> {
  const nodeOptions = redisOptions(target, username, bounds, options);
  const errors: unknown[] = [];
  const remember = (err: unknown): void => {
    errors.push(err);
  };
  let client: Redis | Cluster;
  if (target.kind === 'cluster') {
    const clusterOptions: ClusterOptions = {
      lazyConnect: true,
      // One attempt: the caller decides when to try again (SPEC §3: no endless retry loop).
      clusterRetryStrategy: () => null,
      slotsRefreshTimeout: bounds.commandTimeoutMs,
      slotsRefreshInterval: 0,
      enableReadyCheck: true,
      redisOptions: nodeOptions,
    };
    client = new Cluster(
      target.seeds.map((s) => ({ host: s.host, port: s.port })),
      clusterOptions,
    );
    client.on('node error', remember);
    // Kept only for the open: afterwards a node's failure surfaces through its command.
  } else {
    client = new Redis(nodeOptions);
  }
  // Without a listener ioredis prints "Unhandled error event" on the console.
  client.on('error', remember);
  // A last guard in case a stage has no timeout of its own (e.g. a DNS lookup).
  const deadline = bounds.connectTimeoutMs + 2 * bounds.commandTimeoutMs;
  try {
    await withTimeout(
      (async () => {
        await client.connect();
        // ioredis only logs a failed SELECT and stays on db 0: select ourselves and check the answer.
        if (target.kind !== 'cluster' && target.db) await (client as Redis).select(target.db);
        if (target.kind !== 'cluster') await (client as Redis).ping();
        // Named only now: a name set during the handshake would delay "ready" by a command timeout
        // on a silent server. Best effort: an ACL user may not be allowed CLIENT SETNAME.
        if (client instanceof Redis)
          client.client('SETNAME', options.connectionName ?? 'php-redis-sessions').catch(() => undefined);
      })(),
      deadline,
      () => new RedisSessionError(`No usable connection within ${deadline} ms.`, 'ETIMEDOUT'),
    );
  } catch (err) {
    client.disconnect();
    // The rejection ("Connection is closed.", "Stream isn't writeable…", "Failed to refresh slots
    // cache.") hides the reason (WRONGPASS, ECONNREFUSED, a TLS alert…) an error event carried.
    const candidates = [...errors, err].map((e) => toSessionError(e, target, bounds));
    throw candidates.find((e) => e.code !== 'CLOSED' && e.code !== 'UNKNOWN') ?? candidates[candidates.length - 1];
  }
  client.removeListener('error', remember);
  client.removeListener('node error', remember);
  client.on('error', () => {
    // Reported through the failing command; the listener only keeps ioredis quiet.
  });
  return makeHandle(target, client, bounds);
}

function makeHandle(target: ConnectionTarget, client: Redis | Cluster, bounds: ConnectionBounds): RedisHandle {
  return {
    target,
    client,
    bounds,
    get alive() {
      return client.status === 'ready';
    },
    scanNodes() {
      return client instanceof Cluster ? client.nodes('master') : [client];
    },
    nodeId(node: Redis) {
      const o = node.options;
      return o.path ? o.path : `${o.host}:${o.port}`;
    },
    close() {
      client.disconnect();
    },
  };
}

function redisOptions(
  target: ConnectionTarget,
  username: string | undefined,
  bounds: ConnectionBounds,
  options: OpenOptions,
): RedisOptions {
  const o: RedisOptions = {
    lazyConnect: true,
    connectTimeout: bounds.connectTimeoutMs,
    commandTimeout: bounds.commandTimeoutMs,
    // Reconnecting is the caller's decision: a dead connection fails its commands at once.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    // The INFO ready check needs a permission an ACL user for sessions may lack; PING does the job.
    enableReadyCheck: false,
    disableClientInfo: true,
    keepAlive: 30_000,
  };
  if (target.kind === 'cluster') {
    // Cluster nodes are connected lazily by ioredis itself and need its offline queue.
    delete o.enableOfflineQueue;
  }
  if (target.kind === 'tcp') {
    o.host = target.host;
    o.port = target.port;
  } else if (target.kind === 'socket') {
    o.path = target.path;
  }
  if (username) o.username = username;
  if (target.password !== undefined) o.password = target.password;
  if (target.tls) {
    const host = target.kind === 'tcp' ? target.host : target.kind === 'cluster' ? target.seeds[0]?.host : undefined;
    o.tls = tlsOptions(target.tls, host, options.readFile ?? ((p) => readFileSync(p)));
  }
  return o;
}

/** phpredis `stream[...]` options → Node TLS options. */
export function tlsOptions(
  tls: TlsSettings,
  host: string | undefined,
  readFile: (path: string) => Buffer,
): TlsConnectOptions {
  const o: TlsConnectOptions = {
    // Node has no "accept self-signed but verify the rest": allow_self_signed turns verification off.
    rejectUnauthorized: tls.verifyPeer && !tls.allowSelfSigned,
  };
  if (!tls.verifyPeerName) o.checkServerIdentity = () => undefined;
  const ca: Buffer[] = [];
  if (tls.caFile) ca.push(readFile(tls.caFile));
  if (tls.caPath) {
    for (const name of readdirSync(tls.caPath)) {
      if (/\.(pem|crt|cer)$/i.test(name)) ca.push(readFile(join(tls.caPath, name)));
    }
  }
  if (ca.length) o.ca = ca;
  // PHP's local_cert may hold the key too; Node finds both in the same PEM.
  if (tls.certFile) o.cert = readFile(tls.certFile);
  if (tls.keyFile) o.key = readFile(tls.keyFile);
  else if (tls.certFile) o.key = o.cert;
  if (tls.passphrase) o.passphrase = tls.passphrase;
  if (tls.ciphers) o.ciphers = tls.ciphers;
  const name = tls.peerName ?? host;
  // SNI may not carry an IP address; an IP is still checked against the certificate's SAN.
  if (tls.sniEnabled !== false && name && isIP(name) === 0) o.servername = name;
  if (tls.peerName && tls.verifyPeerName) {
    const expected = tls.peerName;
    // The certificate must name peer_name, whatever address we dialled.
    o.checkServerIdentity = (_host, cert) => checkServerIdentity(expected, cert);
  }
  return o;
}

// ---------------------------------------------------------------- errors

function isClosedMessage(err: unknown): boolean {
  return err instanceof Error && /^Connection is closed\.?$/.test(err.message);
}

/** Turns whatever ioredis, Node or Redis threw into a RedisSessionError with the secrets masked. */
export function toSessionError(
  err: unknown,
  target: ConnectionTarget,
  bounds: ConnectionBounds = DEFAULT_BOUNDS,
): RedisSessionError {
  if (err instanceof RedisSessionError)
    return new RedisSessionError(maskSecrets(err.message, targetSecrets(target)), err.code);
  const e = unwrap(err);
  const raw = e instanceof Error ? e.message : String(e);
  const sysCode = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  let code: RedisErrorCode = 'UNKNOWN';
  let message = raw.replace(/^Ready check failed: /, '');
  if (/^WRONGPASS\b/.test(message) || /^ERR invalid password/.test(message)) code = 'WRONGPASS';
  else if (/^NOAUTH\b/.test(message)) code = 'NOAUTH';
  else if (/^NOPERM\b/.test(message)) code = 'NOPERM';
  else if (sysCode === 'ECONNREFUSED') code = 'ECONNREFUSED';
  else if (sysCode === 'ENOENT' || sysCode === 'ENOTFOUND' || sysCode === 'EAI_AGAIN') code = 'NOT_FOUND';
  else if (sysCode === 'ETIMEDOUT') {
    code = 'ETIMEDOUT';
    message = target.tls
      ? `${message}: no TLS connection within ${bounds.connectTimeoutMs} ms (is the server speaking TLS on this port?)`
      : `${message}: no answer within ${bounds.connectTimeoutMs} ms`;
  } else if (message === 'Command timed out') {
    code = 'COMMAND_TIMEOUT';
    message = `Command timed out: no reply within ${bounds.commandTimeoutMs} ms`;
  } else if (isTlsError(e)) {
    code = 'TLS';
    message = `TLS error: ${message}${/wrong version number|packet length too long|unexpected eof/i.test(message) ? ' (is the server speaking TLS on this port?)' : ''}`;
  } else if (
    isClosedMessage(e) ||
    /Connection is closed|Command aborted due to connection close|Stream isn't writeable|ECONNRESET|EPIPE/.test(message)
  ) {
    code = 'CLOSED';
    message = `Connection lost: ${message}`;
  } else if (e instanceof Error && e.name === 'AbortError' && !/connection/i.test(message)) {
    code = 'ABORTED';
  } else if (e instanceof Error && (e.name === 'ReplyError' || /^[A-Z]+ /.test(message))) {
    code = 'SERVER';
  }
  return new RedisSessionError(maskSecrets(message, targetSecrets(target)), code);
}

/** ioredis wraps node failures of a cluster ("Failed to refresh slots cache.") around the real one. */
function unwrap(err: unknown): unknown {
  let e = err;
  for (
    let i = 0;
    i < 3 && e && typeof e === 'object' && 'lastNodeError' in e && (e as { lastNodeError?: unknown }).lastNodeError;
    i++
  ) {
    e = (e as { lastNodeError: unknown }).lastNodeError;
  }
  return e;
}

function isTlsError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = String((e as NodeJS.ErrnoException).code ?? '');
  return (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    code === 'EPROTO' ||
    /CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|DEPTH_ZERO/.test(code) ||
    /SSL routines|certificate|self[- ]signed|TLS/i.test(e.message)
  );
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- test connection

export interface TestSuccess {
  ok: true;
  /** `redis_version` of INFO server (of the first master for a cluster). */
  redisVersion: string;
  mode: 'standalone' | 'cluster';
  /** Session keys under the target's prefix (lock keys not counted). */
  sessionCount: number;
  /** False when the count stopped at its time budget: `sessionCount` is then a lower bound. */
  sessionCountComplete: boolean;
  /** Round trip of one PING after connecting. */
  latencyMs: number;
  label: string;
}

export interface TestFailure {
  ok: false;
  error: string;
  code: RedisErrorCode;
  label: string;
}

export type TestResult = TestSuccess | TestFailure;

export interface TestOptions extends OpenOptions {
  /** How long counting the sessions may take before it reports a lower bound (default 3 s). */
  countBudgetMs?: number;
}

/** PING, AUTH, SELECT, INFO server and a SCAN count of sessions; never throws. */
export async function testConnection(target: ConnectionTarget, options: TestOptions = {}): Promise<TestResult> {
  const label = describeTarget(target);
  let handle: RedisHandle | undefined;
  try {
    handle = await openConnection(target, options);
    const first = handle.scanNodes()[0];
    const t0 = performance.now();
    await first.ping();
    const latencyMs = Math.round((performance.now() - t0) * 100) / 100;
    const info = parseInfo(await first.info('server'));
    const { count, complete } = await countSessions(handle, options.countBudgetMs ?? 3_000);
    return {
      ok: true,
      redisVersion: info.redis_version ?? 'unknown',
      mode: target.kind === 'cluster' ? 'cluster' : 'standalone',
      sessionCount: count,
      sessionCountComplete: complete,
      latencyMs,
      label,
    };
  } catch (err) {
    const e = toSessionError(err, target, handle?.bounds);
    return { ok: false, error: e.message, code: e.code, label };
  } finally {
    handle?.close();
  }
}

async function countSessions(handle: RedisHandle, budgetMs: number): Promise<{ count: number; complete: boolean }> {
  const match = sessionMatchPattern(handle.target.prefix);
  const stopAt = Date.now() + budgetMs;
  const seen = new Set<string>();
  for (const node of handle.scanNodes()) {
    let cursor = '0';
    do {
      if (Date.now() > stopAt) return { count: seen.size, complete: false };
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 5000);
      cursor = next;
      for (const k of keys) if (!k.endsWith(LOCK_SUFFIX)) seen.add(k);
    } while (cursor !== '0');
  }
  return { count: seen.size, complete: true };
}

/** INFO text → `field → value` (sections flattened; later sections win on a clash). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
