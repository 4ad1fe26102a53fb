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
