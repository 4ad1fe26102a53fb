// A `.env` file as the usual loaders read it (vlucas/phpdotenv, symfony/dotenv, docker compose):
// `NAME=value` lines, an optional `export `, `#` comments, single quotes (raw) and double quotes
// (`\n`, `\"`, `\\` escapes). Only what Test connection needs to learn a variable's value: no
// `${OTHER}` interpolation, no multi-line values.

/** Variables of a `.env` text; a later line wins, as with every loader. */
export function parseDotEnv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(raw);
    if (!m) continue;
    vars.set(m[1]!, dotEnvValue(m[2]!));
  }
  return vars;
}

function dotEnvValue(rest: string): string {
  const q = rest[0];
  if (q === "'" || q === '"') {
    let out = '';
    for (let i = 1; i < rest.length; i++) {
      const c = rest[i]!;
      if (c === q) return out;
      if (q === '"' && c === '\\' && i + 1 < rest.length) {
        const n = rest[++i]!;
        out += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n;
        continue;
      }
      out += c;
    }
    return out; // unclosed: what there is
  }
  // Unquoted: up to a ` #` comment, trimmed.
  const hash = rest.search(/\s#/);
  return (hash < 0 ? rest : rest.slice(0, hash)).trim();
}
