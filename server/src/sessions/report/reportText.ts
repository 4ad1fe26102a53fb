// The health report as text for a terminal: the same figures as the JSON and the webview.
import type { HealthReport, HistogramBucket, SessionRef } from './healthReport.ts';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function ttl(s: number): string {
  if (s < 0) return 'no TTL';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

function bars(title: string, histogram: HistogramBucket[], total: number): string[] {
  const max = Math.max(1, ...histogram.map((b) => b.count));
  const out = [title];
  for (const b of histogram) {
    const pct = total ? ((100 * b.count) / total).toFixed(1) : '0.0';
    out.push(
      `  ${b.label.padEnd(10)} ${'█'.repeat(Math.round((30 * b.count) / max)).padEnd(30)} ${String(b.count).padStart(7)}  ${pct.padStart(5)}%`,
    );
  }
  return out;
}

function refs(title: string, count: number, list: SessionRef[]): string[] {
  if (count === 0) return [];
  const out = [`${title}: ${count}${list.length < count ? ` (first ${list.length} listed)` : ''}`];
  for (const r of list) out.push(`  ${r.id}  ${bytes(r.size)}, ${ttl(r.ttl)}${r.detail ? `  ${r.detail}` : ''}`);
  return out;
}

export function formatHealthReport(r: HealthReport): string {
  const lines: string[] = [];
  const scope = r.sampled ? ` (a sample of ${r.sampleSize} keys)` : '';
  lines.push(`Sessions: ${r.sessions}${scope}, ${bytes(r.totalBytes)} in all`);
  const by = (m: Record<string, number>): string =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  lines.push(`By serializer: ${by(r.bySerializer)}`);
  lines.push(`By compression: ${by(r.byCompression)}`);
  lines.push(
    `Without expiry (leaks): ${r.withoutExpiry}    TTL above session.gc_maxlifetime (${r.gcMaxlifetime}s): ${r.ttlAboveGcMaxlifetime}`,
  );
  lines.push(
    `Locks: ${r.locks}, without expiry: ${r.locksWithoutExpiry}, above lock_expire: ${r.locksAboveLockExpire}, lock without session: ${r.lockOnly}`,
  );
  lines.push(`Undecodable: ${r.undecodable}    PHP cannot read back: ${r.unreadableByPhp}`, '');
  lines.push(...bars('Size', r.sizeHistogram, r.sessions), '');
  lines.push(...bars('TTL', r.ttlHistogram, r.sessions), '');
  if (r.lists.largest.length) {
    lines.push('Largest sessions:');
    for (const l of r.lists.largest) {
      const vars = l.variables.map((v) => `${v.name} ${bytes(v.bytes)}`).join(', ');
      lines.push(`  ${l.id}  ${bytes(l.size)}${l.serializer ? ` ${l.serializer}` : ''}${vars ? `  (${vars})` : ''}`);
    }
    lines.push('');
  }
  for (const block of [
    refs('Without expiry', r.withoutExpiry, r.lists.withoutExpiry),
    refs('Locks without expiry', r.locksWithoutExpiry, r.lists.locksWithoutExpiry),
    refs('Locks above redis.session.lock_expire', r.locksAboveLockExpire, r.lists.locksAboveLockExpire),
    refs('Locks without a session', r.lockOnly, r.lists.lockOnly),
    refs('Undecodable', r.undecodable, r.lists.undecodable),
    refs('PHP cannot read back', r.unreadableByPhp, r.lists.unreadableByPhp),
  ])
    if (block.length) lines.push(...block, '');
  return lines.join('\n').replace(/\n+$/, '\n');
}
