// The health report of one connection: SCAN the sessions (never KEYS), read their values in
// batches, decode each, and feed the aggregation. Read-only. A sample stops after N sessions in
// SCAN order (Redis's hash order, unrelated to ids or age); progress and cancel are the caller's.
import { decodeSession, SessionDecodeError, type DecodeSessionOptions } from '../sessionFormats.ts';
import type { SessionScanner } from '../redis/index.ts';
import { HealthReportBuilder, type HealthReport, type ReportConfig, type SessionObservation } from './healthReport.ts';
import { variableSizes } from './variableSizes.ts';

export interface ScanReportOptions {
  /** Stop after this many sessions: the report then says it is a sample. */
  sample?: number;
  signal?: AbortSignal;
  /** Called after each batch with the keys looked at so far. */
  onProgress?: (seen: number) => void;
  /** Configured serializer/compression for decoding (detected when absent). */
  decode?: Pick<DecodeSessionOptions, 'serializer' | 'compression'>;
}

export interface ScanReportResult {
  /** Keys in the database (DBSIZE, summed over cluster masters): the scale of the keyspace. */
  keyspaceKeys: number;
  /** The scan stopped early: at the sample size, or cancelled. */
  stopped: boolean;
  /** Sessions added (lock-only entries excluded). */
  sessions: number;
}

/** The observation for one stored value. */
export function observe(
  base: Omit<SessionObservation, 'serializer' | 'compression' | 'variables'>,
  value: Uint8Array | null,
  decode: ScanReportOptions['decode'] = {},
  withVariables = true,
): SessionObservation {
  const o: SessionObservation = { ...base };
  if (value === null || base.lockOnly) return o;
  try {
    const d = decodeSession(value, { ...decode, key: base.key });
    o.serializer = d.serializer;
    o.compression = d.compression;
    // The decoder's mark: what PHP itself refuses (an enum under msgpack, a class PHP will not
    // unserialize, bytes after igbinary data…), or a configured serializer that does not fit.
    if (d.phpUnreadable) o.unreadableByPhp = d.phpUnreadable.reason;
    // Measuring variables re-encodes them: only for sessions that may be among the largest.
    if (withVariables) o.variables = variableSizes(d.variables);
  } catch (err) {
    if (!(err instanceof SessionDecodeError)) throw err;
    o.undecodable = err.message;
  }
  return o;
}

/** Adds one connection's sessions to `builder` (several hosts of a pool feed one report). */
export async function scanInto(
  scanner: SessionScanner,
  builder: HealthReportBuilder,
  options: ScanReportOptions = {},
): Promise<ScanReportResult> {
  const handle = await scanner.connection();
  let keyspaceKeys = 0;
  for (const node of handle.scanNodes()) keyspaceKeys += await node.dbsize();
  let seen = 0;
  let sessions = 0;
  let stopped = false;
  for await (const batch of scanner.listAll(options.signal ? { signal: options.signal } : {})) {
    const take = options.sample === undefined ? batch : batch.slice(0, Math.max(0, options.sample - sessions));
    const ids = take.filter((s) => !s.lockOnly).map((s) => s.id);
    const values = await scanner.getSessions(ids);
    const byId = new Map(ids.map((id, i) => [id, values[i] ?? null]));
    for (const s of take) {
      const base: SessionObservation = { id: s.id, key: s.key, ttlMs: s.ttlMs, size: s.size };
      if (s.lock) base.lock = { ttlMs: s.lock.noExpiry ? -1 : s.lock.ttlMs, owner: s.lock.owner };
      if (s.lockOnly) base.lockOnly = true;
      const value = byId.get(s.id) ?? null;
      builder.add(observe(base, value ? new Uint8Array(value) : null, options.decode, builder.wantsVariables(s.size)));
      if (!s.lockOnly) sessions++;
    }
    seen += take.length;
    options.onProgress?.(seen);
    if (options.signal?.aborted) {
      stopped = true;
      break;
    }
    if (options.sample !== undefined && sessions >= options.sample) {
      stopped = true;
      break;
    }
  }
  return { keyspaceKeys, stopped, sessions };
}

/** The report of one connection. */
export async function scanReport(
  scanner: SessionScanner,
  config: ReportConfig,
  options: ScanReportOptions = {},
): Promise<{ report: HealthReport; keyspaceKeys: number; cancelled: boolean }> {
  const builder = new HealthReportBuilder(config);
  const r = await scanInto(scanner, builder, options);
  return { report: builder.finish(r.stopped), keyspaceKeys: r.keyspaceKeys, cancelled: !!options.signal?.aborted };
}
