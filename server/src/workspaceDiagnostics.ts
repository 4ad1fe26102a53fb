// Workspace diagnostics (LSP 3.17 `workspace/diagnostic`): the session configuration files of the
// workspace folders that are not open in an editor, linted in the background so that the
// Problems panel lists them after a reload too. Bounded: at most MAX_FILES files linted, MAX_ENTRIES
// directory entries looked at, MAX_DEPTH folders deep, files up to MAX_BYTES, and a pass stops
// after BUDGET_MS. The request is held (long poll) until something changes: a watched file, the
// settings, a document closed; so an idle workspace costs one pending request.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CancellationToken, Diagnostic } from 'vscode-languageserver/node';
import { documentKind, EXCLUDED_DIRS } from './core/fileKinds.ts';
import type { DocumentKind } from './core/types.ts';

export const MAX_FILES = 200;
export const MAX_ENTRIES = 20_000;
export const MAX_DEPTH = 8;
export const MAX_BYTES = 1024 * 1024;
export const BUDGET_MS = 3_000;
/** How long an idle request is held before it answers empty (the client asks again 2 s later). */
const HOLD_MS = 60_000;

export interface WorkspaceFileReport {
  uri: string;
  resultId: string;
  items: Diagnostic[];
}

export interface WorkspaceLinter {
  /** The diagnostics of one file's text. */
  lint(uri: string, text: string, kind: DocumentKind): Promise<Diagnostic[]>;
  /** Open documents are the document pull's: the workspace pass leaves them alone. */
  isOpen(uri: string): boolean;
  /** Moves on when the settings change: every file is linted again. */
  settingsGeneration(): number;
}

/** FNV-1a over the text and the settings' generation: a file's result id. */
function resultIdOf(text: string, generation: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${generation}:${text.length}:${(h >>> 0).toString(36)}`;
}

const SKIPPED = new Set(EXCLUDED_DIRS);

/**
 * The linted files under the roots, breadth first (the files near a root matter most), within the
 * bounds; `complete` is false when a bound cut the walk short.
 */
export function findLintedFiles(
  roots: readonly string[],
  deadline = Date.now() + BUDGET_MS,
): { files: string[]; complete: boolean } {
  const found: string[] = [];
  let entries = 0;
  let level = roots.map((r) => ({ dir: r, rel: '' }));
  for (let depth = 0; depth <= MAX_DEPTH && level.length; depth++) {
    const next: { dir: string; rel: string }[] = [];
    for (const { dir, rel } of level) {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        if (++entries > MAX_ENTRIES || found.length >= MAX_FILES || Date.now() > deadline)
          return { files: found, complete: false };
        const full = join(dir, name);
        const relPath = rel ? `${rel}/${name}` : name;
        let isDir: boolean;
        try {
          isDir = statSync(full).isDirectory();
        } catch {
          continue;
        }
        if (isDir) {
          if (!SKIPPED.has(name)) next.push({ dir: full, rel: relPath });
        } else if (documentKind(relPath)) found.push(full);
      }
    }
    level = next;
  }
  return { files: found, complete: level.length === 0 };
}

export class WorkspaceDiagnostics {
  private roots: string[] = [];
  private changedSince = true;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly linter: WorkspaceLinter) {}

  /** The workspace folders (file: URIs). */
  setRoots(uris: readonly string[]): void {
    this.roots = uris.flatMap((u) => {
      try {
        return [fileURLToPath(u)];
      } catch {
        return [];
      }
    });
    this.changed();
  }

  /** A file, the settings or the open documents changed: the held request looks again. */
  changed(): void {
    this.changedSince = true;
    for (const wake of [...this.waiting]) wake();
  }

  /**
   * The reports the client does not have yet: files whose result id differs from `previous`
   * (uri → result id), and files it was told about that are gone (an empty report). Held until
   * there is one, the token is cancelled, or HOLD_MS passed.
   */
  async pull(previous: ReadonlyMap<string, string>, token: CancellationToken): Promise<WorkspaceFileReport[]> {
    for (;;) {
      if (token.isCancellationRequested) return [];
      this.changedSince = false;
      const reports = await this.pass(previous, token);
      if (reports.length) return reports;
      if (!(await this.hold(token))) return [];
    }
  }

  /** Resolves true on a change, false on cancellation or after HOLD_MS. */
  private hold(token: CancellationToken): Promise<boolean> {
    if (this.changedSince) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        sub.dispose();
        this.waiting.delete(wake);
        resolve(changed);
      };
      const wake = (): void => done(true);
      const timer = setTimeout(() => done(false), HOLD_MS);
      const sub = token.onCancellationRequested(() => done(false));
      this.waiting.add(wake);
    });
  }

  private async pass(previous: ReadonlyMap<string, string>, token: CancellationToken): Promise<WorkspaceFileReport[]> {
    const deadline = Date.now() + BUDGET_MS;
    const generation = this.linter.settingsGeneration();
    const reports: WorkspaceFileReport[] = [];
    const present = new Set<string>();
    const walk = findLintedFiles(this.roots, deadline);
    let complete = walk.complete;
    for (const path of walk.files) {
      if (token.isCancellationRequested || Date.now() > deadline) {
        complete = false;
        break;
      }
      const uri = pathToFileURL(path).href;
      present.add(uri);
      if (this.linter.isOpen(uri)) continue;
      let text: string;
      try {
        if (statSync(path).size > MAX_BYTES) continue;
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const resultId = resultIdOf(text, generation);
      if (previous.get(uri) === resultId) continue;
      const kind = documentKind(path);
      if (!kind) continue;
      reports.push({ uri, resultId, items: await this.linter.lint(uri, text, kind) });
    }
    // Files the client holds workspace results for that are gone (deleted, moved, now excluded);
    // only said after a whole walk (a cut one did not look everywhere).
    if (!complete) return reports;
    for (const [uri, id] of previous) {
      if (present.has(uri) || this.linter.isOpen(uri) || id === 'gone' || !this.underRoots(uri)) continue;
      reports.push({ uri, resultId: 'gone', items: [] });
    }
    return reports;
  }

  private underRoots(uri: string): boolean {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      return false;
    }
    return this.roots.some((r) => path === r || path.startsWith(r.endsWith('/') ? r : `${r}/`));
  }
}
