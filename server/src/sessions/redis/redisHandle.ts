// What an open connection is, and the time bounds every connection runs under.
import type { Cluster, Redis } from 'ioredis';
import type { ConnectionTarget } from '../connectionTarget.ts';

export interface ConnectionBounds {
  /** TCP connect + TLS handshake (default 5 s). */
  connectTimeoutMs: number;
  /** Any one command, AUTH and SELECT included (default 10 s). */
  commandTimeoutMs: number;
}

export const DEFAULT_BOUNDS: ConnectionBounds = { connectTimeoutMs: 5_000, commandTimeoutMs: 10_000 };

export interface OpenOptions extends Partial<ConnectionBounds> {
  /** Shown in CLIENT LIST so an operator sees who is scanning. */
  connectionName?: string;
  /** Reads CA / client-certificate files (tests and sandboxes replace it). */
  readFile?: (path: string) => Buffer;
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
