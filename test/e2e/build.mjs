#!/usr/bin/env node
// Bundles the end-to-end suite for VS Code's extension host: test/e2e/suite/{index,*.test}.ts ->
// out/e2e/suite/*.js, CommonJS, `vscode` external (the extension host provides it) and `mocha`
// external (resolved from the repo's node_modules: out/ is inside the repo).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUITE_SRC = path.join(REPO_ROOT, 'test', 'e2e', 'suite');
export const SUITE_OUT = path.join(REPO_ROOT, 'out', 'e2e', 'suite');

export async function buildSuite() {
  const entryPoints = fs
    .readdirSync(SUITE_SRC)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => path.join(SUITE_SRC, f));
  fs.rmSync(SUITE_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    sourcesContent: false,
    external: ['vscode', 'mocha'],
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return path.join(SUITE_OUT, 'index.js');
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const index = await buildSuite();
  console.log(
    `[e2e-build] ${path.relative(REPO_ROOT, index)} and ${fs.readdirSync(SUITE_OUT).filter((f) => f.endsWith('.test.js')).length} test file(s)`,
  );
}
