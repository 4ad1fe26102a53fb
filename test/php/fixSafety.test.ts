// Fixes that PHP proves safe. Every fix with edits, of every finding the linter has on the real-world corpus and on
// generated documents (the differential test's ini fragments, dressed with the lines real files carry — constant
// expressions, extension= lines, bare words, an indented section, `#` comments — and the same fragments as
// composer.json php-config lines and as php-fpm pools), is applied; real PHP (php-fpm for pools) loads the document
// before and after. Only the directives on the lines the fix touches may change (and, for a fix that lets PHP read
// the rest of the file, the directives PHP had lost), the loaded extensions and error_reporting() stay, and PHP
// prints no new message. Fix all must hold the same: only session / phpredis directives (and lost ones) change.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { applyEdits, fixAll, minimalEdit } from '../../server/src/core/applyFixes.ts';
import type { ConfigLine } from '../../server/src/core/configLine.ts';
import { isLaneDirective } from '../../server/src/core/directives.ts';
import { parseDocument, type ParsedDocument } from '../../server/src/core/document.ts';
import { lintDocument } from '../../server/src/core/lint.ts';
import type { Finding, Fix, LintOptions } from '../../server/src/core/types.ts';
import { fpmBinary } from '../helpers/phpFpm.ts';
import { corpusEntries, type CorpusEntry } from '../helpers/realworldCorpus.ts';
import { generateVariants, Rng, type DiffTargets } from './iniVariants.ts';
import {
  changedValues,
  directiveOfKey,
  lintKind,
  loadMany,
  newMessages,
  type LoadAs,
  type Loaded,
} from './lintOracle.ts';

const SEED = Number(process.env.PRS_FIX_SEED ?? 0xf1c5);
const COUNT = Number(process.env.PRS_FIX_COUNT ?? 220);

interface Doc {
  origin: string;
  as: LoadAs;
  text: string;
}

interface Trial {
  doc: Doc;
  finding: Finding;
  fix: Fix;
  after: string;
  /** Directives the fix may change. */
  targets: Set<string>;
  /** The fix lets PHP read lines it had lost: what those lines load may appear too. */
  lost: LostLines;
}

interface LostLines {
  names: Set<string>;
  /** Values of lost extension= / zend_extension= lines. */
  extensions: string[];
}

const OPTIONS: LintOptions = { phpredisVersion: '5.3' };

// ---- the documents ----

const CORPUS_AS: Partial<Record<CorpusEntry['kind'], LoadAs>> = {
  'php-ini': 'php-ini',
  'conf-d': 'conf-d',
  snippet: 'conf-d',
  composer: 'composer',
  'fpm-pool': 'fpm',
};

function corpusDocs(): Doc[] {
  return corpusEntries().flatMap((e) => {
    const as = CORPUS_AS[e.kind];
    return as ? [{ origin: e.local, as, text: readFileSync(e.file, 'utf8') }] : [];
  });
}

/** Ports no server listens on: PHP only loads these documents, it never connects. */
const TARGETS: DiffTargets = {
  openPort: 16390,
  securedPort: 16391,
  tlsPort: 16392,
  securedTlsPort: 16393,
  clusterPort: 16394,
  defaultPortServed: false,
  unixSocket: '/tmp/prs-fix-safety.sock',
  ipv6: true,
  filesDir: '/tmp',
};

/** Lines real php.ini files carry around session settings: the linter must leave them alone. */
const DRESSING: readonly ((lines: string[], rng: Rng) => string[])[] = [
  (l) => ['error_reporting = E_ALL & ~E_DEPRECATED & ~E_STRICT', ...l],
  (l) => [...l, 'extension=igbinary.so', 'extension=msgpack.so'],
  (l) => ['[PHP]', 'short_open_tag = Off', 'precision = 14', ...l],
  (l) => [...l, 'display_errors = On ; shown', 'bareword'],
  (l, rng) => [rng.pick(['  [Session]', '\t[Session]', ' [redis]']), ...l],
  (l) => l.map((x) => (x.startsWith('session.serialize_handler') ? `${x} # the default` : x)),
  (l) => l.map((x) => x.replace(/^session\.save_handler/, 'session.save_hander')),
  (l) => [...l, 'session.gc_maxlifeime = 1440 # 24 minutes'],
  (l) => ['[PATH=/var/www/admin]', 'session.name = ADMINSESSID', '[PHP]', ...l],
  (l) => [...l, 'session.name = "APP${HOSTNAME}"', 'memory_limit = 128M'],
  (l) => ['date.timezone = "Europe/Paris"', ...l, 'session.cookie_samesite = None'],
  (l) => [...l, 'redis.session.locking_enabled = 1', 'redis.session.lock_expire = (10 | 20)'],
];

