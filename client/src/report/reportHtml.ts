// The health report webview's page: figures, SVG charts and the findings, each finding linking to
// its session; on a writable connection, stuck locks can be released and leaks given a TTL. Strict
// Content-Security-Policy: nothing loads from anywhere, one nonce'd script posts clicks back.
import type { HealthReport, SessionRef } from '../../../server/src/sessions/index.ts';
import { barChart, donutChart, escapeXml } from './svgCharts.ts';

export interface ReportPageOptions {
  nonce: string;
  /** The webview's own source (webview.cspSource), for the policy. */
  cspSource: string;
  connectionName: string;
  /** Write actions are offered only on writable connections. */
  writable: boolean;
  keyspaceKeys: number;
  cancelled?: boolean;
}

/** Messages the page posts back. */
export type ReportMessage =
  | { command: 'open'; host: number; id: string }
  | { command: 'releaseLock'; host: number; id: string }
  | { command: 'expire'; host: number; id: string }
  | { command: 'refresh' };

const e = escapeXml;

function figure(name: string, label: string, value: number, warn = false): string {
  return `<div class="figure${warn && value > 0 ? ' warn' : ''}"><span class="value" data-figure="${name}">${value}</span><span class="label">${e(label)}</span></div>`;
}

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

function findings(
  id: string,
  title: string,
  count: number,
  list: readonly SessionRef[],
  action: { command: 'releaseLock' | 'expire'; label: string } | null,
): string {
  if (count === 0) return '';
  const rows = list
    .map((r) => {
      const host = r.host ?? 0;
      const button = action
        ? `<button data-command="${action.command}" data-host="${host}" data-id="${e(r.id)}">${e(action.label)}</button>`
        : '';
      return `<tr><td><a href="#" data-command="open" data-host="${host}" data-id="${e(r.id)}">${e(r.id)}</a></td><td>${bytes(r.size)}</td><td>${ttl(r.ttl)}</td><td>${e(r.detail ?? '')}</td><td>${button}</td></tr>`;
    })
    .join('');
  const more = list.length < count ? `<p class="more">${count - list.length} more not listed.</p>` : '';
  return `<section class="findings" id="${id}"><h2>${e(title)} <span class="count" data-list="${id}">${count}</span></h2><table><thead><tr><th>Session</th><th>Size</th><th>TTL</th><th></th><th></th></tr></thead><tbody>${rows}</tbody></table>${more}</section>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
h1 { font-size: 1.4em; font-weight: 600; } h2 { font-size: 1.1em; font-weight: 600; margin-top: 1.6em; }
.figures { display: flex; flex-wrap: wrap; gap: 10px; }
.figure { border: 1px solid var(--vscode-editorWidget-border, #444); border-radius: 4px; padding: 8px 12px; min-width: 110px; display: flex; flex-direction: column; }
.figure .value { font-size: 1.6em; font-weight: 600; } .figure .label { opacity: .8; font-size: .9em; }
.figure.warn { border-color: var(--vscode-charts-red, #f14c4c); } .figure.warn .value { color: var(--vscode-charts-red, #f14c4c); }
.charts { display: flex; flex-wrap: wrap; gap: 24px; margin-top: 16px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, #333); }
a { color: var(--vscode-textLink-foreground); } .note, .more { opacity: .8; }
button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 2px 8px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (ev) => {
  const el = ev.target.closest('[data-command]');
  if (!el) return;
  ev.preventDefault();
  vscode.postMessage({ command: el.dataset.command, host: Number(el.dataset.host || 0), id: el.dataset.id });
});
`;

export function reportHtml(r: HealthReport, o: ReportPageOptions): string {
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${o.nonce}'`,
    `script-src 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource} data:`,
  ].join('; ');
  const scope = o.cancelled
    ? `Stopped after ${r.sampleSize} keys (cancelled): a partial report.`
    : r.sampled
      ? `A sample of ${r.sampleSize} keys.`
      : `All ${r.sampleSize} session keys.`;
  const serializers = Object.entries(r.bySerializer)
    .sort((a, b) => b[1] - a[1])
    .map(([label, count]) => ({ label, count }));
  const compressions = Object.entries(r.byCompression)
    .sort((a, b) => b[1] - a[1])
    .map(([label, count]) => ({ label, count }));
  const ttlData = r.ttlHistogram.map((b) => ({ label: b.label, count: b.count }));
  const largest = r.lists.largest
    .map((l) => {
      const host = l.host ?? 0;
      const vars = l.variables.map((v) => `${e(v.name)} ${bytes(v.bytes)}`).join(', ');
      return `<tr><td><a href="#" data-command="open" data-host="${host}" data-id="${e(l.id)}">${e(l.id)}</a></td><td>${bytes(l.size)}</td><td>${e(l.serializer ?? '')}</td><td>${vars}</td></tr>`;
    })
    .join('');
  const w = o.writable;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Session health: ${e(o.connectionName)}</title><style nonce="${o.nonce}">${STYLE}</style></head>
<body data-report="ready">
<h1>Session health: ${e(o.connectionName)}</h1>
<p class="note">${e(scope)} ${o.keyspaceKeys} keys in the database. ${w ? '' : 'Read-only connection: no actions offered.'} <a href="#" data-command="refresh">Run again</a></p>
<div class="figures">
${figure('sessions', 'sessions', r.sessions)}
${figure('withoutExpiry', 'without expiry (leaks)', r.withoutExpiry, true)}
${figure('locksWithoutExpiry', 'locks without expiry', r.locksWithoutExpiry, true)}
${figure('lockOnly', 'locks without a session', r.lockOnly, true)}
${figure('undecodable', 'undecodable', r.undecodable, true)}
${figure('unreadableByPhp', 'PHP cannot read back', r.unreadableByPhp, true)}
${figure('ttlAboveGcMaxlifetime', `TTL above gc_maxlifetime (${r.gcMaxlifetime}s)`, r.ttlAboveGcMaxlifetime, true)}
</div>
<div class="charts">
${donutChart('chart-serializers', 'Serializers', serializers)}
${donutChart('chart-compression', 'Compression', compressions)}
${barChart('chart-size', 'Size', r.sizeHistogram)}
${barChart('chart-ttl', 'Remaining TTL', ttlData, { highlight: new Set(['no expiry']) })}
</div>
${findings('withoutExpiry', 'Sessions without expiry', r.withoutExpiry, r.lists.withoutExpiry, w ? { command: 'expire', label: `Set TTL ${r.gcMaxlifetime}s…` } : null)}
${findings('locksWithoutExpiry', 'Locks without expiry', r.locksWithoutExpiry, r.lists.locksWithoutExpiry, w ? { command: 'releaseLock', label: 'Release lock…' } : null)}
${findings('locksAboveLockExpire', 'Locks longer than redis.session.lock_expire', r.locksAboveLockExpire, r.lists.locksAboveLockExpire, w ? { command: 'releaseLock', label: 'Release lock…' } : null)}
${findings('lockOnly', 'Locks without a session', r.lockOnly, r.lists.lockOnly, w ? { command: 'releaseLock', label: 'Release lock…' } : null)}
${findings('undecodable', 'Undecodable sessions', r.undecodable, r.lists.undecodable, null)}
${findings('unreadableByPhp', 'Sessions PHP cannot read back', r.unreadableByPhp, r.lists.unreadableByPhp, null)}
${findings('ttlAboveGcMaxlifetime', 'TTL above session.gc_maxlifetime', r.ttlAboveGcMaxlifetime, r.lists.ttlAboveGcMaxlifetime, null)}
${largest ? `<section id="largest"><h2>Largest sessions</h2><table><thead><tr><th>Session</th><th>Size</th><th>Serializer</th><th>Largest variables</th></tr></thead><tbody>${largest}</tbody></table></section>` : ''}
<script nonce="${o.nonce}">${SCRIPT}</script>
</body></html>`;
}
