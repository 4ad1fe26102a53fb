// Writes the table of test/fixtures/realworld/SOURCES.md from sources.json (the rows tests read), so the two never
// drift; the prose above the table is kept as it is.
//   node --import ./test/helpers/register.mjs scripts/syncCorpusSources.ts           (writes)
//   node --import ./test/helpers/register.mjs scripts/syncCorpusSources.ts --check   (exit 1 when out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, corpusSources, type CorpusSource } from '../test/helpers/realworldCorpus.ts';

const TABLE_HEADER = '| local path | repo | path in repo | commit | licence | kind | marks | note |';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function marks(s: CorpusSource): string {
  const out: string[] = [];
  if (s.crlf) out.push('CRLF');
  if (s.oracle) out.push(s.oracle);
  if (s.dedent) out.push(`dedented ${s.dedent}`);
  if (s.generated) out.push(`generated (${s.generated})`);
  if (s.storedText) out.push('stored text');
  return out.join(', ');
}

export function sourcesTable(sources: readonly CorpusSource[]): string {
  const rows = sources.map((s) => {
    const path = s.lines ? `\`${s.path}\` (lines ${s.lines[0]}–${s.lines[1]})` : `\`${s.path}\``;
    return `| \`${s.local}\` | ${s.repo} | ${path} | \`${s.commit}\` | ${cell(s.licence)} | ${s.kind} | ${marks(s)} | ${cell(s.note ?? '')} |`;
  });
  return [TABLE_HEADER, '|---|---|---|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

const file = join(CORPUS_DIR, 'SOURCES.md');
const current = readFileSync(file, 'utf8');
const at = current.indexOf('| local path |');
if (at < 0) throw new Error('SOURCES.md has no table header');
const next = current.slice(0, at) + sourcesTable(corpusSources());
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('test/fixtures/realworld/SOURCES.md is out of date: run scripts/syncCorpusSources.ts');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(file, next);
}
