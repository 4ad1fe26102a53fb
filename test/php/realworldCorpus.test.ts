// The real-world corpus itself: every file listed in sources.json is there (and nothing unlisted), each row names
// its origin, and the PHP oracle (real PHP CLI, real php-fpm) loads every ini, pool and composer file of it. The
// comparisons of the linter's findings with PHP's outcome build on these runs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fpmBinary, fpmConfigTestMany, type FpmResult } from '../helpers/phpFpm.ts';
import { fpmConfigTest, HOST_POOL } from '../helpers/phpFpm.ts';
import { iniDiff, phpIniLoad, phpIniLoadMany, shellRead, type PhpIniResult } from '../helpers/phpIni.ts';
import {
  CORPUS_DIR,
  CORPUS_KINDS,
  ORACLE_VERDICTS,
  corpusEntries,
  corpusFilesOnDisk,
  oracleRunFor,
  type CorpusEntry,
} from '../helpers/realworldCorpus.ts';

const entries = corpusEntries();

describe('real-world corpus', () => {
  it('lists every file on disk exactly once, and every listed file exists', () => {
    const listed = entries.map((e) => e.local).sort();
    assert.equal(new Set(listed).size, listed.length, 'a local path is listed twice');
    assert.deepEqual(listed, corpusFilesOnDisk());
  });

  it('names the origin of every file: repo, path, 40-hex commit, licence, known kind', () => {
    for (const e of entries) {
      assert.match(e.repo, /^[\w.-]+\/[\w.-]+$/, e.local);
      assert.ok(e.path.length > 0, e.local);
      assert.match(e.commit, /^[0-9a-f]{40}$/, e.local);
      assert.ok(e.licence.trim().length > 0, e.local);
      assert.ok((CORPUS_KINDS as readonly string[]).includes(e.kind), `${e.local}: kind ${e.kind}`);
      if (e.lines) assert.ok(e.lines[0] >= 1 && e.lines[1] >= e.lines[0], e.local);
      if (e.generated) assert.ok(e.lines, `${e.local}: a generated file names the lines that write it`);
      if (e.dedent) assert.ok(e.lines && e.dedent > 0, `${e.local}: only an excerpt is dedented`);
      if (e.oracle) assert.ok((ORACLE_VERDICTS as readonly string[]).includes(e.oracle), `${e.local}: ${e.oracle}`);
    }
  });

  it('holds at least 120 files, frameworks included, and several of each main kind', () => {
    assert.ok(entries.length >= 120, `${entries.length} files`);
    const main = ['php-ini', 'conf-d', 'fpm-pool', 'snippet', 'composer', 'laravel-env', 'laravel-config'] as const;
    for (const kind of [...main, 'symfony-yaml', 'deploy-manifest'] as const) {
      assert.ok(entries.filter((e) => e.kind === kind).length >= 4, kind);
    }
  });

  it('keeps the line endings as published: CRLF on every line where the row says so, no CR byte elsewhere', () => {
    // A checkout that normalises line endings would turn the Windows-made files into LF ones: .gitattributes keeps
    // the corpus binary-safe, this proves it.
    for (const e of entries) {
      const bytes = readFileSync(e.file);
      const lf = bytes.filter((b) => b === 0x0a).length;
      const crlf = bytes.toString('latin1').split('\r\n').length - 1;
      const cr = bytes.filter((b) => b === 0x0d).length;
      if (e.crlf) assert.ok(lf > 0 && crlf === lf && cr === lf, `${e.local}: ${lf} LF, ${crlf} CRLF, ${cr} CR`);
      else assert.equal(cr, 0, `${e.local} has CR bytes but no crlf mark`);
    }
    assert.ok(entries.filter((e) => e.crlf).length >= 3, 'a few Windows-made files');
  });

  it('lists every file in SOURCES.md as in sources.json', () => {
    const md = readFileSync(join(CORPUS_DIR, 'SOURCES.md'), 'utf8');
    const rows = [...md.matchAll(/^\| `([^`]+)` \| ([^ |]+) \| `([^`]+)`[^|]*\| `([0-9a-f]{40})` \|/gm)].map((m) =>
      [m[1], m[2], m[3], m[4]].join(' '),
    );
    assert.deepEqual(rows.sort(), entries.map((e) => [e.local, e.repo, e.path, e.commit].join(' ')).sort());
  });
});

