// Lint of a typical composer.json (≈60 lines, extra.paas.php-config) and of a 5,000-line
// one, against vscode-json-languageservice parsing + validating the same text with Composer's
// schema (test/fixtures/schemas/composer-schema.json: res/composer-schema.json of Composer 2.5.5
// as Debian's `composer` package ships it, MIT). Each side runs as it ships: our linter compiled as
// the production build compiles it (esbuild, minified; tsx, which the tests run under, wraps every
// closure in a name-keeping call that the bundle does not have), the peer from node_modules. Both
// warm (schema compiled, JIT settled: a few thousand calls of the small document first), timed per
// call in alternating rounds; p50 over every call of every round.
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService, type LanguageService } from 'vscode-json-languageservice';
import type { lint as Lint } from '../../server/src/core/lint.ts';
import { isMain, median, ms, percentile, printRows, ratio, timeAsync, timeSync, type Row } from './common.ts';

const root = join(__dirname, '..', '..');
const SCHEMA_URI = 'https://getcomposer.org/schema.json';

export function typicalComposer(): string {
  return readFileSync(join(__dirname, 'fixtures', 'typical-composer.json'), 'utf8');
}

/** A 5,000-line composer.json: a big monorepo-style manifest plus the session config. */
export function bigComposer(lines = 5000): string {
  const head = typicalComposer().split('\n');
  // Grow "require" and "autoload.classmap" until the document has `lines` lines.
  const req: string[] = [];
  const classmap: string[] = [];
  let n = head.length;
  for (let i = 0; n < lines; i++, n++) {
    if (i % 2 === 0) req.push(`        "vendor${i % 97}/package-${i}": "^${1 + (i % 9)}.${i % 13}"`);
    else classmap.push(`      "legacy/lib/module${i}/Class${i}.php"`);
  }
  const text = head
    .join('\n')
    .replace('"symfony/yaml": "7.0.*"', `"symfony/yaml": "7.0.*",\n${req.join(',\n')}`)
    .replace(
      '"App\\\\": "src/"\n    }',
      `"App\\\\": "src/"\n    },\n    "classmap": [\n${classmap.join(',\n')}\n    ]`,
    );
  JSON.parse(text);
  if (text.split('\n').length < lines) throw new Error('bigComposer: the fixture no longer has the anchors it grows');
  return text;
}

let built: typeof Lint | undefined;

/** The linter bundled with the production build's options (esbuild.mjs: node20, cjs, minified, ESM jsonc-parser). */
export function productionLint(): typeof Lint {
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'prs-bench-lint-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'lint.cjs');
  buildSync({
    entryPoints: [join(root, 'server', 'src', 'core', 'lint.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  built = (createRequire(__filename)(outfile) as { lint: typeof Lint }).lint;
  return built;
}

function jsonService(): LanguageService {
  const schema = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'schemas', 'composer-schema.json'), 'utf8'));
  const ls = getLanguageService({});
  ls.configure({
    validate: true,
    allowComments: false,
    schemas: [{ uri: SCHEMA_URI, fileMatch: ['composer.json'], schema }],
  });
  return ls;
}

async function peerValidate(ls: LanguageService, text: string, version: number): Promise<number> {
  const doc = TextDocument.create('file:///work/composer.json', 'json', version, text);
  const json = ls.parseJSONDocument(doc);
  const diags = await ls.doValidation(doc, json, { comments: 'error', trailingCommas: 'error' });
  return diags.length;
}

interface Compare {
  ours: number[];
  peer: number[];
}

async function compare(text: string, rounds: number, perRound: number, warmUp: number): Promise<Compare> {
  const ls = jsonService();
  const lint = productionLint();
  let v = 0;
  // Warm-up: schema compilation, JIT of both.
  for (let i = 0; i < warmUp; i++) {
    lint(text, 'composer.json');
    await peerValidate(ls, text, ++v);
  }
  const out: Compare = { ours: [], peer: [] };
  for (let r = 0; r < rounds; r++) {
    out.ours.push(...timeSync(() => lint(text, 'composer.json'), perRound));
    out.peer.push(...(await timeAsync(() => peerValidate(ls, text, ++v), perRound)));
  }
  return out;
}

export async function runLintBench(): Promise<Row[]> {
  const rows: Row[] = [];
  const typical = typicalComposer();
  const t = await compare(typical, 7, 300, 3000);
  const tp50 = median(t.ours);
  const pp50 = median(t.peer);
  rows.push({
    what: `lint, typical composer.json (${typical.split('\n').length} lines), p50`,
    ours: `${ms(tp50)} (p95 ${ms(percentile(t.ours, 95))})`,
    peer: 'vscode-json-languageservice parse+validate, composer schema',
    peerValue: `${ms(pp50)} (p95 ${ms(percentile(t.peer, 95))})`,
    ratio: ratio(tp50, pp50),
    // The budget is ≤ 1× the peer; the stricter ≤ 0.5× is named when it holds too.
    budget: `p50 < 0.5 ms and ≤ 1× peer${tp50 <= 0.5 * pp50 ? ' (≤ 0.5× met too)' : ''}`,
    met: tp50 < 0.5 && tp50 <= pp50,
  });
  const big = bigComposer(5000);
  const b = await compare(big, 5, 12, 50);
  const bp50 = median(b.ours);
  const bpp50 = median(b.peer);
  rows.push({
    what: `lint, ${big.split('\n').length}-line composer.json, p50`,
    ours: `${ms(bp50)} (max ${ms(Math.max(...b.ours))})`,
    peer: 'vscode-json-languageservice parse+validate',
    peerValue: ms(bpp50),
    ratio: ratio(bp50, bpp50),
    budget: '< 20 ms',
    met: bp50 < 20,
  });
  return rows;
}

if (isMain(__filename)) {
  void runLintBench().then((rows) => printRows('Lint', rows));
}
