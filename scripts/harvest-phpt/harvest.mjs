// Harvests the values and payloads that the .phpt tests of php-src (serialize, session), igbinary
// and msgpack-php hand to PHP's serializers and readers, for test/php/harvested.test.ts.
// Each test's --FILE-- runs once in real PHP with its --INI--, its serializer calls rewritten to the
// recorders of prelude.php; only the recorded values/payloads are kept, deduplicated, with the test
// file they came from. The suites are read from local git mirrors (github.com/php/php-src,
// igbinary/igbinary, msgpack/msgpack-php):
//   node scripts/harvest-phpt/harvest.mjs <php-src git dir> <igbinary git dir> <msgpack-php git dir> \
//     [<file.phpt>=ext/standard/tests/serialize/<name>@<php-src commit> …]
// The trailing arguments add php-src tests newer than the mirror's commit (read one by one).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const here = dirname(new URL(import.meta.url).pathname);
const outDir = join(here, '../../test/fixtures/harvested');
const [phpSrc, igbinary, msgpack, ...extra] = process.argv.slice(2);
const SUITES = [
  { name: 'php-src-serialize', git: phpSrc, rev: 'HEAD', dir: 'ext/standard/tests/serialize' },
  { name: 'php-src-session', git: phpSrc, rev: 'HEAD', dir: 'ext/session/tests' },
  { name: 'igbinary', git: igbinary, rev: '3.2.13', dir: 'tests' },
  { name: 'msgpack', git: msgpack, rev: 'msgpack-2.2.0RC2', dir: 'tests' },
];

const MAX_CASE_BASE64 = 100_000;

function sections(text) {
  const out = {};
  let cur = null;
  for (const line of text.split('\n')) {
    const m = /^--([A-Z_]+)--\s*$/.exec(line);
    if (m) {
      cur = m[1];
      out[cur] = [];
    } else if (cur) out[cur].push(line);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.join('\n')]));
}

mkdirSync(outDir, { recursive: true });
for (const suite of SUITES) {
  if (!suite.git) continue;
  const commit = execFileSync('git', ['--git-dir', suite.git, 'rev-parse', `${suite.rev}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const work = mkdtempSync(join(tmpdir(), 'harvest-'));
  execFileSync('sh', ['-c', `git --git-dir '${suite.git}' archive ${commit} ${suite.dir} | tar -x -C '${work}'`]);
  const testDir = join(work, suite.dir);
  /** Test file name → where it came from when not from the suite's commit. */
  const origin = new Map();
  for (const spec of extra) {
    const [file, source] = spec.split('=');
    if (!source.startsWith(`${suite.dir}/`) || suite.git !== phpSrc) continue;
    copyFileSync(file, join(testDir, basename(file)));
    origin.set(basename(file), source);
  }
  const sessDir = join(work, 'sessions');
  mkdirSync(sessDir);
  const seen = new Map();
  const enums = {};
  const serializable = {};
  const unserialize = {};
  let ran = 0;
  for (const name of readdirSync(testDir)
    .filter((f) => f.endsWith('.phpt'))
    .sort()) {
    const s = sections(readFileSync(join(testDir, name), 'latin1'));
    const code = s.FILE ?? s.FILEEOF;
    if (code === undefined) continue;
    const src = join(testDir, `__harvest_${name}.src.php`);
    const php = join(testDir, `__harvest_${name}.php`);
    writeFileSync(src, Buffer.from(code, 'latin1'));
    if (spawnSync('php', [join(here, 'rewrite.php'), src, php]).status !== 0) continue;
    const ini = (s.INI ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith(';') && l.includes('='))
      .map((l) => l.replaceAll('{PWD}', testDir).replaceAll('{TMP}', work));
    const out = join(work, 'out.json');
    rmSync(out, { force: true });
    spawnSync(
      'php',
      [
        '-d',
        `session.save_path=${sessDir}`,
        '-d',
        'display_errors=0',
        '-d',
        'max_execution_time=20',
        ...ini.flatMap((l) => ['-d', l]),
        '-d',
        `auto_prepend_file=${join(here, 'prelude.php')}`,
        php,
      ],
      { cwd: testDir, env: { ...process.env, HARVEST_OUT: out }, timeout: 30_000, stdio: 'ignore' },
    );
    ran++;
    if (!existsSync(out)) continue;
    let got;
    try {
      got = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      continue;
    }
    const file = origin.get(name) ?? `${suite.dir}/${name}`;
    if (Object.keys(got.enums ?? {}).length) enums[file] = got.enums;
    if (got.serializable?.length) serializable[file] = got.serializable;
    if (got.unserialize?.length) unserialize[file] = got.unserialize;
    for (const [op, format, data] of got.records) {
      // The few huge ones (65,537-element arrays, 1 MB trees) would weigh more than all the rest:
      // the differential test has PHP write such sizes itself.
      if (data.length > MAX_CASE_BASE64) continue;
      const key = `${op}\0${format}\0${data}`;
      if (!seen.has(key)) seen.set(key, { op, format, data, file });
    }
  }
  rmSync(work, { recursive: true, force: true });
  const cases = [...seen.values()];
  writeFileSync(
    join(outDir, `${suite.name}.json.gz`),
    gzipSync(
      JSON.stringify({ suite: suite.name, commit, dir: suite.dir, enums, serializable, unserialize, cases }) + '\n',
      { level: 9 },
    ),
  );
  console.log(`${suite.name}: ${ran} tests run, ${cases.length} distinct cases`);
}
