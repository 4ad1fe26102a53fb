// Keeps the rule pages (docs/rules/<id>.md) honest: every rule of the catalogue has a page with its
// default severity, What / Why / Fix, and Before / After examples that really trigger / do not
// trigger the rule when linted; the fix the catalogue promises is offered on the Before example;
// the generated index, README table and settings schema agree with the catalogue.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lint } from '../../server/src/core/lint.ts';
import { RULES, RULE_IDS, type RuleId } from '../../server/src/core/rules/catalogue.ts';
import { expectedFiles } from '../../scripts/syncRules.ts';

const DOCS = join(__dirname, '..', '..', 'docs', 'rules');
const page = (id: string): string => readFileSync(join(DOCS, `${id}.md`), 'utf8').replace(/\r\n/g, '\n');

interface Example {
  lang: 'json' | 'ini' | 'dotenv' | 'yaml' | 'php';
  text: string;
  /** The file it is, when the label names one: **Before** (`.env`). */
  file?: string;
}

const BLOCK = '\\s*```(json|ini|dotenv|yaml|php)\\n([\\s\\S]*?)\\n```\\s*$';

/** The first fenced block after the bold label (`**Before**` / `**After**`) in a page. */
function example(id: RuleId, label: 'Before' | 'After'): Example {
  const m = new RegExp(`^\\*\\*${label}\\*\\*( \\(\`([^\`]+)\`\\))?[^\\n]*\\n${BLOCK}`, 'm').exec(page(id));
  assert.ok(
    m,
    `${id}: no ${label} example (a **${label}** line followed by a fenced json, ini, dotenv, yaml or php block)`,
  );
  return { lang: m[3] as Example['lang'], text: m[4] + '\n', ...(m[2] ? { file: m[2] } : {}) };
}

/**
 * The other project files a framework rule's examples are linted with: each `**With** (`path`):`
 * block of the page (composer.json, a Procfile…), the same for Before and After.
 */
function projectOf(id: RuleId): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of page(id).matchAll(
    new RegExp(`^\\*\\*With\\*\\* \\(\`([^\`]+)\`\\)[^\\n]*\\n\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``, 'gm'),
  ))
    files.set(m[1]!, m[2]! + '\n');
  return files;
}

const fileFor = (ex: Example): string =>
  ex.file ??
  {
    json: 'composer.json',
    ini: 'php.ini',
    dotenv: '.env',
    yaml: 'config/packages/framework.yaml',
    php: 'config/session.php',
  }[ex.lang];

/** Lints an example as the file it is, inside the page's project (with `changed` files replaced). */
function lintExample(id: RuleId, ex: Example, changed?: Example): ReturnType<typeof lint> {
  const path = fileFor(ex);
  const files = projectOf(id);
  if (changed) files.set(fileFor(changed), changed.text);
  if (files.size === 0) return lint(ex.text, path);
  return lint(ex.text, path, { project: { files: new Map(files).set(path, ex.text), path } });
}

/** The After of a fix that edits another file (composer.json) is that file: the Before is re-linted with it. */
function lintAfter(id: RuleId, before: Example, after: Example): ReturnType<typeof lint> {
  const otherFile = after.file !== undefined && after.file !== fileFor(before) && projectOf(id).has(after.file);
  return otherFile ? lintExample(id, before, after) : lintExample(id, after);
}
const SEVERITY_WORD = { error: 'Error', warning: 'Warning', information: 'Information', hint: 'Hint' } as const;

test('docs/rules: one page per catalogue rule, and no page for an unknown id', () => {
  const pages = readdirSync(DOCS)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual(pages, [...RULE_IDS].sort());
});

test('docs/rules: each page has its title, its default severity, What, Why and Fix, and a way back', () => {
  for (const r of RULES) {
    const p = page(r.id);
    assert.ok(p.startsWith(`# \`${r.id}\`\n`), `${r.id}: title`);
    const sev = /^\*\*Severity:\*\* (\w+)/m.exec(p);
    assert.ok(sev, `${r.id}: no **Severity:** line`);
    assert.equal(sev[1], SEVERITY_WORD[r.severity], `${r.id}: documented severity vs the catalogue`);
    for (const part of ['What', 'Why', 'Fix'])
      assert.match(p, new RegExp(`^\\*\\*${part}:\\*\\* \\S`, 'm'), `${r.id}: **${part}:**`);
    assert.match(p, /\[All rules\]\(README\.md\)\n$/, `${r.id}: link back to the index`);
  }
});

