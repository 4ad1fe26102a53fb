// Runner-agnostic entry of the end-to-end suite: VS Code's extension host (code-server through
// test/e2e/runCodeServer.mjs, or Electron through @vscode/test-electron) loads this bundled file
// as extensionTestsPath and awaits run(). It runs the *.test.js bundled next to it with mocha, in
// name order. E2E_MODE=untrusted (a run with Workspace Trust on) runs only the trust tests;
// otherwise they are left out. E2E_GREP filters by title.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.E2E_TEST_TIMEOUT_MS) || 60_000,
  });
  const grep = process.env.E2E_GREP;
  if (grep) mocha.grep(grep);
  const untrusted = process.env.E2E_MODE === 'untrusted';
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => untrusted === /trust/.test(f))
    .sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js in ${__dirname}`));
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} end-to-end test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
