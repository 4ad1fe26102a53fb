// One Redis server (or cluster) of a connection as the PHP Sessions view lists it: its pages of
// sessions, its failure, its filter and its counts; and the view's node types.
import type { ConnectionTarget, PhpValue } from '../../server/src/sessions/index.ts';
import type { ScanState, SessionInfo, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import type { Connection } from './connections.ts';
import { hostLabel } from './connectionText.ts';

/** A count of sessions: an estimate from the first page's SCAN, then the exact figure. */
export interface SessionTotal {
  count: number;
  exact: boolean;
}

/** One Redis server (or cluster) of a connection, with its listing state. */
export class HostState {
  sessions: SessionInfo[] = [];
  state: ScanState | undefined;
  done = false;
  error: string | undefined;
  /** The failure's code (NOAUTH, WRONGPASS… from RedisSessionError). */
  errorCode: string | undefined;
  filter = '';
  loading: Promise<void> | undefined;
  /** How many sessions match the filter in all; undefined until the first page says. */
  total: SessionTotal | undefined;
  /** DBSIZE: every key of the database, sessions or not. */
  keys: number | undefined;
  /** The framework layout was read from the keys (the connection named no prefix and phpredis's had none). */
  detected = false;
  private counting: AbortController | undefined;
  constructor(
    readonly connection: Connection,
    // Replaced when the layout is read from the keys (a framework's prefix instead of phpredis's).
    public target: ConnectionTarget,
    public scanner: SessionScanner,
  ) {}
  get label(): string {
    return hostLabel(this.target);
  }
  reset(): void {
    this.sessions = [];
    this.state = undefined;
    this.done = false;
    this.error = undefined;
    this.errorCode = undefined;
    this.total = undefined;
    this.keys = undefined;
    this.stopCounting();
  }
  /** Counts every session matching the filter in the background (bounded), then calls `onDone`. */
  startCounting(onDone: () => void): void {
    if (this.counting) return;
    const ctl = new AbortController();
    this.counting = ctl;
    const filter = this.filter;
    void Promise.all([
      this.scanner.countSessions({ pattern: filter, budgetMs: 120_000, signal: ctl.signal }),
      this.scanner.keyCount().catch(() => undefined),
    ]).then(
      ([r, keys]) => {
        if (ctl.signal.aborted || filter !== this.filter) return;
        // A count cut short by its budget is a lower bound: keep the estimate if it says more.
        if (r.complete || !this.total || r.count > this.total.count) this.total = { count: r.count, exact: r.complete };
        this.keys = keys;
        onDone();
      },
      () => undefined, // the listing itself reports failures
    );
  }
  stopCounting(): void {
    this.counting?.abort();
    this.counting = undefined;
  }
  /** The listed sessions that are sessions (a lock left alone is listed, not counted). */
  get loadedCount(): number {
    return this.sessions.filter((s) => !s.lockOnly).length;
  }
}

export type Node =
  | { kind: 'connection'; connection: Connection }
  | { kind: 'host'; host: HostState }
  | { kind: 'session'; host: HostState; session: SessionInfo }
  | {
      kind: 'variable';
      host: HostState;
      session: SessionInfo;
      label: string;
      detail?: string;
      /** A framework's reading of the value (a timestamp as a date): shown instead of the value. */
      display?: string;
      value: PhpValue;
      /**
       * Where the value is stored: variable name, then keys (a framework's field or attribute mapped
       * back to its place). Absent where Edit Value… is not offered (the place is unclear, or PHP
       * cannot read the session back).
       */
      path?: readonly string[];
    }
  | { kind: 'more'; host: HostState }
  | {
      kind: 'message';
      text: string;
      error?: boolean;
      /** A warning rather than news (PHP cannot read the session back). */
      warning?: boolean;
      host?: HostState;
      connection?: Connection;
      /** The failure is a missing or wrong password: the row offers Set Password…. */
      auth?: boolean;
      /** `${VAR}` the connection's save_path needs a value for: the row offers to set them. */
      variables?: string[];
    };
