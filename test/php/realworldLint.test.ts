// The linter over the real-world corpus, every finding checked against what real PHP 8.2 (phpredis 5.3.7) and
// php-fpm 8.2 make of the same file:
// - the linter reads each session / phpredis directive as PHP does (same effective value, ini_get_all());
// - an `ini-syntax` error stands on a line where PHP's ini parser (or php-fpm) stops, or would stop once the
//   errors before it are gone; and every such line PHP reports has one (no miss);
// - an `unknown-directive` names something PHP does not have;
// - nothing is said about a directive outside the lane (neither session.* nor redis.*) unless PHP rejects the line;
// - a PHP startup message about a session / phpredis directive has a finding on that directive.
// The linter judges for phpredis 5.3, the release installed here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { effective } from '../../server/src/core/config.ts';
import type { ConfigLine } from '../../server/src/core/configLine.ts';
import { isLaneDirective } from '../../server/src/core/directives.ts';
import { parseDocument, type ParsedDocument } from '../../server/src/core/document.ts';
import { isRuntimeValue } from '../../server/src/core/ini.ts';
import { lintDocument } from '../../server/src/core/lint.ts';
import type { Finding } from '../../server/src/core/types.ts';
import { fpmBinary } from '../helpers/phpFpm.ts';
import { corpusEntries, type CorpusEntry } from '../helpers/realworldCorpus.ts';
import { lintKind, loadMany, type LoadAs, type Loaded } from './lintOracle.ts';

const AS: Partial<Record<CorpusEntry['kind'], LoadAs>> = {
  'php-ini': 'php-ini',
  'conf-d': 'conf-d',
  snippet: 'conf-d',
  composer: 'composer',
  'fpm-pool': 'fpm',
};

interface Case {
  entry: CorpusEntry;
  as: LoadAs;
  text: string;
  doc: ParsedDocument;
  findings: Finding[];
  php: Loaded;
  /** Lines (1-based, of the file) where PHP stops reading, the later ones found by blanking the earlier. */
  stops: number[];
}

const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

let systemIniLines: number | undefined;
/** Lines of the php.ini composer.json's php-config lines are appended to (the system one). */
function systemLines(): number {
  if (systemIniLines === undefined) {
    const r = spawnSync('php', ['-r', 'echo (string) php_ini_loaded_file();'], { encoding: 'utf8' });
    const text = r.stdout ? readFileSync(r.stdout, 'utf8') : '';
    systemIniLines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  }
  return systemIniLines;
}

/**
 * Where PHP says it stopped: `… on line N` of the file itself (php.ini, the fragment, or the php.ini the composer
 * lines were appended to), `[pool.conf:N]` for php-fpm. Composer lines map back to their php-config index + 1.
 */
