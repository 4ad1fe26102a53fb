// Keeps the README's rule reference honest: every rule has its entry (anchor + heading, in the
// order of RULE_IDS), its documented default severity, and Before/After examples that really
// trigger / do not trigger the rule when linted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lint } from '../../server/src/core/lint.ts';
import { DEFAULT_SEVERITY } from '../../server/src/core/ruleContext.ts';
import { RULE_IDS, type RuleId } from '../../server/src/core/types.ts';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';

function rulesSection(): string {
  const a = README.indexOf(START);
  const b = README.indexOf(END);
  assert.ok(a >= 0 && b > a, 'README.md has the rules:start / rules:end markers, in that order');
  assert.equal(README.indexOf(START, a + 1), -1, 'one rules:start marker');
  assert.equal(README.indexOf(END, b + 1), -1, 'one rules:end marker');
  return README.slice(a + START.length, b).replace(/\r\n/g, '\n');
}

const section = rulesSection();
const anchorLine = (id: string): string => `<a id="rule-${id}"></a>`;
const headingLine = (id: string): string => `#### \`${id}\``;
const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text of one rule's entry: from its anchor to the next anchor or family heading. */
function entry(id: RuleId): string {
  const start = section.indexOf(anchorLine(id));
  assert.ok(start >= 0, `no entry for ${id}`);
  const rest = section.slice(start + anchorLine(id).length);
  const next = rest.search(/^<a id="rule-|^### /m);
  return next < 0 ? rest : rest.slice(0, next);
}

interface Example {
  lang: 'json' | 'ini';
  text: string;
}

/** The first fenced block after the bold label (`**Before**` / `**After**`) in an entry. */
function example(id: RuleId, label: 'Before' | 'After'): Example {
  const m = new RegExp(`^\\*\\*${label}\\*\\*[^\\n]*\\n\\s*\`\`\`(json|ini)\\n([\\s\\S]*?)\\n\`\`\`\\s*$`, 'm').exec(
    entry(id),
  );
  assert.ok(m, `${id}: no ${label} example (a **${label}** line followed by a \`\`\`json or \`\`\`ini block)`);
  return { lang: m[1] as Example['lang'], text: m[2] + '\n' };
}

const fileFor = (ex: Example): string => (ex.lang === 'json' ? 'composer.json' : 'php.ini');

const SEVERITY_WORD: Record<string, string> = {
  error: 'Error',
  warning: 'Warning',
  information: 'Information',
  hint: 'Hint',
};

test('README: severity overrides are documented once, at the top of the rules section', () => {
  assert.equal(count(section, 'Severity can be changed with `phpRedisSessions.rules`'), 1);
  assert.ok(section.indexOf('phpRedisSessions.rules') < section.indexOf('<a id="rule-'));
});

test('README: every rule id has exactly one anchor and one heading, right after each other', () => {
  for (const id of RULE_IDS) {
    assert.equal(count(section, anchorLine(id) + '\n'), 1, `${id}: anchor line`);
    assert.equal(count(section, headingLine(id) + '\n'), 1, `${id}: heading`);
    assert.match(
      section,
      new RegExp(`^${escapeRe(anchorLine(id))}\\n${escapeRe(headingLine(id))}$`, 'm'),
      `${id}: heading right after its anchor`,
    );
  }
});

test('README: the entries follow RULE_IDS, and there are no entries for unknown ids', () => {
  const anchors = [...section.matchAll(/<a id="rule-([^"]+)"><\/a>/g)].map((m) => m[1]);
  assert.deepEqual(anchors, [...RULE_IDS]);
});

test('README: the table of contents links every rule, before the first entry', () => {
  const toc = section.slice(0, section.indexOf('<a id="rule-'));
  for (const id of RULE_IDS) assert.equal(count(toc, `(#rule-${id})`), 1, `${id}: one table-of-contents link`);
});

test('README: each entry states its default severity, What, Why and Fix', () => {
  for (const id of RULE_IDS) {
    const e = entry(id);
    const sev = /^\*\*Severity:\*\* (\w+)/m.exec(e);
    assert.ok(sev, `${id}: no **Severity:** line`);
    assert.equal(sev[1], SEVERITY_WORD[DEFAULT_SEVERITY[id]], `${id}: documented severity vs DEFAULT_SEVERITY`);
    for (const part of ['What', 'Why', 'Fix'])
      assert.match(e, new RegExp(`^\\*\\*${part}:\\*\\* \\S`, 'm'), `${id}: no **${part}:**`);
  }
});

test('README: the two context-dependent severities are documented', () => {
  assert.match(entry('unknown-param'), /Error when the ignored key carries credentials/);
  assert.match(entry('userinfo-ignored'), /Warning when `auth=` is also given/);
});

for (const id of RULE_IDS) {
  test(`README example: ${id} — Before triggers it, After does not`, () => {
    const before = example(id, 'Before');
    const after = example(id, 'After');
    const found = lint(before.text, fileFor(before));
    assert.ok(
      found.some((f) => f.rule === id),
      `${id}: the Before example does not trigger it; found: ${found.map((f) => f.rule).join(', ') || 'nothing'}\n${before.text}`,
    );
    const still = lint(after.text, fileFor(after)).filter((f) => f.rule === id);
    assert.deepEqual(
      still.map((f) => `${f.message} @ ${JSON.stringify(after.text.slice(f.start, f.end))}`),
      [],
      `${id}: the After example still triggers it\n${after.text}`,
    );
  });
}

test('README examples: every json block is valid JSON, except the invalid-json Before', () => {
  for (const id of RULE_IDS) {
    for (const label of ['Before', 'After'] as const) {
      const ex = example(id, label);
      if (ex.lang !== 'json') continue;
      if (id === 'invalid-json' && label === 'Before') {
        assert.throws(() => JSON.parse(ex.text), `${id} ${label} is meant to be invalid JSON`);
        continue;
      }
      assert.doesNotThrow(() => JSON.parse(ex.text), `${id} ${label} is not valid JSON`);
    }
  }
  // Every fenced json block of the section, not only the Before/After pairs.
  const blocks = [...section.matchAll(/^```json\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
  const invalid = blocks.filter((b) => {
    try {
      JSON.parse(b);
      return false;
    } catch {
      return true;
    }
  });
  assert.equal(invalid.length, 1, 'only the invalid-json Before block is invalid JSON');
  assert.equal(invalid[0] + '\n', example('invalid-json', 'Before').text);
});
