// `php-redis-sessions lint [paths…] [--format stylish|json|sarif] [--fix] [--phpredis-version 6.3]`
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixAll } from '../core/applyFixes.ts';
import { documentKind } from '../core/fileKinds.ts';
import { lint } from '../core/lint.ts';
import { isPhpredisVersion, PHPREDIS_VERSIONS } from '../core/phpredisVersions.ts';
import type { DocumentKind } from '../core/types.ts';
import { json, sarif, stylish, type FileReport } from './lintReport.ts';
import { UsageError, type Io } from './io.ts';

export interface LintArgs {
  paths: string[];
  format: string;
  fix: boolean;
  /** --phpredis-version: the release line judged for. */
  phpredisVersion?: string;
}

/** The kind for a path given on the command line: any *.json is read as a composer.json. */
function kindOf(path: string): DocumentKind {
  return documentKind(path) ?? (path.toLowerCase().endsWith('.json') ? 'composer' : 'ini');
}

function expand(path: string): string {
  try {
    if (statSync(path).isDirectory()) return join(path, 'composer.json');
  } catch {
    // Reported when reading.
  }
  return path;
}

export function lintCommand(args: LintArgs, io: Io, version: string): number {
  if (!['stylish', 'json', 'sarif'].includes(args.format))
    throw new UsageError(`unknown --format "${args.format}" (stylish, json or sarif)`);
  const judged = args.phpredisVersion;
  if (judged !== undefined && !isPhpredisVersion(judged))
    throw new UsageError(`unknown --phpredis-version "${judged}" (${PHPREDIS_VERSIONS.join(', ')})`);
  const options = judged ? { phpredisVersion: judged } : {};
  const paths = (args.paths.length ? args.paths : ['composer.json']).map(expand);
  const reports: FileReport[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      io.stderr(`php-redis-sessions: cannot read ${path}${code ? ` (${code})` : ''}\n`);
      return 2;
    }
    const kind = kindOf(path);
    if (args.fix) {
      const fixed = fixAll(text, path, { ...options, kind });
      if (fixed.text !== text) {
        writeFileSync(path, fixed.text);
        text = fixed.text;
      }
    }
    reports.push({
      path: relative(io.cwd, resolve(io.cwd, path)) || path,
      text,
      findings: lint(text, path, { ...options, kind }),
    });
  }
  const out =
    args.format === 'json'
      ? json(reports)
      : args.format === 'sarif'
        ? sarif(
            reports,
            version,
            (p) => relative(io.cwd, resolve(io.cwd, p)).split('\\').join('/') || pathToFileURL(p).href,
          )
        : stylish(reports, io.color);
  io.stdout(out);
  return reports.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
}
