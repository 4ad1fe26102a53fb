// The real-world corpus (test/fixtures/realworld): configuration files from public repositories, kept byte for byte,
// listed with their origin in sources.json. This module lists them and says how the PHP oracle loads each kind.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { composerPhpConfig, type PhpIniInput } from './phpIni.ts';

export const CORPUS_DIR = join(__dirname, '..', 'fixtures', 'realworld');

/** Files of the corpus folder that describe it rather than belong to it. */
export const CORPUS_META_FILES = ['SOURCES.md', 'sources.json', 'READY'];

export const CORPUS_KINDS = [
  'php-ini',
  'conf-d',
  'fpm-pool',
  'snippet',
  'composer',
  'laravel-env',
  'laravel-config',
  'symfony-yaml',
  'symfony-env',
  'deploy-manifest',
] as const;
export type CorpusKind = (typeof CORPUS_KINDS)[number];

export interface CorpusSource {
  /** Path under test/fixtures/realworld, with `/`. */
  readonly local: string;
  readonly repo: string;
  /** Path of the file in `repo` at `commit`. */
  readonly path: string;
  readonly commit: string;
  readonly licence: string;
  readonly kind: CorpusKind;
  readonly note?: string;
  /** For an excerpt of a document (a snippet): the lines of `path` it holds, 1-based and inclusive. */
  readonly lines?: readonly [number, number];
  /**
   * Those lines with this many leading spaces removed: the indentation of an rst literal block, which the rendered
   * page does not show (and which would make a YAML excerpt unparseable).
   */
  readonly dedent?: number;
  /**
   * The file is what a shell block of `path` (those `lines`) writes, not a file of the repository: `sh` ran the
   * Dockerfile's `{ echo …; } | tee FILE` block, as the image build does.
   */
  readonly generated?: 'sh';
  /** Taken from the search index's stored text of that commit (the repository was too large to fetch and compare). */
  readonly storedText?: boolean;
  /** Every line ends in CRLF (the file was made on Windows); without it no byte is a CR. */
  readonly crlf?: boolean;
  /**
   * What real PHP (or php-fpm, for pools) makes of the file when it is not a plain acceptance: `fatal` (PHP refuses
   * to start), `syntax-error` (the ini parser stops at a syntax error; the directives after it are lost),
   * `fpm-rejects` (php-fpm's config test fails). Recorded from the oracle; the corpus test checks PHP still agrees.
   */
  readonly oracle?: OracleVerdict;
}

export const ORACLE_VERDICTS = ['fatal', 'syntax-error', 'fpm-rejects'] as const;
export type OracleVerdict = (typeof ORACLE_VERDICTS)[number];

export interface CorpusEntry extends CorpusSource {
  /** Absolute path on disk. */
  readonly file: string;
}

export function corpusSources(): CorpusSource[] {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'sources.json'), 'utf8')) as CorpusSource[];
}

export function corpusEntries(): CorpusEntry[] {
  return corpusSources().map((s) => ({ ...s, file: join(CORPUS_DIR, s.local) }));
}

/** Every file under the corpus folder (relative, with `/`), the meta files left out. */
export function corpusFilesOnDisk(dir = CORPUS_DIR): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...corpusFilesOnDisk(full));
    else out.push(relative(CORPUS_DIR, full).split(sep).join('/'));
  }
  return out.filter((f) => !CORPUS_META_FILES.includes(f)).sort();
}

/** How the oracle loads an entry: as PHP would meet the file in production. */
export type OracleRun =
  { readonly via: 'php'; readonly input: PhpIniInput } | { readonly via: 'fpm'; readonly pool: Buffer };

export function oracleRunFor(entry: CorpusEntry): OracleRun | undefined {
  const bytes = readFileSync(entry.file);
  const base = entry.local.split('/').pop()!;
  switch (entry.kind) {
    case 'php-ini':
      return { via: 'php', input: { phpIni: bytes } };
    case 'conf-d':
    case 'snippet':
      // A scanned directory only reads *.ini files.
      return { via: 'php', input: { confD: [{ name: base.endsWith('.ini') ? base : `${base}.ini`, text: bytes }] } };
    case 'composer':
      return { via: 'php', input: { phpConfig: composerPhpConfig(bytes.toString('utf8')).lines ?? [] } };
    case 'fpm-pool':
      return { via: 'fpm', pool: bytes };
    default:
      return undefined;
  }
}