function generatedDocs(): Doc[] {
  const rng = new Rng(SEED ^ 0x9e37);
  const variants = generateVariants({ seed: SEED, count: COUNT, targets: TARGETS });
  const docs: Doc[] = [];
  for (const v of variants) {
    const eol = v.text.includes('\r\n') ? '\r\n' : '\n';
    let lines = v.text.split(eol).filter((l, i, a) => i < a.length - 1 || l !== '');
    if (rng.chance(0.6)) lines = rng.pick(DRESSING)(lines, rng);
    const text = lines.join(eol) + eol;
    docs.push({ origin: `variant ${v.index} [${v.features.join(', ')}]`, as: 'conf-d', text });
    if (v.index % 3 === 0) docs.push({ origin: `composer ${v.index}`, as: 'composer', text: asComposer(lines, rng) });
    if (v.index % 4 === 1 && fpmBinary()) docs.push({ origin: `pool ${v.index}`, as: 'fpm', text: asPool(lines, rng) });
  }
  return docs;
}

function asComposer(lines: readonly string[], rng: Rng): string {
  const require = rng.chance(0.5) ? { php: '^8.2', 'ext-redis': '*' } : { php: '^8.2' };
  return `${JSON.stringify({ name: 'acme/app', require, extra: { paas: { 'php-config': lines } } }, null, 4)}\n`;
}

