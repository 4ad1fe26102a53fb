// Listing: a page at a time for the tree (SCAN resumed across pages, topped up where lock keys
// fold into their session), or every session streamed for the CLI.
import type { Redis } from 'ioredis';
import { isSessionKey, sessionMatchPattern } from '../connectionTarget.ts';
import { KeyDescriber } from './keyStats.ts';
import type { LiveConnection } from './liveConnection.ts';
import { RedisSessionError, throwIfAborted, toSessionError } from './redisError.ts';
import type { RedisHandle } from './redisHandle.ts';
import { laneDescriber } from './laneStats.ts';
import { scanOverLane } from './laneScan.ts';
import { pumpScan } from './scanPump.ts';
import { readSessionHeads } from './sessionHeads.ts';
import type { SessionInfo } from './sessionInfo.ts';

interface NodeCursor {
  id: string;
  cursor: string;
  done: boolean;
}

interface PendingKey {
  key: string;
  node: string;
}

/** Where a paged listing stands; hand it back to `listPage` for the next page. */
export interface ScanState {
  readonly match: string;
  readonly nodes: NodeCursor[];
  /** Keys scanned but not returned yet (SCAN returns more than a page). */
  readonly pending: PendingKey[];
  /** Every key returned or pending, to drop SCAN's duplicates. */
  readonly seen: Set<string>;
  /** SCAN COUNT of the next call, adapted to how many keys match. */
  count: number;
  done: boolean;
}

export interface SessionPage {
  sessions: SessionInfo[];
  state: ScanState;
  done: boolean;
}

export interface AllOptions {
  /** A glob on the session id; `*` is appended. */
  pattern?: string;
  signal?: AbortSignal;
  /**
   * Read each value's first bytes too (`SessionInfo.head`): what the serializer is detected from.
   * Infinity reads whole values (a search by contents).
   */
  headBytes?: number;
  /** The caller stops after this many sessions: SCAN no more per call than a page of that size needs. */
  limit?: number;
}

export interface ListOptions {
  /** A glob on the session id (`--match`, "Filter by id prefix"); `*` is appended. Ignored with `state`. */
  pattern?: string;
  pageSize?: number;
  /** The state of the previous page; none starts a new listing. */
  state?: ScanState;
  signal?: AbortSignal;
}

/** Bounds of a page's SCAN COUNT: it starts at ten times the page size and doubles while few keys match. */
const MIN_PAGE_COUNT = 1_000;
const MAX_PAGE_COUNT = 10_000;

/** A page's first SCAN COUNT: ten keys looked at per session wanted, within the page bounds. */
function pageCount(pageSize: number, max: number): number {
  return Math.min(max, MAX_PAGE_COUNT, Math.max(MIN_PAGE_COUNT, pageSize * 10));
}

export class SessionListing {
  private readonly keys: KeyDescriber;

  constructor(
    private readonly live: LiveConnection,
    private readonly options: { pageSize?: number; scanCount: number },
  ) {
    this.keys = new KeyDescriber(live.target.prefix);
  }

  /** One page of sessions; pass `state` back for the next one. */
  async listPage(options: ListOptions = {}): Promise<SessionPage> {
    return this.live.guard(async (h) => {
      const pageSize = Math.max(1, options.pageSize ?? this.options.pageSize ?? 200);
      const state = options.state ?? this.newState(h, options.pattern);
      const nodes = nodeMap(h);
      const nodeOf = (id: string): Redis => {
        const node = nodes.get(id);
        if (!node) throw new RedisSessionError('The cluster changed since the listing began: refresh.', 'CLOSED');
        return node;
      };
      const scanned = (): boolean => state.nodes.every((n) => n.done);
      const sessions: SessionInfo[] = [];
      // Folded lock keys and keys that are not sessions leave gaps: top the page up.
      while (sessions.length < pageSize && !(scanned() && state.pending.length === 0)) {
        const wanted = pageSize - sessions.length;
        while (state.pending.length < wanted && !scanned()) {
          throwIfAborted(options.signal);
          const cursor = state.nodes.find((n) => !n.done)!;
          const [next, keys] = await nodeOf(cursor.id).scan(cursor.cursor, 'MATCH', state.match, 'COUNT', state.count);
          cursor.cursor = next;
          cursor.done = next === '0';
          let fresh = 0;
          for (const key of keys) {
            if (state.seen.has(key)) continue;
            state.seen.add(key);
            state.pending.push({ key, node: cursor.id });
            fresh++;
          }
          // Few matches per COUNT (a narrow filter, sparse sessions): scan more per round trip.
          if (fresh < wanted / 2) state.count = Math.min(MAX_PAGE_COUNT, state.count * 2);
        }
        for (const [nodeId, keys] of groupByNode(state.pending.splice(0, wanted))) {
          sessions.push(...(await this.keys.describe(h, nodeOf(nodeId), nodeId, keys)));
        }
      }
      state.done = scanned() && state.pending.length === 0;
      return { sessions, state, done: state.done };
    });
  }

