// The effective session configuration of a document: every directive occurrence, ordered so that
// the last one is the one PHP keeps. In php.ini the later duplicate wins. php-fpm prepends each
// php_value[…] to its pool's list and applies the list head first, then php_admin_value[…]
// (sapi/fpm/fpm/fpm_conf.c fpm_conf_set_array, fpm_php.c fpm_php_apply_defines): the first
// php_value of a name wins, and any php_admin_value beats every php_value (seen with php-fpm 8.2).
import type { ConfigLine } from './configLine.ts';
import { isRuntimeValue, type IniValue } from './ini.ts';

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

export function buildConfig(lines: ConfigLine[], fpm = false): SessionConfig {
  const all = new Map<string, Occurrence[]>();
  for (const line of lines) {
    // A [PATH=…] / [HOST=…] section of php.ini applies to those requests only, not everywhere.
    if (line.ini.kind !== 'directive' || !line.ini.name || line.ini.scope) continue;
    const occ: Occurrence = { name: line.ini.name, line, value: line.ini.value };
    const list = all.get(occ.name);
    if (list) list.push(occ);
    else all.set(occ.name, [occ]);
  }
  if (fpm) {
    const rank = (o: Occurrence): number => (o.line.ini.fpmPrefix?.startsWith('php_admin_') ? 1 : 0);
    for (const [name, list] of all)
      all.set(
        name,
        [...list].reverse().sort((a, b) => rank(a) - rank(b)),
      );
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
  if (!occ?.value || isRuntimeValue(occ.value)) return undefined;
  return occ.value.text.toLowerCase();
}
