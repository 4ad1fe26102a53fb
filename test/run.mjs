// Runs every test layer that `npm test` owns, in one node --test process per layer so a slow
// layer's output stays together. Layers: unit, cli, lsp, php (differential), redis (integration),
// e2e (the packaged .vsix in real VS Codes: test/e2e/run.mjs, its own runner).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// `node test/run.mjs unit lsp` runs those layers only.
const layers = process.argv.slice(2).length
  ? process.argv.slice(2)
  : (process.env.TEST_LAYERS ?? 'unit,cli,lsp,php,redis,fuzz,e2e').split(',').filter(Boolean);

function testFiles(dir) {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...testFiles(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

let failed = false;
for (const layer of layers) {
  if (layer === 'e2e') {
    // code-server + chromium on both VS Code versions; packages the .vsix itself
    console.log('\n# layer: e2e (test/e2e/run.mjs)');
    const r = spawnSync(process.execPath, ['test/e2e/run.mjs'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) failed = true;
    continue;
  }
  const files = testFiles(join(root, 'test', layer));
  if (files.length === 0) continue;
  console.log(`\n# layer: ${layer} (${files.length} files)`);
  const r = spawnSync(
    process.execPath,
    ['--import', './test/helpers/register.mjs', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
