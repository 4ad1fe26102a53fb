// Session access over one connection target: the one object callers use. Listing, reads and
// writes, value search, server info and reconnect handling live in their own modules; this
// facade gives them one connection and one set of options.
import { LOCK_SUFFIX, sessionMatchPattern, type ConnectionTarget } from '../connectionTarget.ts';
import { sampleLayout, type LayoutSample, type SampleOptions } from './layoutSample.ts';
import { SessionListing, type AllOptions, type ListOptions, type ScanState, type SessionPage } from './listing.ts';
import { LiveConnection } from './liveConnection.ts';
import type { OpenOptions, RedisHandle } from './redisHandle.ts';
import { DEFAULT_SCAN_COUNT } from './scanPump.ts';
import { serverInfo, type NodeInfo } from './serverInfo.ts';
import { SessionAccess, type DeleteAllOptions } from './sessionAccess.ts';
import { countSessions, estimateSessions, keyCount, type CountResult } from './sessionCount.ts';
import type { SessionInfo } from './sessionInfo.ts';
import { findSessionsContaining, type SearchOptions, type SessionMatch } from './valueSearch.ts';

export interface ScannerOptions extends OpenOptions {
  /** Sessions per page of `listPage` (the `phpRedisSessions.pageSize` setting, default 200). */
  pageSize?: number;
  /** SCAN COUNT of `listAll`/search/delete-all: large, so few round trips (default 10 000). */
  scanCount?: number;
  /** Refuse every write (connections are read-only unless the user says otherwise). */
  readOnly?: boolean;
}

export class SessionScanner {
  readonly target: ConnectionTarget;
  private readonly live: LiveConnection;
  private readonly listing: SessionListing;
  private readonly access: SessionAccess;
  private readonly scanCount: number;

  constructor(target: ConnectionTarget, options: ScannerOptions = {}) {
    this.target = target;
    this.live = new LiveConnection(target, options);
    this.scanCount = options.scanCount ?? DEFAULT_SCAN_COUNT;
    this.listing = new SessionListing(this.live, { pageSize: options.pageSize, scanCount: this.scanCount });
    this.access = new SessionAccess(this.live, { readOnly: !!options.readOnly, scanCount: this.scanCount });
  }

  get prefix(): string {
    return this.target.prefix;
  }

  /** The open connection, opened (again) when there is none or it was lost. */
  connection(): Promise<RedisHandle> {
    return this.live.connection();
  }

  close(): void {
    this.live.close();
  }

  /** One page of sessions; pass `state` back for the next one. */
  listPage(options: ListOptions = {}): Promise<SessionPage> {
    return this.listing.listPage(options);
  }

  /** Every session, streamed in batches (one per SCAN call); `headBytes` adds each value's first bytes. */
  listAll(options: AllOptions = {}): AsyncGenerator<SessionInfo[]> {
    return this.listing.listAll(options);
  }

  /** The raw stored value (bytes as phpredis wrote them), or null when the session is gone. */
  getSession(id: string): Promise<Buffer | null> {
    return this.access.getSession(id);
  }

  /** Raw values of several sessions in one round trip per node (null for a missing one). */
  getSessions(ids: readonly string[]): Promise<(Buffer | null)[]> {
    return this.access.getSessions(ids);
  }

  /** Size, TTL and lock of one session, or null when it does not exist. */
  getSessionInfo(id: string): Promise<SessionInfo | null> {
    return this.access.getSessionInfo(id);
  }

  /** The connection for a write the caller runs itself (the safe edit); refused on a read-only connection. */
  writableConnection(): Promise<RedisHandle> {
    return this.access.writableConnection();
  }

  /** Deletes the session (and its lock). True when the session existed. */
  deleteSession(id: string): Promise<boolean> {
    return this.access.deleteSession(id);
  }

  /** Sets the remaining lifetime in seconds; null removes the expiry. False when the session is gone. */
  setTtl(id: string, seconds: number | null): Promise<boolean> {
    return this.access.setTtl(id, seconds);
  }

  /** Deletes the session's lock; with `expectedOwner`, only while it still holds that value. */
  releaseLock(id: string, expectedOwner?: string): Promise<boolean> {
    return this.access.releaseLock(id, expectedOwner);
  }

  /** SCAN + UNLINK (DEL before Redis 4) in batches; never KEYS nor FLUSHDB. Returns keys deleted. */
  deleteAllSessions(options: DeleteAllOptions = {}): Promise<number> {
    return this.access.deleteAllSessions(options);
  }

  /** Sessions whose raw value contains `text` (bytes, as stored: compressed values do not match). */
  findSessionsContaining(text: string | Uint8Array, options: SearchOptions = {}): Promise<SessionMatch[]> {
    return findSessionsContaining(this.live, text, { ...options, scanCount: this.scanCount });
  }

  /** Sessions whose id matches `pattern` (a glob, `*` appended), counted by a SCAN of every node within `budgetMs`. */
  countSessions(options: { pattern?: string; budgetMs?: number; signal?: AbortSignal } = {}): Promise<CountResult> {
    const match = sessionMatchPattern(this.target.prefix, options.pattern);
    return this.live.guard((h) => countSessions(h, match, options.budgetMs ?? 30_000, options.signal));
  }

  /** DBSIZE: every key of the database (of every master of a cluster), sessions or not. */
  keyCount(): Promise<number> {
    return this.live.guard(keyCount);
  }

  /** Sessions a paged listing can expect in all, from how far its SCAN got; undefined when too early to say. */
  estimateSessions(state: ScanState): number | undefined {
    let found = 0;
    for (const key of state.seen) if (!key.endsWith(LOCK_SUFFIX)) found++;
    return estimateSessions(found, state.nodes);
  }

  /** Whose sessions are there: a bounded look at the key names (phpredis's, or a framework's layout). */
  sampleLayout(options: SampleOptions = {}): Promise<LayoutSample> {
    return sampleLayout(this.live, options);
  }

  /** INFO of the server (every master of a cluster). */
  serverInfo(): Promise<NodeInfo[]> {
    return this.live.guard(serverInfo);
  }
}
