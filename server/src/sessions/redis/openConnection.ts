// Opens an ioredis client (or Cluster) for a target: one attempt, bounded in time, no reconnect
// loop; a failure leaves as a RedisSessionError that says why (WRONGPASS, TLS, ECONNREFUSED…).
import { readFileSync } from 'node:fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ConnectionTarget } from '../connectionTarget.ts';
import { RedisSessionError, toSessionError } from './redisError.ts';
import { DEFAULT_BOUNDS, type ConnectionBounds, type OpenOptions, type RedisHandle } from './redisHandle.ts';
import { tlsOptions } from './tlsOptions.ts';

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
      // One attempt: the caller decides when to try again (no endless retry loop).
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

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
