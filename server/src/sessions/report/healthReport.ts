// The health of a keyspace of PHP sessions, aggregated from one observation per key: counts per
// serializer and compression, size and TTL distributions, TTLs against session.gc_maxlifetime,
// leaks (no expiry), stuck locks, the largest sessions and their largest variables, and sessions
// that cannot be decoded or that PHP itself cannot read back. Pure: the scan feeds it.
import type { SessionCompression } from '../compression.ts';
import type { SessionSerializer } from '../sessionFormats.ts';

export interface LockObservation {
  /** Remaining lock time in ms; -1 when it has no expiry. */
  ttlMs: number;
  owner: string | null;
}

/** What the scan learnt about one session key. */
export interface SessionObservation {
  id: string;
  key: string;
  /** Remaining TTL in ms; -1 when the key has no expiry. */
  ttlMs: number;
  /** Stored bytes (STRLEN). */
  size: number;
  lock?: LockObservation;
  /** Only a `_LOCK` key exists (a request that died before writing its session). */
  lockOnly?: boolean;
  serializer?: SessionSerializer;
  compression?: SessionCompression;
  /** Variable name → its encoded size in bytes, when decoded. */
  variables?: Array<[name: string, bytes: number]>;
  /** Why it could not be decoded. */
  undecodable?: string;
  /** Why PHP would not read it back (decoded, but PHP refuses or is configured otherwise). */
  unreadableByPhp?: string;
}

export interface ReportConfig {
  /** session.gc_maxlifetime in seconds (PHP's default 1440). */
  gcMaxlifetime: number;
  /** redis.session.lock_expire in seconds, when configured (0 = max_execution_time). */
  lockExpire?: number;
  /** The configured session.serialize_handler; a session stored otherwise is unreadable by PHP. */
  serializer?: SessionSerializer;
  /** Entries kept in each list (the counts always cover everything). Default 100. */
  listLimit?: number;
  /** Largest sessions listed. Default 10. */
  largest?: number;
}

export interface HistogramBucket {
  label: string;
  /** Upper bound (exclusive) in the histogram's unit; null for the open last bucket. */
  below: number | null;
  count: number;
}

export interface SessionRef {
  /** Which host of the connection holds it (several hosts of one save_path); 0 for a single one. */
  host?: number;
  id: string;
  key: string;
  size: number;
  ttl: number;
  detail?: string;
}

export interface LargestSession extends SessionRef {
  serializer?: SessionSerializer;
  /** The largest variables first, with their encoded sizes. */
  variables: Array<{ name: string; bytes: number }>;
}

export interface HealthReport {
  /** Session keys seen (lock-only entries excluded). */
  sessions: number;
  /** True when only a sample was read; `sampleSize` keys then stand for `keyspaceSessions`. */
  sampled: boolean;
  sampleSize: number;
  totalBytes: number;
  bySerializer: Record<string, number>;
  byCompression: Record<string, number>;
  sizeHistogram: HistogramBucket[];
  ttlHistogram: HistogramBucket[];
  gcMaxlifetime: number;
  /** Sessions whose TTL exceeds session.gc_maxlifetime (written with another configuration). */
  ttlAboveGcMaxlifetime: number;
  withoutExpiry: number;
  locks: number;
  locksWithoutExpiry: number;
  /** Locks whose remaining time exceeds redis.session.lock_expire (set by another configuration). */
  locksAboveLockExpire: number;
  lockOnly: number;
  undecodable: number;
  unreadableByPhp: number;
  lists: {
    withoutExpiry: SessionRef[];
    locksWithoutExpiry: SessionRef[];
    locksAboveLockExpire: SessionRef[];
    lockOnly: SessionRef[];
    undecodable: SessionRef[];
    unreadableByPhp: SessionRef[];
    ttlAboveGcMaxlifetime: SessionRef[];
    largest: LargestSession[];
  };
}

const KB = 1024;
const SIZE_BOUNDS: Array<[string, number]> = [
  ['< 256 B', 256],
  ['< 1 KB', KB],
  ['< 4 KB', 4 * KB],
  ['< 16 KB', 16 * KB],
  ['< 64 KB', 64 * KB],
  ['< 256 KB', 256 * KB],
  ['< 1 MB', KB * KB],
];
const TTL_BOUNDS: Array<[string, number]> = [
  ['< 1 min', 60],
  ['< 5 min', 300],
  ['< 15 min', 900],
  ['< 30 min', 1800],
  ['< 1 h', 3600],
  ['< 6 h', 6 * 3600],
  ['< 1 day', 86400],
];

function buckets(bounds: Array<[string, number]>, last: string): HistogramBucket[] {
  return [...bounds.map(([label, below]) => ({ label, below, count: 0 })), { label: last, below: null, count: 0 }];
}

function place(histogram: HistogramBucket[], v: number): void {
  const b = histogram.find((h) => h.below === null || v < h.below)!;
  b.count++;
}

const seconds = (ms: number): number => (ms < 0 ? -1 : Math.ceil(ms / 1000));