function stopLines(c: { as: LoadAs }, php: Loaded): number[] {
  const out: number[] = [];
  for (const m of php.raw) {
    const fpm = /\[<ini>\/pool\.conf:(\d+)\]/.exec(m);
    if (c.as === 'fpm') {
      if (fpm) out.push(Number(fpm[1]));
      continue;
    }
    const ini = /syntax error.* in <ini>\/(?:main\/php\.ini|conf\.d\/[^ ]+) on line (\d+)/.exec(m);
    if (!ini) continue;
    const n = Number(ini[1]);
    out.push(c.as === 'composer' ? n - systemLines() : n);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The file's own line (1-based) a composer php-config string is, when every string is one line. */
function composerLineIndex(doc: ParsedDocument, line: ConfigLine): number | undefined {
  const lines = doc.lines.filter((l) => l.origin === doc.composer?.effectiveOrigin);
  if (lines.some((l) => l.text.includes('\n') || l.text.endsWith('\\'))) return undefined;
  const i = lines.indexOf(line);
  return i < 0 ? undefined : i + 1;
}

function lineOfFinding(c: Case, f: Finding): { n: number | undefined; line: ConfigLine | undefined } {
  const line = c.doc.lines.find((l) => f.start >= l.toDoc(0) && f.start <= l.toDoc(l.text.length));
  if (c.as === 'composer') return { n: line ? composerLineIndex(c.doc, line) : undefined, line };
  return { n: lineOf(c.text, f.start), line };
}

const cases: Case[] = [];

describe('the linter over the real-world corpus, judged by PHP', () => {
  before(async () => {
    const picked = corpusEntries().flatMap((entry) => {
      const as = AS[entry.kind];
      if (!as) return [];
      const text = readFileSync(entry.file, 'utf8');
      const doc = parseDocument(text, lintKind(as));
      return [{ entry, as, text, doc, findings: lintDocument(doc, { phpredisVersion: '5.3' }) }];
    });
    const usable = picked.filter((p) => p.as !== 'fpm' || fpmBinary());
    const loaded = await loadMany(usable.map((p) => ({ as: p.as, text: p.text, name: base(p.entry) })));
    usable.forEach((p, i) => cases.push({ ...p, php: loaded[i]!, stops: stopLines(p, loaded[i]!) }));
    // PHP stops at its first error: blank the lines it stopped at and ask again, a few rounds.
    for (let round = 0; round < 4; round++) {
      const more = cases.filter((c) => c.stops.length && c.as !== 'composer');
      if (!more.length) break;
      const again = await loadMany(
        more.map((c) => ({ as: c.as, text: blankLines(c.text, c.stops), name: base(c.entry) })),
      );
      let grew = false;
      more.forEach((c, i) => {
        for (const n of stopLines(c, again[i]!))
          if (!c.stops.includes(n)) {
            c.stops.push(n);
            grew = true;
          }
        c.stops.sort((a, b) => a - b);
      });
      if (!grew) break;
    }
  });

  it('lints every ini, pool and composer file of the corpus, and PHP loads each', () => {
    assert.ok(cases.length >= 85, `${cases.length} files`);
    const byKind = new Map<string, { files: number; findings: number; errors: number }>();
    for (const c of cases) {
      const k = byKind.get(c.entry.kind) ?? { files: 0, findings: 0, errors: 0 };
      k.files++;
      k.findings += c.findings.length;
      k.errors += c.findings.filter((f) => f.severity === 'error').length;
      byKind.set(c.entry.kind, k);
    }
    for (const [kind, k] of byKind)
      console.log(`# ${kind}: ${k.files} files, ${k.findings} findings (${k.errors} errors)`);
  });

  it('reads every session and phpredis directive with the value PHP ends up with', () => {
    const wrong: string[] = [];
    let compared = 0;
    for (const c of cases) {
      if (c.as === 'fpm' || !c.php.ok) continue;
      for (const name of c.doc.config.all.keys()) {
        const occ = effective(c.doc.config, name);
        if (!isLaneDirective(name) || !occ?.value || !(name in c.php.values)) continue;
        if (isRuntimeValue(occ.value) || occ.line.ini.problems.length || occ.line.ini.dropped) continue;
        compared++;
        if (c.php.values[name] !== occ.value.text)
          wrong.push(
            `${c.entry.local}: ${name}: PHP ${JSON.stringify(c.php.values[name])}, linter ${JSON.stringify(occ.value.text)}`,
          );
      }
    }
    console.log(`# ${compared} directive values compared with ini_get_all()`);
    assert.deepEqual(wrong, []);
  });

  it('reads the php_value / php_admin_value lines of every pool as php-fpm passes them', () => {
    const wrong: string[] = [];
    let compared = 0;
    for (const c of cases) {
      if (c.as !== 'fpm' || !c.php.ok) continue;
      for (const line of c.doc.lines) {
        const ini = line.ini;
        if (ini.kind !== 'directive' || !ini.fpmPrefix || !ini.value || ini.problems.length) continue;
        if (isRuntimeValue(ini.value)) continue;
        const arr = ini.fpmPrefix.startsWith('php_admin_') ? 'php_admin_value' : 'php_value';
        const seen = Object.entries(c.php.values)
          .filter(([k]) => k.endsWith(`/${arr}[${ini.name}]`))
          .map(([, v]) => v);
        // php_flag: php-fpm passes "1" or "0"; the ini parser gives "1" or "".
        const want = ini.fpmPrefix.endsWith('_flag') ? (ini.value.text === '1' ? '1' : '0') : ini.value.text;
        compared++;
        if (!seen.includes(want))
          wrong.push(
            `${c.entry.local}: ${ini.fpmPrefix}[${ini.name}]: php-fpm ${JSON.stringify(seen)}, linter ${JSON.stringify(want)}`,
          );
      }
    }
    console.log(`# ${compared} pool values compared with php-fpm -tt`);
    assert.deepEqual(wrong, []);
  });

  it('puts an ini-syntax error exactly on the lines where PHP or php-fpm stops reading', () => {
    const wrong: string[] = [];
    let stops = 0;
    for (const c of cases) {
      const reported = new Set<number>();
      for (const f of c.findings.filter((x) => x.rule === 'ini-syntax')) {
        const { n, line } = lineOfFinding(c, f);
        if (n === undefined) continue;
        if (c.stops.includes(n)) {
          reported.add(n);
          if (f.severity !== 'error') wrong.push(`${c.entry.local}:${n}: PHP stops here, severity ${f.severity}`);
          continue;
        }
        // Not a line PHP stops at: only a session / phpredis value PHP reads differently from what is written.
        const misread = line?.ini.problems.some((p) =>
          ['misread', 'cut-by-semicolon', 'missing-equals', 'multiline-quote'].includes(p.kind),
        );
        if (!misread || !line || !isLaneDirective(line.ini.name))
          wrong.push(`${c.entry.local}:${n}: ini-syntax where PHP reads on (${f.message})`);
      }
      for (const n of c.stops) {
        stops++;
        if (!reported.has(n)) wrong.push(`${c.entry.local}:${n}: PHP stops here, no ini-syntax error`);
      }
    }
    console.log(`# ${stops} lines where PHP or php-fpm stops reading`);
    assert.deepEqual(wrong, []);
  });

  it('says "unknown directive" only of names PHP (with phpredis 5.3.7) does not have', () => {
    const known = new Set<string>();
    for (const c of cases) if (c.as !== 'fpm' && c.php.ok) for (const k of Object.keys(c.php.values)) known.add(k);
    assert.ok(known.has('session.save_handler') && known.has('redis.session.locking_enabled'));
    const wrong: string[] = [];
    for (const c of cases)
      for (const f of c.findings.filter((x) => x.rule === 'unknown-directive')) {
        const name = lineOfFinding(c, f).line?.ini.name ?? '';
        if (known.has(name)) wrong.push(`${c.entry.local}: ${name} is known to PHP`);
      }
    assert.deepEqual(wrong, []);
  });

  it('stays in its lane: findings on other directives only where PHP stops reading', () => {
    const wrong: string[] = [];
    for (const c of cases)
      for (const f of c.findings) {
        const { n, line } = lineOfFinding(c, f);
        if (!line) continue; // composer.json structure (invalid-json, require…)
        const ini = line.ini;
        if (ini.kind === 'directive' && isLaneDirective(ini.name)) continue;
        if (f.rule === 'ini-syntax' && n !== undefined && c.stops.includes(n)) continue;
        wrong.push(`${c.entry.local}:${n}: ${f.rule} on "${line.text.trim()}"`);
      }
    assert.deepEqual(wrong, []);
  });

  it('has a finding on every session / phpredis directive PHP complains about', () => {
    const missed: string[] = [];
    for (const c of cases)
      for (const m of c.php.raw) {
        const name = /"((?:session|redis)\.[a-z_.]+)"/.exec(m)?.[1];
        if (!name) continue;
        const hit = c.findings.some((f) => lineOfFinding(c, f).line?.ini.name === name);
        if (!hit) missed.push(`${c.entry.local}: ${m}`);
      }
    assert.deepEqual(missed, []);
  });
});

function base(e: CorpusEntry): string {
  const b = e.local.split('/').pop()!;
  return b.endsWith('.ini') ? b : `${b}.ini`;
}

/** The text with those lines (1-based) emptied, the line count kept. */
function blankLines(text: string, lines: readonly number[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return text
    .split(eol)
    .map((l, i) => (lines.includes(i + 1) ? '' : l))
    .join(eol);
}
