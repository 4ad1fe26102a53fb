// The .env reader against vlucas/phpdotenv itself (Debian's php-vlucas-phpdotenv 5.4, the parser
// Laravel 8 → 11 loads .env with): for hand-written and generated files, the same names and values,
// and an error exactly where phpdotenv rejects the file.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { lastEntry, parseDotenv } from '../../../server/src/core/frameworks/dotenv.ts';
import { phpAvailable, runPhpJson } from '../../helpers/php.ts';
import { joinedPieces } from '../../helpers/random.ts';

const HAVE_DOTENV = phpAvailable() && existsSync('/usr/share/php/Dotenv/autoload.php');

/** phpdotenv: parse, then load into an array repository (resolving `${VAR}` as Laravel's load does). */
const PHP = `
require_once '/usr/share/php/Dotenv/autoload.php';
$out = [];
foreach ($input as $text) {
  try {
    $entries = (new Dotenv\\Parser\\Parser())->parse($text);
    $repo = Dotenv\\Repository\\RepositoryBuilder::createWithNoAdapters()
      ->addAdapter(Dotenv\\Repository\\Adapter\\ArrayAdapter::class)->make();
    $vars = (new Dotenv\\Loader\\Loader())->load($repo, $entries);
    $pairs = [];
    foreach ($vars as $k => $v) $pairs[] = [(string) $k, $v];
    $out[] = ['ok' => true, 'vars' => $pairs];
  } catch (Dotenv\\Exception\\InvalidFileException $e) {
    $out[] = ['ok' => false, 'error' => $e->getMessage()];
  }
}
return $out;`;

interface PhpResult {
  ok: boolean;
  vars?: [string, string | null][];
  error?: string;
}

function ours(text: string): PhpResult {
  const f = parseDotenv(text);
  if (f.error) return { ok: false };
  const names = [...new Set(f.entries.map((e) => e.name))];
  return { ok: true, vars: names.map((n) => [n, lastEntry(f, n)!.resolved]) };
}

const HAND_WRITTEN = [
  'APP_NAME=Laravel\nSESSION_DRIVER=redis\n',
  'SESSION_DRIVER=redis # the store\nREDIS_HOST=127.0.0.1\n',
  'A="quoted value"\nB=\'single $A\'\nC="${A} and more"\nD=${A}\n',
  'export REDIS_URL=redis://u:p@h:6379/2\n',
  'A=foo bar\n',
  'A="unterminated\n',
  '=novalue\n',
  'A B=1\n',
  'NAME\nOTHER=\n',
  'A="multi\nline\nvalue"\nB=after\n',
  'A="esc \\"q\\" \\n \\t"\n',
  'A="bad \\q"\n',
  'A=x\r\nB=y\rC=z\n',
  'A=1\nA=2\n',
  '"QUOTED"=1\n',
  "A='x'  # c\n",
  "A='x'y\n",
  'A=#comment only\n',
  'A=$B\nB=${A}x\n',
  'A=\\\\server\n',
  '# just a comment\n\n   \n',
  'REDIS_PASSWORD=null\nREDIS_DB=(empty)\n',
];

test('phpdotenv reads hand-written files as we do', { skip: !HAVE_DOTENV && 'phpdotenv not installed' }, async () => {
  const php = (await runPhpJson(PHP, HAND_WRITTEN)) as PhpResult[];
  HAND_WRITTEN.forEach((text, i) => {
    const p = php[i]!;
    assert.deepEqual(ours(text), p.ok ? { ok: true, vars: p.vars } : { ok: false }, JSON.stringify(text));
  });
});

const PIECES = [
  'A',
  'B_2',
  '=',
  '=',
  'x',
  'redis',
  ' ',
  '  ',
  '\t',
  '"',
  "'",
  '#',
  '$',
  '${A}',
  '${B_2}',
  '\\',
  '\\n',
  '\\"',
  '\n',
  '\r\n',
  'export ',
  '.',
  '(',
  ')',
  '-',
  'é',
];

test('phpdotenv agrees on 3000 generated files', { skip: !HAVE_DOTENV && 'phpdotenv not installed' }, async () => {
  // Mostly `NAME=value` lines whose values are drawn from the pieces, some lines wholly drawn.
  const values = joinedPieces(
    PIECES.filter((p) => p !== '\n' && p !== '\r\n'),
    3000,
    0xd07e,
    8,
  );
  const wild = joinedPieces(PIECES, 3000, 0xd07f, 10);
  const inputs = values.map((v, i) => (i % 4 === 0 ? `A=1\n${wild[i]}\n` : `A=1\nB_2=${v}\nC=\${B_2}\n`));
  const php = (await runPhpJson(PHP, inputs)) as PhpResult[];
  let errors = 0;
  inputs.forEach((text, i) => {
    const p = php[i]!;
    if (!p.ok) errors++;
    assert.deepEqual(ours(text), p.ok ? { ok: true, vars: p.vars } : { ok: false }, JSON.stringify(text));
  });
  // The generation must exercise both outcomes.
  assert.ok(errors > 300 && errors < 2000, `errors: ${errors}`);
  console.log(`${errors} of ${inputs.length} files rejected by phpdotenv`);
});
