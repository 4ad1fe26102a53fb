// The production build the benchmarks measure (`node esbuild.mjs --production`, as the .vsix and
// the npm package ship it), made once per run in a scratch copy of the tree so that the dist/ of a
// developer or of a running e2e suite is not overwritten; removed when the process exits.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..');

let built: string | undefined;

/** The scratch copy's directory (node_modules linked); its dist/ holds the production bundles. */
export function productionBuild(): string {
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'prs-bench-build-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const name of readdirSync(root)) {
    if (
      ['dist', '.git', 'out', 'test', 'test-results', '.vscode-test', '.cache'].includes(name) ||
      name.endsWith('.vsix')
    )
      continue;
    if (name === 'node_modules') symlinkSync(join(root, name), join(dir, name));
    else cpSync(join(root, name), join(dir, name), { recursive: true });
  }
  const r = spawnSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`production build failed: ${r.stderr}`);
  built = dir;
  return dir;
}