function asPool(lines: readonly string[], rng: Rng): string {
  const prefix = rng.pick(['php_value', 'php_admin_value']);
  const out = lines.flatMap((l) => {
    const m = /^([ \t]*)([A-Za-z_][\w.-]*)([ \t]*=.*)$/.exec(l);
    if (m && isLaneDirective(m[2]!)) return [`${m[1]}${prefix}[${m[2]}]${m[3]}`];
    // Sections would start pools of their own; other lines are what a pool file has anyway.
    return /^\s*\[/.test(l) ? [] : [l];
  });
  return out.join('\n') + '\n';
}

/** The issue's own cases, as a user would write them. */
const HAND: Doc[] = [
  {
    origin: 'stock production lines',
    as: 'php-ini',
    text: 'error_reporting = E_ALL & ~E_DEPRECATED & ~E_STRICT\nextension=igbinary\nextension=msgpack\n[Session]\nsession.save_handler = reddis\nsession.save_path = "tcp://127.0.0.1:16390"\n',
  },
  {
    origin: 'indented section',
    as: 'conf-d',
    text: '  [Session]\nsession.save_handler = redis\nsession.save_path = "tcp://127.0.0.1:16390?timeout=2"\n',
  },
  {
    origin: 'renamed with a # comment',
    as: 'conf-d',
    text: 'session.gc_maxlifeime = 1440 # 24 minutes\nsession.save_hander = redis # phpredis\n',
  },
  {
    origin: 'bare line',
    as: 'conf-d',
    text: 'session.save_handler = redis\nsession\nsession.save_path = tcp://127.0.0.1:16390?timeout=2&prefix=a\n',
  },
  {
    origin: 'unquoted operators in a session value',
    as: 'conf-d',
    text: 'session.save_handler = redis\nsession.save_path = tcp://127.0.0.1:16390?timeout=2&weight=1\nsession.name = A&B\n',
  },
];

// ---- what a fix may change ----

function linesTouched(doc: ParsedDocument, start: number, end: number): ConfigLine[] {
  return doc.lines.filter((l) => l.toDoc(0) <= end && start <= l.toDoc(l.text.length));
}

function namesOf(lines: readonly ConfigLine[]): string[] {
  return lines.flatMap((l) => (l.ini.name ? [l.ini.name] : []));
}

/** Directives on lines PHP does not read (after where it stops), with the extensions they would load. */
function lostLines(doc: ParsedDocument): LostLines {
  const lost = doc.lines.filter((l) => l.ini.dropped && l.ini.kind === 'directive');
  return {
    names: new Set(namesOf(lost)),
    extensions: lost
      .filter((l) => /^(zend_)?extension$/.test(l.ini.name) && l.ini.value)
      .map((l) => l.ini.value!.text.replace(/\.(so|dll)$/, '')),
  };
}

function trialsOf(doc: Doc): Trial[] {
  const parsed = parseDocument(doc.text, lintKind(doc.as));
  const findings = lintDocument(parsed, OPTIONS);
  const lost = lostLines(parsed);
  const trials: Trial[] = [];
  for (const finding of findings)
    for (const fix of finding.fixes) {
      if (!fix.edits.length) continue;
      const after = applyEdits(doc.text, fix.edits);
      const e = minimalEdit(doc.text, after);
      const afterDoc = parseDocument(after, lintKind(doc.as));
      // Only a session / phpredis directive may be the fix's target: a fix that rewrites anything else is unsafe.
      const targets = new Set(
        [
          ...namesOf(linesTouched(parsed, e.start, e.end)),
          ...namesOf(linesTouched(afterDoc, e.start, e.start + e.newText.length)),
        ].filter(isLaneDirective),
      );
      const stops = lostLines(afterDoc).names.size < lost.names.size;
      trials.push({ doc, finding, fix, after, targets, lost: stops ? lost : { names: new Set(), extensions: [] } });
    }
  return trials;
}

/** What went wrong when PHP loads `after` instead of `before`, given what may change. */
function judge(before: Loaded, after: Loaded, targets: ReadonlySet<string>, lost: LostLines): string[] {
  const problems: string[] = [];
  if (before.ok && !after.ok) problems.push(`PHP no longer starts: ${after.raw.join(' | ')}`);
  const allowed = (name: string): boolean => targets.has(name) || lost.names.has(name);
  const changed = changedValues(before, after).filter((k) => !allowed(directiveOfKey(k)));
  if (changed.length)
    problems.push(
      `changed beyond the fix: ${changed.map((k) => `${k} ${JSON.stringify(before.values[k])} → ${JSON.stringify(after.values[k])}`).join(', ')}`,
    );
  const extOk = (x: string): boolean =>
    lost.extensions.some((e) =>
      x
        .replace(/^zend:/, '')
        .toLowerCase()
        .includes(e),
    );
  const extBefore = new Set(before.extensions);
  const extAfter = new Set(after.extensions);
  const extChanged = [...extBefore, ...extAfter].filter((x) => extBefore.has(x) !== extAfter.has(x) && !extOk(x));
  if (extChanged.length) problems.push(`extensions changed: ${extChanged.join(', ')}`);
  if (before.errorReporting !== after.errorReporting && !allowed('error_reporting'))
    problems.push(`error_reporting() ${before.errorReporting} → ${after.errorReporting}`);
  // Lines PHP had lost and reads again may have troubles of their own (the linter reports them too).
  const fresh = newMessages(before, after).filter(
    (m) => !lost.extensions.some((e) => m.includes(`'${e}`)) && ![...lost.names].some((n) => m.includes(n)),
  );
  if (fresh.length) problems.push(`new messages: ${fresh.join(' | ')}`);
  return problems;
}

// ---- the test ----

const docs: Doc[] = [];
const trials: Trial[] = [];
const befores = new Map<Doc, Loaded>();
const afters = new Map<Trial, Loaded>();
const fixAllRuns: { doc: Doc; text: string; applied: string[]; loaded?: Loaded }[] = [];

describe('fixes that PHP proves safe', () => {
  before(async () => {
    docs.push(...corpusDocs().filter((d) => d.as !== 'fpm' || fpmBinary()), ...HAND, ...generatedDocs());
    for (const d of docs) trials.push(...trialsOf(d));
    for (const d of docs) {
      const r = fixAll(d.text, 'x', { ...OPTIONS, kind: lintKind(d.as) });
      if (r.applied.length) fixAllRuns.push({ doc: d, text: r.text, applied: r.applied });
    }
    const loaded = await loadMany([
      ...docs,
      ...trials.map((t) => ({ as: t.doc.as, text: t.after })),
      ...fixAllRuns.map((r) => ({ as: r.doc.as, text: r.text })),
    ]);
    docs.forEach((d, i) => befores.set(d, loaded[i]!));
    trials.forEach((t, i) => afters.set(t, loaded[docs.length + i]!));
    fixAllRuns.forEach((r, i) => (r.loaded = loaded[docs.length + trials.length + i]!));
  });

  it('applies every fix of every finding, and PHP sees only the targeted directive change', () => {
    const failures: string[] = [];
    const findings = new Set<Finding>();
    const byRule = new Map<string, number>();
    for (const t of trials) {
      findings.add(t.finding);
      byRule.set(t.finding.rule, (byRule.get(t.finding.rule) ?? 0) + 1);
      const problems = judge(befores.get(t.doc)!, afters.get(t)!, t.targets, t.lost);
      if (problems.length)
        failures.push(`${t.doc.origin}: ${t.finding.rule} / "${t.fix.title}": ${problems.join('; ')}\n${t.doc.text}`);
    }
    console.log(
      `# ${docs.length} documents, ${findings.size} fixable findings, ${trials.length} fixes applied, ${trials.length - failures.length} proven safe`,
    );
    console.log(`# by rule: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ')}`);
    for (const f of failures) console.log(`# unsafe: ${f.split('\n')[0]}`);
    assert.ok(trials.length >= 300, `${trials.length} fixes`);
    assert.deepEqual(failures, []);
  });

  it('fix all changes only session and phpredis directives (and what PHP had lost)', () => {
    const failures: string[] = [];
    for (const r of fixAllRuns) {
      const parsed = parseDocument(r.doc.text, lintKind(r.doc.as));
      const fixed = parseDocument(r.text, lintKind(r.doc.as));
      const lane = new Set([...namesOf(parsed.lines), ...namesOf(fixed.lines)].filter(isLaneDirective));
      const lost = lostLines(parsed);
      const problems = judge(befores.get(r.doc)!, r.loaded!, lane, lost);
      if (problems.length)
        failures.push(`${r.doc.origin}: fix all (${r.applied.join(', ')}): ${problems.join('; ')}\n${r.doc.text}`);
    }
    console.log(`# fix all on ${fixAllRuns.length} documents`);
    for (const f of failures) console.log(`# unsafe: ${f.split('\n')[0]}`);
    assert.ok(fixAllRuns.length >= 100, `${fixAllRuns.length} documents`);
    assert.deepEqual(failures, []);
  });
});