test('docs/rules: the two context-dependent severities are documented', () => {
  assert.match(page('unknown-param'), /Error when the ignored key carries credentials/);
  assert.match(page('userinfo-ignored'), /Warning when `auth=` is also given/);
});

test('docs/rules: links between pages name existing pages', () => {
  for (const id of [...RULE_IDS, 'README']) {
    for (const m of page(id).matchAll(/\]\(([a-z0-9-]+)\.md\)/g)) {
      assert.ok(m[1] === 'README' || (RULE_IDS as readonly string[]).includes(m[1]), `${id}: link to ${m[1]}.md`);
    }
  }
});

for (const r of RULES) {
  const id = r.id;
  test(`docs/rules example: ${id} — Before triggers it, After does not, the catalogue's fix is offered`, () => {
    const before = example(id, 'Before');
    const after = example(id, 'After');
    const found = lintExample(id, before).filter((f) => f.rule === id);
    assert.ok(found.length > 0, `${id}: the Before example does not trigger it\n${before.text}`);
    const fixes = found.flatMap((f) => f.fixes);
    if (r.fix === 'safe')
      assert.ok(
        fixes.some((f) => f.safe),
        `${id}: no safe fix on the Before example`,
      );
    // A fix that edits another file (composer.json) must produce the After's project.
    for (const fx of fixes.filter((f) => f.otherFiles?.length))
      for (const o of fx.otherFiles!)
        assert.ok(projectOf(id).has(o.path), `${id}: the fix edits ${o.path}, not in the page`);
    if (r.fix === 'manual') {
      assert.ok(fixes.length > 0, `${id}: no quick fix on the Before example`);
      assert.ok(!fixes.some((f) => f.safe), `${id}: the catalogue says quick fix only, a safe one is offered`);
    }
    if (r.fix === 'none') assert.deepEqual(fixes, [], `${id}: the catalogue says no fix`);
    const still = lintAfter(id, before, after).filter((f) => f.rule === id);
    assert.deepEqual(
      still.map((f) => `${f.message} @ ${JSON.stringify(after.text.slice(f.start, f.end))}`),
      [],
      `${id}: the After example still triggers it\n${after.text}`,
    );
  });
}

test('docs/rules: the further cases of a page ("Also reported" / "Not reported") are what the linter does', () => {
  let n = 0;
  for (const id of RULE_IDS) {
    for (const m of page(id).matchAll(
      /^\*\*(Also reported|Not reported)\*\*[^\n]*\n\s*```(json|ini)\n([\s\S]*?)\n```$/gm,
    )) {
      const ex: Example = { lang: m[2] as Example['lang'], text: m[3] + '\n' };
      const found = lint(ex.text, fileFor(ex)).filter((f) => f.rule === id);
      if (m[1] === 'Also reported') assert.ok(found.length > 0, `${id}: an "Also reported" case is not\n${ex.text}`);
      else assert.deepEqual(found, [], `${id}: a "Not reported" case is\n${ex.text}`);
      n++;
    }
  }
  assert.ok(n >= 10, `${n} further cases`);
});

test('docs/rules examples: every json block is valid JSON, except the invalid-json Before', () => {
  for (const id of RULE_IDS) {
    const blocks = [...page(id).matchAll(/^```json\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
    for (const b of blocks) {
      const invalidJsonBefore = id === 'invalid-json' && b + '\n' === example('invalid-json', 'Before').text;
      if (invalidJsonBefore) assert.throws(() => JSON.parse(b), 'the invalid-json Before is meant to be invalid JSON');
      else assert.doesNotThrow(() => JSON.parse(b), `${id}: a json block is not valid JSON\n${b}`);
    }
  }
});

test('the docs index, the README rule table and the settings schema are generated from the catalogue', () => {
  for (const f of expectedFiles()) {
    assert.equal(
      readFileSync(f.path, 'utf8'),
      f.content,
      `${f.path} is out of date: run node --import ./test/helpers/register.mjs scripts/syncRules.ts`,
    );
  }
});
