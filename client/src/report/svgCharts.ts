// Charts for the session health report as plain SVG text: no library, no script, nothing
// fetched; colours are VS Code theme variables, so the charts follow the theme.

export interface ChartDatum {
  label: string;
  count: number;
}

/** VS Code's chart colours, in order (theme variables, with a fallback outside VS Code). */
export const CHART_COLOURS = [
  'var(--vscode-charts-blue, #3794ff)',
  'var(--vscode-charts-orange, #d18616)',
  'var(--vscode-charts-green, #89d185)',
  'var(--vscode-charts-purple, #b180d7)',
  'var(--vscode-charts-yellow, #cca700)',
  'var(--vscode-charts-red, #f14c4c)',
  'var(--vscode-charts-foreground, #cccccc)',
];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const TEXT = 'fill="var(--vscode-foreground, #cccccc)"';

/**
 * A vertical bar chart: one bar per datum, its count above it, its label below. `id` names the
 * chart for tests and links; `highlight` colours some bars as findings (e.g. "no expiry").
 */
export function barChart(
  id: string,
  title: string,
  data: readonly ChartDatum[],
  options: { width?: number; height?: number; highlight?: ReadonlySet<string> } = {},
): string {
  const width = options.width ?? 520;
  const height = options.height ?? 220;
  const top = 40;
  const bottom = 40;
  const left = 8;
  const plotH = height - top - bottom;
  const slot = (width - 2 * left) / Math.max(1, data.length);
  const barW = Math.max(4, slot * 0.7);
  const max = Math.max(1, ...data.map((d) => d.count));
  const bars = data
    .map((d, i) => {
      const h = d.count === 0 ? 0 : Math.max(1, (plotH * d.count) / max);
      const x = left + i * slot + (slot - barW) / 2;
      const y = top + plotH - h;
      const colour = options.highlight?.has(d.label) ? CHART_COLOURS[5] : CHART_COLOURS[0];
      const cx = (x + barW / 2).toFixed(1);
      return [
        `<g class="bar" data-label="${escapeXml(d.label)}" data-count="${d.count}">`,
        `<title>${escapeXml(d.label)}: ${d.count}</title>`,
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}" rx="2"/>`,
        `<text x="${cx}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11" ${TEXT}>${d.count}</text>`,
        `<text x="${cx}" y="${(top + plotH + 16).toFixed(1)}" text-anchor="middle" font-size="10" ${TEXT}>${escapeXml(d.label)}</text>`,
        '</g>',
      ].join('');
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(id)}" class="chart" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<text x="${left}" y="16" font-size="13" font-weight="600" ${TEXT}>${escapeXml(title)}</text>` +
    `<line x1="${left}" y1="${top + plotH}" x2="${width - left}" y2="${top + plotH}" stroke="var(--vscode-editorWidget-border, #555)"/>` +
    bars +
    '</svg>'
  );
}

/** A donut chart with a legend: shares of a whole (serializers, compression). */
export function donutChart(id: string, title: string, data: readonly ChartDatum[], size = 180): string {
  const total = data.reduce((s, d) => s + d.count, 0);
  const r = size / 2 - 10;
  const c = size / 2;
  const width = size + 200;
  let angle = -Math.PI / 2;
  const arcs: string[] = [];
  const legend: string[] = [];
  data.forEach((d, i) => {
    const colour = CHART_COLOURS[i % CHART_COLOURS.length]!;
    const share = total ? d.count / total : 0;
    const attrs = `class="slice" data-label="${escapeXml(d.label)}" data-count="${d.count}"`;
    if (share >= 0.9999) {
      arcs.push(
        `<circle ${attrs} cx="${c}" cy="${c + 20}" r="${r}" fill="${colour}"><title>${escapeXml(d.label)}: ${d.count}</title></circle>`,
      );
    } else if (share > 0) {
      const end = angle + share * 2 * Math.PI;
      const p = (a: number): string => `${(c + r * Math.cos(a)).toFixed(2)} ${(c + 20 + r * Math.sin(a)).toFixed(2)}`;
      const large = end - angle > Math.PI ? 1 : 0;
      arcs.push(
        `<path ${attrs} d="M ${c} ${c + 20} L ${p(angle)} A ${r} ${r} 0 ${large} 1 ${p(end)} Z" fill="${colour}"><title>${escapeXml(d.label)}: ${d.count}</title></path>`,
      );
      angle = end;
    }
    const y = 40 + i * 20;
    legend.push(
      `<rect x="${size + 10}" y="${y - 10}" width="12" height="12" fill="${colour}"/>` +
        `<text x="${size + 28}" y="${y}" font-size="12" ${TEXT}>${escapeXml(d.label)}: ${d.count}${total ? ` (${((100 * d.count) / total).toFixed(1)}%)` : ''}</text>`,
    );
  });
  const hole = `<circle cx="${c}" cy="${c + 20}" r="${(r * 0.55).toFixed(1)}" fill="var(--vscode-editor-background, #1e1e1e)"/>`;
  const centre = `<text x="${c}" y="${c + 25}" text-anchor="middle" font-size="14" ${TEXT}>${total}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeXml(id)}" class="chart" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${width} ${size + 30}" width="${width}" height="${size + 30}">` +
    `<text x="0" y="16" font-size="13" font-weight="600" ${TEXT}>${escapeXml(title)}</text>` +
    arcs.join('') +
    (total ? hole + centre : '') +
    legend.join('') +
    '</svg>'
  );
}