export class HealthReportBuilder {
  private readonly report: HealthReport;
  private readonly limit: number;
  private readonly largestCount: number;
  /** The host the next observations come from (see SessionRef.host). */
  host = 0;

  constructor(private readonly config: ReportConfig) {
    this.limit = config.listLimit ?? 100;
    this.largestCount = config.largest ?? 10;
    this.report = {
      sessions: 0,
      sampled: false,
      sampleSize: 0,
      totalBytes: 0,
      bySerializer: {},
      byCompression: {},
      sizeHistogram: buckets(SIZE_BOUNDS, '≥ 1 MB'),
      ttlHistogram: [{ label: 'no expiry', below: 0, count: 0 }, ...buckets(TTL_BOUNDS, '≥ 1 day')],
      gcMaxlifetime: config.gcMaxlifetime,
      ttlAboveGcMaxlifetime: 0,
      withoutExpiry: 0,
      locks: 0,
      locksWithoutExpiry: 0,
      locksAboveLockExpire: 0,
      lockOnly: 0,
      undecodable: 0,
      unreadableByPhp: 0,
      lists: {
        withoutExpiry: [],
        locksWithoutExpiry: [],
        locksAboveLockExpire: [],
        lockOnly: [],
        undecodable: [],
        unreadableByPhp: [],
        ttlAboveGcMaxlifetime: [],
        largest: [],
      },
    };
  }

  private list(name: keyof Omit<HealthReport['lists'], 'largest'>, s: SessionObservation, detail?: string): void {
    const l = this.report.lists[name];
    if (l.length >= this.limit) return;
    const ref: SessionRef = { id: s.id, key: s.key, size: s.size, ttl: seconds(s.ttlMs) };
    if (this.host) ref.host = this.host;
    if (detail) ref.detail = detail;
    l.push(ref);
  }

  add(s: SessionObservation): void {
    const r = this.report;
    r.sampleSize++;
    if (s.lock) {
      r.locks++;
      const lockDetail = `${s.lock.owner ?? 'unknown owner'}${s.lock.ttlMs < 0 ? ', no expiry' : `, ${seconds(s.lock.ttlMs)} s left`}`;
      if (s.lock.ttlMs < 0) {
        r.locksWithoutExpiry++;
        this.list('locksWithoutExpiry', s, lockDetail);
      } else if (this.config.lockExpire && s.lock.ttlMs > this.config.lockExpire * 1000) {
        r.locksAboveLockExpire++;
        this.list('locksAboveLockExpire', s, lockDetail);
      }
    }
    if (s.lockOnly) {
      r.lockOnly++;
      this.list('lockOnly', s);
      return;
    }
    r.sessions++;
    r.totalBytes += s.size;
    place(r.sizeHistogram, s.size);
    if (s.ttlMs < 0) {
      r.ttlHistogram[0]!.count++;
      r.withoutExpiry++;
      this.list('withoutExpiry', s);
    } else {
      place(r.ttlHistogram.slice(1), s.ttlMs / 1000);
      if (s.ttlMs > this.config.gcMaxlifetime * 1000) {
        r.ttlAboveGcMaxlifetime++;
        this.list('ttlAboveGcMaxlifetime', s);
      }
    }
    const serializer = s.undecodable ? 'undecodable' : (s.serializer ?? 'unknown');
    r.bySerializer[serializer] = (r.bySerializer[serializer] ?? 0) + 1;
    if (!s.undecodable) {
      const c = s.compression ?? 'none';
      r.byCompression[c] = (r.byCompression[c] ?? 0) + 1;
    }
    if (s.undecodable) {
      r.undecodable++;
      this.list('undecodable', s, s.undecodable);
    } else {
      const reason =
        s.unreadableByPhp ??
        (this.config.serializer && s.serializer && s.serializer !== this.config.serializer
          ? `stored with ${s.serializer}, PHP is configured for ${this.config.serializer}`
          : undefined);
      if (reason) {
        r.unreadableByPhp++;
        this.list('unreadableByPhp', s, reason);
      }
    }
    this.considerLargest(s);
  }

  /** True when a session of `size` bytes would enter the largest list (its variables are then wanted). */
  wantsVariables(size: number): boolean {
    const l = this.report.lists.largest;
    return l.length < this.largestCount || size > l[l.length - 1]!.size;
  }

  private considerLargest(s: SessionObservation): void {
    const l = this.report.lists.largest;
    if (l.length >= this.largestCount && s.size <= l[l.length - 1]!.size) return;
    const entry: LargestSession = {
      id: s.id,
      key: s.key,
      size: s.size,
      ttl: seconds(s.ttlMs),
      variables: (s.variables ?? [])
        .map(([name, bytes]) => ({ name, bytes }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 5),
    };
    if (s.serializer) entry.serializer = s.serializer;
    if (this.host) entry.host = this.host;
    l.push(entry);
    l.sort((a, b) => b.size - a.size);
    if (l.length > this.largestCount) l.length = this.largestCount;
  }

  /** The report; `sampled` says whether the keys seen are a sample of a larger keyspace. */
  finish(sampled = false): HealthReport {
    this.report.sampled = sampled;
    return this.report;
  }
}
