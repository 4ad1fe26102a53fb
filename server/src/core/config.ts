// The effective session configuration of a document: every directive occurrence in order, and
// the one PHP keeps (the later duplicate wins, as in php.ini).
import type { ConfigLine } from './configLine.ts';
import { phpIniValue, type IniValue } from './ini.ts';

export interface Occurrence {
  name: string;
  line: ConfigLine;
  value: IniValue | null;
}

export interface SessionConfig {
  /** Lines PHP reads, in order. */
  lines: ConfigLine[];
  /** All occurrences of each directive, in order. */
  all: Map<string, Occurrence[]>;
}

export function buildConfig(lines: ConfigLine[]): SessionConfig {
  const all = new Map<string, Occurrence[]>();
  for (const line of lines) {
    if (line.ini.kind !== 'directive' || !line.ini.name) continue;
    const occ: Occurrence = { name: line.ini.name, line, value: line.ini.value };
    const list = all.get(occ.name);
    if (list) list.push(occ);
    else all.set(occ.name, [occ]);
  }
  return { lines, all };
}

/** The occurrence PHP keeps for `name`, if any. */
export function effective(config: SessionConfig, name: string): Occurrence | undefined {
  const list = config.all.get(name);
  return list?.[list.length - 1];
}

/** The handler value PHP looks up, lower-cased (names are case-insensitive), unless it depends on ${VAR}. */
export function handlerName(occ: Occurrence | undefined): string | undefined {
  if (!occ?.value || occ.value.env.length) return undefined;
  return phpIniValue(occ.value).toLowerCase();
}
