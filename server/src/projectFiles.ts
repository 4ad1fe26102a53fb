// Reading a project from the disk for the framework rules: the CLI's `lint <dir>` and the
// language server (whose open documents override what is on the disk) both use it. The core never
// reads files; it is handed what this module collects.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { documentKind } from './core/fileKinds.ts';
import { isProjectFile, SKIPPED_DIRS } from './core/frameworks/project.ts';

/** Bounds of a scan: a project folder with more is not one worth walking whole. */
const MAX_DEPTH = 6;
const MAX_FILES = 5000;
const MAX_BYTES = 2 * 1024 * 1024;

export interface ScannedProject {
  root: string;
  /** Project-relative path (with `/`) → text, for the files the framework rules read. */
  files: Map<string, string>;
  /** Project-relative paths of every file the linter lints, in a stable order. */
  linted: string[];
}

function readSmall(path: string): string | undefined {
  try {
    if (statSync(path).size > MAX_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Walks `root` (never into vendor/, node_modules/, .git/, var/, storage/…) for linted and context files. */
export function scanProject(root: string): ScannedProject {
  const files = new Map<string, string>();
  const linted: string[] = [];
  let seen = 0;
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (++seen > MAX_FILES) return;
      const full = join(dir, name);
      let isDir = false;
      try {
        isDir = statSync(full).isDirectory();
      } catch {
        continue;
      }
      const rel = relative(root, full).split(sep).join('/');
      if (isDir) {
        if (depth < MAX_DEPTH && !SKIPPED_DIRS.has(name)) walk(full, depth + 1);
        continue;
      }
      const lint = documentKind(rel) !== undefined;
      if (lint) linted.push(rel);
      if (isProjectFile(rel)) {
        const text = readSmall(full);
        if (text !== undefined) files.set(rel, text);
      }
    }
  };
  walk(root, 0);
  return { root, files, linted };
}

/** The project a file belongs to: the nearest folder above it that has a composer.json (else its own folder). */
export function projectRootOf(file: string): string {
  let dir = dirname(file);
  for (;;) {
    try {
      if (statSync(join(dir, 'composer.json')).isFile()) return dir;
    } catch {
      // not here
    }
    const up = dirname(dir);
    if (up === dir) return dirname(file);
    dir = up;
  }
}

/** The context files of the project around `file`, read from the disk (no walk below config/ and the deploy folders' depth). */
export function projectFilesAround(file: string): { root: string; files: Map<string, string> } {
  const root = projectRootOf(file);
  return { root, files: scanProject(root).files };
}
