#!/usr/bin/env node
// The same end-to-end suite through @vscode/test-electron, for machines that can download VS Code
// (a developer's laptop, a hosted CI). On this project's offline machines use test/e2e/run.mjs
// (code-server + Debian's chromium) instead: test-electron downloads VS Code at run time.
//
//   npm install --save-dev @vscode/test-electron      (no install-time download)
//   node test/e2e/runElectron.mjs            tests the packaged .vsix, installed into a per-run extensions dir
//   node test/e2e/runElectron.mjs --dev      tests the working tree as extensionDevelopmentPath (no packaging)
//
// Environment: E2E_ELECTRON_VERSIONS=1.100.3,stable (default), E2E_VSIX, E2E_GREP, E2E_KEEP_TMP as
// in run.mjs. On Linux without a display, run it under `xvfb-run -a`. Like run.mjs, each VS Code
// gets its own redis-server filled by real PHP (needs redis-server and php with phpredis), and two
// runs: the suite in a trusted folder, then the trust tests with Workspace Trust on. The page-level
// checks (test/e2e/ui.mjs: dialogs, screenshots) are code-server only.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSuite, SUITE_OUT } from './build.mjs';
import { REPO_ROOT } from './install.mjs';
import { prepareWorkspace, redisEnv, withRedisSessions } from './redisSessions.mjs';
import { packageVsix, WORKSPACE } from './run.mjs';
import { TRUST_SETTINGS, USER_SETTINGS } from './runCodeServer.mjs';

const log = (msg) => process.stdout.write(`[e2e-electron] ${msg}\n`);
const dev = process.argv.includes('--dev');

async function main() {
  let te;
  try {
    te = await import('@vscode/test-electron');
  } catch {
    log('@vscode/test-electron is not installed: npm install --save-dev @vscode/test-electron');
    return 2;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    log('warning: no DISPLAY; on a headless Linux run this under `xvfb-run -a`');
  }
  const versions = (process.env.E2E_ELECTRON_VERSIONS ?? '1.100.3,stable').split(/[\s,]+/).filter(Boolean);
  const testsPath = await buildSuite();

  let vsix;
  if (!dev) {
    vsix = process.env.E2E_VSIX && path.resolve(process.env.E2E_VSIX);
    // `npm run package` (its vscode:prepublish makes the production build), checked like run.mjs does
    if (!vsix) ({ vsix } = await packageVsix());
  } else {
    const r = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }

  const results = [];
  for (const version of versions) {
    log(`VS Code ${version}: downloading (cached in .vscode-test/)`);
    const vscodeExecutablePath = await te.downloadAndUnzipVSCode({
      version,
      cachePath: path.join(REPO_ROOT, '.vscode-test'),
    });
    for (const mode of ['trusted', 'untrusted']) {
      const t0 = Date.now();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `prs-e2e-electron-${version}-`));
      try {
        await withRedisSessions(async (redis) => {
          const userDataDir = path.join(dir, 'user');
          const extensionsDir = path.join(dir, 'exts');
          fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
          fs.mkdirSync(extensionsDir, { recursive: true });
          const settings = { ...USER_SETTINGS };
          if (mode === 'untrusted') {
            Object.assign(settings, TRUST_SETTINGS, {
              'phpRedisSessions.connections': [{ name: 'e2e user connection', url: `tcp://127.0.0.1:${redis.port}` }],
            });
          }
          fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
          const workspace = path.join(dir, 'workspace');
          fs.cpSync(WORKSPACE, workspace, { recursive: true });
          prepareWorkspace(workspace, redis, log);
          const profile = [`--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`];
          if (vsix) {
            const [cli, ...cliArgs] = te.resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath, {
              reuseMachineInstall: true,
            });
            const r = spawnSync(cli, [...cliArgs, ...profile, '--install-extension', vsix], {
              encoding: 'utf8',
              shell: process.platform === 'win32',
            });
            if (r.status !== 0) throw new Error(`--install-extension failed:\n${r.stdout}${r.stderr}`);
            log(`installed ${path.basename(vsix)}`);
          }
          await te.runTests({
            vscodeExecutablePath,
            // With a .vsix, point the (required) development path at the suite's own folder, which has
            // no package.json, so that the installed extension is the one under test.
            extensionDevelopmentPath: dev ? REPO_ROOT : SUITE_OUT,
            extensionTestsPath: testsPath,
            launchArgs: [
              workspace,
              ...profile,
              '--disable-gpu',
              '--disable-telemetry',
              ...(mode === 'trusted' ? ['--disable-workspace-trust'] : []),
            ],
            extensionTestsEnv: {
              E2E_EXTENSIONS_DIR: vsix ? extensionsDir : '',
              E2E_WORKSPACE: workspace,
              ...redisEnv(redis),
              E2E_MODE: mode,
              ...(process.env.E2E_GREP ? { E2E_GREP: process.env.E2E_GREP } : {}),
            },
            reuseMachineInstall: true, // the profile dirs above are per run already
          });
        }, log);
        results.push({ version, mode, ok: true, ms: Date.now() - t0 });
      } catch (err) {
        log(`VS Code ${version} (${mode}): ${err.message ?? err}`);
        results.push({ version, mode, ok: false, ms: Date.now() - t0 });
      } finally {
        if (!process.env.E2E_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      }
    }
  }
  for (const r of results)
    log(`VS Code ${r.version} (${r.mode}): ${r.ok ? 'passed' : 'FAILED'} in ${(r.ms / 1000).toFixed(1)} s`);
  return results.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`[e2e-electron] FAILED: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);
