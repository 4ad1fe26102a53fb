// INFO of a server (every master of a cluster), as text and as fields.
import type { RedisHandle } from './redisHandle.ts';

export interface NodeInfo {
  node: string;
  /** INFO fields, sections flattened. */
  fields: Record<string, string>;
  /** The INFO text as the server sent it. */
  text: string;
}

/** INFO of each node the handle scans. */
export function serverInfo(h: RedisHandle): Promise<NodeInfo[]> {
  return Promise.all(
    h.scanNodes().map(async (node) => {
      const text = await node.info();
      return { node: h.nodeId(node), fields: parseInfo(text), text };
    }),
  );
}

/** INFO text → `field → value` (sections flattened; later sections win on a clash). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** `3 d 4 h`, `5 h 12 min`, `42 s`: an uptime as a person reads it. */
export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min`;
  return `${seconds} s`;
}

/**
 * INFO of each node as a read-only ini-like page: a summary line, then one `[Section]` per INFO
 * section with its fields aligned (`name = value`), LF line ends.
 */
export function formatServerInfo(nodes: readonly NodeInfo[], readAt: Date): string {
  const out: string[] = [];
  for (const node of nodes) {
    const f = node.fields;
    const summary = [
      f.redis_version ? `Redis ${f.redis_version}` : '',
      f.redis_mode ?? '',
      f.uptime_in_seconds ? `up ${formatUptime(Number(f.uptime_in_seconds))}` : '',
      f.used_memory_human ? `${f.used_memory_human} used` : '',
      f.connected_clients ? `${f.connected_clients} clients` : '',
    ].filter(Boolean);
    if (out.length) out.push('');
    out.push(
      `; INFO of ${node.node}, read ${readAt
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')}`,
    );
    if (summary.length) out.push(`; ${summary.join(' · ')}`);
    let section: { name: string; fields: [string, string][] } | undefined;
    const sections: { name: string; fields: [string, string][] }[] = [];
    for (const line of node.text.split(/\r?\n/)) {
      if (line.startsWith('#')) {
        section = { name: line.slice(1).trim(), fields: [] };
        sections.push(section);
        continue;
      }
      const i = line.indexOf(':');
      if (i <= 0) continue;
      if (!section) sections.push((section = { name: 'Info', fields: [] }));
      section.fields.push([line.slice(0, i), line.slice(i + 1)]);
    }
    for (const sec of sections) {
      if (!sec.fields.length) continue;
      const width = Math.max(...sec.fields.map(([k]) => k.length));
      out.push('', `[${sec.name}]`, ...sec.fields.map(([k, v]) => `${k.padEnd(width)} = ${v}`));
    }
  }
  return out.join('\n') + '\n';
}