describe('the PHP oracle over the corpus', () => {
  const php: { entry: CorpusEntry; result: PhpIniResult }[] = [];
  const fpm: { entry: CorpusEntry; result: FpmResult }[] = [];

  before(async () => {
    const phpRuns = entries.flatMap((entry) => {
      const run = oracleRunFor(entry);
      return run?.via === 'php' ? [{ entry, input: run.input }] : [];
    });
    const results = await phpIniLoadMany(phpRuns.map((r) => r.input));
    phpRuns.forEach((r, i) => php.push({ entry: r.entry, result: results[i]! }));
    if (fpmBinary()) {
      const fpmRuns = entries.flatMap((entry) => {
        const run = oracleRunFor(entry);
        return run?.via === 'fpm' ? [{ entry, pool: run.pool }] : [];
      });
      const fr = await fpmConfigTestMany(fpmRuns.map((r) => r.pool));
      fpmRuns.forEach((r, i) => fpm.push({ entry: r.entry, result: fr[i]! }));
    }
  });

  it('runs real PHP on every ini, snippet and composer file: it starts and reads them, or fails as recorded', () => {
    assert.ok(php.length > 0);
    for (const { entry, result } of php) {
      const syntaxError = result.messages.some((m) => m.includes('syntax error'));
      if (entry.oracle === 'fatal') {
        assert.ok(!result.ok, `${entry.local}: PHP was expected to refuse to start`);
        assert.ok(
          result.messages.some((m) => m.startsWith('Fatal error:')),
          `${entry.local}: no fatal error printed\n${result.messages.join('\n')}`,
        );
        continue;
      }
      assert.ok(result.ok, `${entry.local}: PHP printed no result\n${result.messages.join('\n')}`);
      // ini_get_all() always has the session module's directives: the probe really ran inside PHP.
      assert.ok('session.save_handler' in result.ini, entry.local);
      assert.equal(syntaxError, entry.oracle === 'syntax-error', `${entry.local}\n${result.messages.join('\n')}`);
    }
  });

  it('keeps the system conf.d (phpredis, igbinary, msgpack) loaded under conf.d fragments and composer lines', () => {
    for (const { entry, result } of php.filter((p) => p.entry.kind !== 'php-ini')) {
      for (const ext of ['redis', 'igbinary', 'msgpack'])
        assert.ok(result.extensions.includes(ext), `${entry.local}: ${ext}`);
    }
  });

  it('config-tests every php-fpm pool file with php-fpm', { skip: !fpmBinary() && 'php-fpm is not installed' }, () => {
    const pools = entries.filter((e) => e.kind === 'fpm-pool');
    assert.equal(fpm.length, pools.length);
    for (const { entry, result } of fpm) {
      // Accepted or not, php-fpm dumped or rejected it with a reason: never silence.
      assert.ok(result.ok || result.messages.length > 0, `${entry.local}: no verdict`);
      if (result.ok) assert.ok(Object.keys(result.pools).length > 0, entry.local);
      assert.equal(!result.ok, entry.oracle === 'fpm-rejects', `${entry.local}\n${result.messages.join('\n')}`);
    }
  });

  it('prints the corpus by kind with PHP startup messages', (t) => {
    const kinds = new Map<
      string,
      { files: number; crlf: number; run: number; messages: number; rejected: number; fatal: number }
    >();
    for (const e of entries) {
      const k = kinds.get(e.kind) ?? { files: 0, crlf: 0, run: 0, messages: 0, rejected: 0, fatal: 0 };
      k.files++;
      if (e.crlf) k.crlf++;
      kinds.set(e.kind, k);
    }
    for (const { entry, result } of php) {
      const k = kinds.get(entry.kind)!;
      k.run++;
      k.messages += result.messages.length;
      if (result.messages.some((m) => m.includes('syntax error'))) k.rejected++;
      if (!result.ok) k.fatal++;
    }
    for (const { entry, result } of fpm) {
      const k = kinds.get(entry.kind)!;
      k.run++;
      k.messages += result.messages.length;
      if (!result.ok) k.rejected++;
    }
    for (const [kind, k] of kinds) {
      t.diagnostic(
        `${kind}: ${k.files} files (${k.crlf} CRLF), ${k.run} run through PHP, ${k.messages} startup messages, ` +
          `${k.rejected} rejected, ${k.fatal} PHP would not start with`,
      );
    }
    assert.equal(
      [...kinds.values()].reduce((n, k) => n + k.files, 0),
      entries.length,
    );
  });
});

describe('the oracle itself', () => {
  it('reports what PHP prints for a file it rejects, and the directives it then lost', async () => {
    const good = await phpIniLoad({ confD: [{ text: '[Session]\nsession.save_handler = redis\n' }] });
    const bad = await phpIniLoad({ confD: [{ text: '  [Session]\nsession.save_handler = redis\n' }] });
    assert.equal(good.ini['session.save_handler'], 'redis');
    assert.deepEqual(good.messages, []);
    assert.ok(
      bad.messages.some((m) => m.includes('syntax error')),
      bad.messages.join('\n'),
    );
    assert.deepEqual(iniDiff(good, bad), ['session.save_handler']);
  });

  it('appends composer php-config lines to the main php.ini, after the shell read of the buildpack', async () => {
    assert.deepEqual(shellRead(['a = \\x', 'b = 1\\', '2']), ['a = x', 'b = 12']);
    const r = await phpIniLoad({ phpConfig: ['session.save_handler = redis', 'session.gc_maxlifetime=7200'] });
    assert.equal(r.ini['session.save_handler'], 'redis');
    assert.equal(r.ini['session.gc_maxlifetime'], '7200');
  });

  it(
    'reads the php_value a pool passes to PHP as php-fpm computes it',
    { skip: !fpmBinary() && 'no php-fpm' },
    async () => {
      const r = await fpmConfigTest('php_flag[display_errors] = on\nphp_admin_value[session.save_handler] = redis\n');
      assert.ok(r.ok, r.messages.join('\n'));
      assert.equal(r.pools[HOST_POOL]?.phpValue['display_errors'], '1');
      assert.equal(r.pools[HOST_POOL]?.phpAdminValue['session.save_handler'], 'redis');
    },
  );
});