  /**
   * Every session, streamed in batches (one per SCAN call). A standalone server is listed over a
   * connection of its own in raw RESP (laneScan.ts, laneStats.ts): SCANs chained so the server
   * always has the next one queued, sizes, TTLs and locks in one block of commands per batch.
   * A cluster's masters are listed one after the other through ioredis. `headBytes` > 0 adds each
   * value's first bytes (`SessionInfo.head`).
   */
  async *listAll(options: AllOptions = {}): AsyncGenerator<SessionInfo[]> {
    const target = this.live.target;
    const match = sessionMatchPattern(target.prefix, options.pattern);
    const count =
      options.limit === undefined ? this.options.scanCount : pageCount(options.limit, this.options.scanCount);
    if (target.kind !== 'cluster') {
      const lane = await this.live.lane();
      try {
        const isSession = target.framework ? (k: string) => isSessionKey(target, k) : undefined;
        const describe = laneDescriber(lane, target.prefix, options.headBytes ?? 0, isSession);
        const batches = scanOverLane(lane, match, count, describe, options.signal);
        for (;;) {
          let next: IteratorResult<SessionInfo[]>;
          try {
            next = await batches.next();
          } catch (err) {
            throw toSessionError(err, target, lane.bounds);
          }
          if (next.done) break;
          if (next.value.length) yield next.value;
        }
      } finally {
        lane.close();
      }
      return;
    }
    const h = await this.live.guard(async (c) => c);
    for (const node of h.scanNodes()) {
      const nodeId = h.nodeId(node);
      const describe = async (keys: string[]): Promise<SessionInfo[]> => {
        const sessions = await this.keys.describe(h, node, nodeId, keys);
        if (options.headBytes) await addHeads(h, sessions, options.headBytes);
        return sessions;
      };
      const batches = pumpScan(node, match, count, describe, options.signal);
      try {
        for (;;) {
          const next = await this.live.settle(h, batches.next());
          if (next.done) break;
          if (next.value.length) yield next.value;
        }
      } finally {
        // The consumer may stop early (a --limit, an error): stop chaining SCANs.
        await batches.return(undefined);
      }
    }
  }

  private newState(h: RedisHandle, pattern: string | undefined): ScanState {
    return {
      match: sessionMatchPattern(this.live.target.prefix, pattern),
      nodes: h.scanNodes().map((n) => ({ id: h.nodeId(n), cursor: '0', done: false })),
      pending: [],
      seen: new Set(),
      count: pageCount(this.options.pageSize ?? 200, MAX_PAGE_COUNT),
      done: false,
    };
  }
}

function nodeMap(h: RedisHandle): Map<string, Redis> {
  return new Map(h.scanNodes().map((n) => [h.nodeId(n), n]));
}

function groupByNode(keys: readonly PendingKey[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { key, node } of keys) {
    const list = out.get(node);
    if (list) list.push(key);
    else out.set(node, [key]);
  }
  return out;
}

/** The first bytes of each (non lock-only) session, routed by the cluster client. */
async function addHeads(h: RedisHandle, sessions: SessionInfo[], length: number): Promise<void> {
  const withValue = sessions.filter((s) => !s.lockOnly);
  const heads = await readSessionHeads(
    h,
    withValue.map((s) => s.key),
    length,
  );
  for (const s of withValue) s.head = heads.get(s.key);
}
