// `php-redis-sessions lint [paths…] [--format stylish|json|sarif] [--fix] [--phpredis-version 6.3]`; a directory
// is linted as a project.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyEdits, fixAll } from '../core/applyFixes.ts';
import { documentKind } from '../core/fileKinds.ts';
import { lint } from '../core/lint.ts';
import { isPhpredisVersion, PHPREDIS_VERSIONS, type PhpredisVersion } from '../core/phpredisVersions.ts';
import type { DocumentKind } from '../core/types.ts';
import { scanProject } from '../projectFiles.ts';
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

/** One file to lint: its path as given/printed, and the project it is linted in (for a directory). */
interface Target {
  path: string;
  project?: { root: string; files: Map<string, string>; rel: string };
}

/** A directory is a project: every file the linter knows in it, with the files framework rules read. */
function expand(path: string): Target[] {
  try {
    if (statSync(path).isDirectory()) {
      const scan = scanProject(path);
      if (scan.linted.length === 0) return [{ path: join(path, 'composer.json') }];
      return scan.linted.map((rel) => ({ path: join(path, rel), project: { root: path, files: scan.files, rel } }));
    }
  } catch {
    // Reported when reading.
  }
  return [{ path }];
}

/**
 * Safe fixes that edit another file of a project (adding ext-redis to composer.json), one at a
 * time, each followed by a fresh look at the project: a second run changes nothing.
 */
function fixOtherFiles(targets: Target[], judgedFor: { phpredisVersion?: PhpredisVersion }, io: Io): void {
  const roots = new Map(targets.filter((t) => t.project).map((t) => [t.project!.root, t.project!.files]));
  for (const [root, files] of roots) {
    for (let round = 0; round < 20; round++) {
      let applied = false;
      for (const t of targets.filter((x) => x.project?.root === root)) {
        const text = files.get(t.project!.rel) ?? readFileSync(t.path, 'utf8');
        const project = { files, path: t.project!.rel };
        const fx = lint(text, t.path, { ...judgedFor, kind: kindOf(t.path), project })
          .flatMap((f) => f.fixes)
          .find((x) => x.safe && x.otherFiles?.length && x.edits.length === 0);
        if (!fx) continue;
        for (const o of fx.otherFiles!) {
          const before = files.get(o.path) ?? readFileSync(join(root, o.path), 'utf8');
          const after = applyEdits(before, o.edits);
          writeFileSync(join(root, o.path), after);
          files.set(o.path, after);
          io.stderr(`php-redis-sessions: ${fx.title} (${relative(io.cwd, resolve(io.cwd, join(root, o.path)))})\n`);
        }
        applied = true;
        break;
      }
      if (!applied) break;
    }
  }
}

export function lintCommand(args: LintArgs, io: Io, version: string): number {
  if (!['stylish', 'json', 'sarif'].includes(args.format))
    throw new UsageError(`unknown --format "${args.format}" (stylish, json or sarif)`);
  const judged = args.phpredisVersion;
  if (judged !== undefined && !isPhpredisVersion(judged))
    throw new UsageError(`unknown --phpredis-version "${judged}" (${PHPREDIS_VERSIONS.join(', ')})`);
  const judgedFor = judged ? { phpredisVersion: judged } : {};
  const targets = (args.paths.length ? args.paths : ['composer.json']).flatMap(expand);
  const reports: FileReport[] = [];
  if (args.fix) fixOtherFiles(targets, judgedFor, io);
  for (const { path, project: p } of targets) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      io.stderr(`php-redis-sessions: cannot read ${path}${code ? ` (${code})` : ''}\n`);
      return 2;
    }
    const kind = kindOf(path);
    const project = p ? { files: p.files, path: p.rel } : undefined;
    const options = { ...judgedFor, kind, ...(project ? { project } : {}) };
    if (args.fix) {
      const fixed = fixAll(text, path, options);
      if (fixed.text !== text) {
        writeFileSync(path, fixed.text);
        text = fixed.text;
        p?.files.set(p.rel, text);
      }
    }
    reports.push({ path: relative(io.cwd, resolve(io.cwd, path)) || path, text, findings: lint(text, path, options) });
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
