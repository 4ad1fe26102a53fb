// Writes what the rule catalogue (server/src/core/rules/catalogue.ts) decides into the files that
// cannot import it: the docs index (docs/rules/README.md), the README's rule table and the settings
// schema in package.json (so VS Code flags a misspelled rule id in `phpRedisSessions.rules`).
//   node --import ./test/helpers/register.mjs scripts/syncRules.ts           (writes)
//   node --import ./test/helpers/register.mjs scripts/syncRules.ts --check   (exit 1 when out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAMILIES, RULES, type RuleFamily } from '../server/src/core/rules/catalogue.ts';

const ROOT = join(__dirname, '..');
const SEVERITY_WORD = { error: 'Error', warning: 'Warning', information: 'Information', hint: 'Hint' } as const;
const FIX_WORD = { safe: 'safe fix', manual: 'quick fix', none: '—' } as const;

function docsIndex(): string {
  const out = [
    '# Rules',
    '',
    "Every diagnostic carries its rule id as its code and links to the rule's page here.",
    'Severity can be changed with `phpRedisSessions.rules` (per rule: `"off"`, `"error"`, `"warning"`, `"information"` or `"hint"`), for example `"phpRedisSessions.rules": { "no-timeout": "off", "missing-ext-redis": "error" }`; VS Code flags an id that is not one of these.',
    '',
    'Severities: **Error** means real PHP + phpredis fails with the configuration, or silently does something else than what is written; **Warning** means it works but is a trap; **Information** is advice.',
    'A *safe fix* is applied by **Fix all** (`source.fixAll.php-redis-sessions`) and by `php-redis-sessions lint --fix`; a *quick fix* is only offered in the editor.',
    'The examples are Scalingo `composer.json` files (`extra.paas.php-config`: each string is appended verbatim to php.ini at build time) unless marked `php.ini`; the same lines behave the same in `php.ini`, `conf.d/*.ini` and `.user.ini`.',
  ];
  for (const [family, { title, intro }] of Object.entries(FAMILIES) as [RuleFamily, (typeof FAMILIES)[RuleFamily]][]) {
    out.push('', `## ${title}`, '', intro, '', '| Rule | Severity | Fix | Detects |', '|---|---|---|---|');
    for (const r of RULES.filter((x) => x.family === family)) {
      out.push(`| [\`${r.id}\`](${r.id}.md) | ${SEVERITY_WORD[r.severity]} | ${FIX_WORD[r.fix]} | ${r.summary} |`);
    }
  }
  return out.join('\n') + '\n';
}

function readmeTable(): string {
  const rows = RULES.map(
    (r) => `| [\`${r.id}\`](docs/rules/${r.id}.md) | ${SEVERITY_WORD[r.severity]} | ${r.summary} |`,
  );
  return ['| Rule | Severity | Detects |', '|---|---|---|', ...rows].join('\n');
}

function replaceBetween(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`missing ${start} … ${end}`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

function packageJson(text: string): string {
  const pkg = JSON.parse(text);
  const rules = pkg.contributes.configuration.properties['phpRedisSessions.rules'];
  rules.propertyNames = { enum: RULES.map((r) => r.id), errorMessage: 'Not a PHP Redis Sessions rule id.' };
  return JSON.stringify(pkg, null, 2) + '\n';
}

/** Each generated file: its path and its content as the catalogue wants it. */
export function expectedFiles(): { path: string; content: string }[] {
  const readme = join(ROOT, 'README.md');
  const pkg = join(ROOT, 'package.json');
  return [
    { path: join(ROOT, 'docs', 'rules', 'README.md'), content: docsIndex() },
    { path: readme, content: replaceBetween(readFileSync(readme, 'utf8'), 'rules-index', readmeTable()) },
    { path: pkg, content: packageJson(readFileSync(pkg, 'utf8')) },
  ];
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const f of expectedFiles()) {
    let current = '';
    try {
      current = readFileSync(f.path, 'utf8');
    } catch {
      // a missing file is stale
    }
    if (current === f.content) continue;
    stale++;
    if (check) console.error(`out of date: ${f.path}`);
    else writeFileSync(f.path, f.content);
  }
  if (check && stale) {
    console.error('run: node --import ./test/helpers/register.mjs scripts/syncRules.ts');
    process.exit(1);
  }
}
