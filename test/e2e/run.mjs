#!/usr/bin/env node
// End-to-end tests of the packaged extension inside real VS Codes (code-server + Debian's chromium):
//   1. bundle the mocha suite (test/e2e/build.mjs -> out/e2e/suite/)
//   2. `npm run package` (vsce, which runs vscode:prepublish = the production build), then check the
//      .vsix: only the bundles, grammars, images, README, CHANGELOG, LICENSE; under 1.5 MB
//   3. for each code-server version (one at a time: 2 cores), four runs, each with its own
//      redis-server on a free loopback port that real PHP filled with sessions first:
//        suite         the mocha suite in the extension host (trusted workspace)
//        untrusted     Workspace Trust on, the folder untrusted: the trust tests of the suite
//        ui            no suite: the page driven as a person (test/e2e/ui.mjs), screenshots
//        untrusted-ui  no suite, Workspace Trust on: the confirmation dialog before connecting
//      (a VS Code running extension tests refuses to show modal dialogs: the runs that click
//      them load no suite)
//   Every process (code-server, chromium, redis-server, php) is stopped, also on failure.
// Exits non-zero when any run fails.
//
//   node test/e2e/run.mjs                 everything (what `npm test` runs as its e2e layer)
//   node test/e2e/run.mjs --screenshots   the ui run on the latest version only, then copies its
//                                         screenshots to images/ and lists them in README.md
//
// Environment:
//   E2E_VERSIONS=4.100.3[,4.139.1]  which code-server versions (default: both)
//   E2E_PASSES=suite,untrusted,ui,untrusted-ui   which runs (default: all four)
//   E2E_VSIX=path.vsix              test this .vsix instead of packaging one
//   E2E_TIMEOUT_MS=300000           overall limit per run
//   E2E_GREP=pattern                only the tests whose title matches
//   E2E_VERBOSE=1                   code-server output and browser console too
//   E2E_KEEP_TMP=1                  keep each run's temp folder
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSuite } from './build.mjs';
import { CACHE_DIR, ensureDebianPackages, installCodeServer, REPO_ROOT, VERSIONS } from './install.mjs';
import { AUTH_PASSWORD, prepareWorkspace, redisEnv, withRedisSessions } from './redisSessions.mjs';
import { runCodeServer } from './runCodeServer.mjs';
import { uiPass, untrustedUiPass, updateReadmeScreenshots } from './ui.mjs';

const log = (msg) => process.stdout.write(`[e2e] ${msg}\n`);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
export const WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'e2e-workspace');
export const VSIX_BUDGET = 1.5 * 1024 * 1024;

function exec(cmd, args, { cwd = REPO_ROOT, env = process.env } = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** What may be in the .vsix (paths inside its extension/ folder). */
const ALLOWED = [
  /^package\.json$/,
  /^package\.nls(\.[\w-]+)?\.json$/,
  /^readme\.md$/i, // (vsce stores README.md and CHANGELOG.md in lower case)
  /^changelog\.md$/i,
  /^LICENSE(\.txt|\.md)?$/,
  /^dist\/(extension|languageClient|sessionsView|server|cli)\.js$/,
  /^syntaxes\/[\w.-]+\.json$/,
  /^images\/(icon\.png|activitybar\.svg)$/,
  /^images\/walkthrough\/[\w.-]+\.(svg|md|png)$/,
];

/**
 * Packages the extension as users get it: `npm run package` (vsce, offline; its vscode:prepublish
 * makes the production build) into outFile, then checks what is inside and its size.
 */
export async function packageVsix(outFile) {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  outFile ??= path.join(CACHE_DIR, 'e2e', `${pkg.name}-${pkg.version}.vsix`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.rmSync(outFile, { force: true });
  await exec('npm', ['run', 'package', '--', '--out', outFile]);
  const list = spawnSync('unzip', ['-Z1', outFile], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`unzip -Z1 ${outFile} failed: ${list.stderr}`);
  const files = list.stdout
    .split('\n')
    .filter((e) => e.startsWith('extension/') && !e.endsWith('/'))
    .map((e) => e.slice('extension/'.length));
  const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  if (unexpected.length) throw new Error(`${outFile} contains files users should not get: ${unexpected.join(', ')}`);
  for (const needed of [
    'package.json',
    'package.nls.json',
    'dist/extension.js',
    'dist/languageClient.js',
    'dist/sessionsView.js',
    'dist/server.js',
    'images/icon.png',
    'readme.md',
    'changelog.md',
  ]) {
    if (!files.some((f) => f.toLowerCase() === needed.toLowerCase())) throw new Error(`${outFile} lacks ${needed}`);
  }
  // the extension page opens with what the extension does, not with the developer commands
  const readme = spawnSync('unzip', ['-p', outFile, 'extension/readme.md'], { encoding: 'utf8' }).stdout;
  if (/npm ci|dev:start/.test(readme.slice(0, 600)))
    throw new Error('the packaged readme.md opens with developer commands (scripts/marketplaceReadme.mjs strips them)');
  if (!readme.includes('**PHP Redis Sessions**')) throw new Error('the packaged readme.md lost its introduction');
  // the bundles in it are the minified production build
  const ext = spawnSync('unzip', ['-p', outFile, 'extension/dist/extension.js'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }).stdout;
  if (ext.split('\n').length > 2000 || ext.includes('sourceMappingURL'))
    throw new Error('the packaged dist/extension.js is not minified: vscode:prepublish must run the production build');
  const size = fs.statSync(outFile).size;
  log(
    `${path.relative(REPO_ROOT, outFile)}: ${files.length} files, ${(size / 1024).toFixed(0)} KB (budget ${VSIX_BUDGET / 1024} KB)`,
  );
  for (const f of files) log(`  ${f}`);
  if (size > VSIX_BUDGET) throw new Error(`${outFile} is ${size} bytes, over the 1.5 MB budget`);
  return { vsix: outFile, size, files };
}

/** One run on one code-server version, with its own redis-server filled by PHP. */
async function runPass({ version, pass, vsix, testsPath, metrics, screenshotsDir }) {
  return withRedisSessions(
    async (redis) => {
      const untrusted = pass.startsWith('untrusted');
      const env = { ...redisEnv(redis), E2E_MODE: untrusted ? 'untrusted' : 'trusted' };
      if (process.env.E2E_GREP) env.E2E_GREP = process.env.E2E_GREP;
      const common = {
        version,
        workspace: WORKSPACE,
        vsix,
        env,
        workspaceTrust: untrusted,
        // In the untrusted runs, a connection the user (not the workspace) configured.
        settings: untrusted
          ? { 'phpRedisSessions.connections': [{ name: 'e2e user connection', url: `tcp://127.0.0.1:${redis.port}` }] }
          : {},
        prepareWorkspace: (ws) => prepareWorkspace(ws, redis, log),
        // The password of test/fixtures/e2e-workspace/pool/www.conf (suite/7-secrets.test.ts) and the
        // requirepass server's (typed into the password prompt by the ui run): in no log of any run.
        forbiddenInLogs: ['E2E-Log-Secret-91', AUTH_PASSWORD],
      };
      if (pass === 'ui' || pass === 'untrusted-ui') {
        // no test suite in these runs: VS Code shows modal dialogs only when no extension tests run
        return runCodeServer({
          ...common,
          onPage: async (page, info) => {
            info.redis = redis;
            const r =
              pass === 'ui'
                ? await uiPass(page, { ...info, version, outDir: screenshotsDir, redisPort: redis.port })
                : await untrustedUiPass(page, { ...info, version, outDir: screenshotsDir });
            metrics.push({ version, pass, ...r.metrics });
          },
        });
      }
      return runCodeServer({
        ...common,
        testsPath,
        onLog: (line) => {
          const m =
            /\[e2e:metric\] activation ([\d.]+) ms \(bundle evaluation ([\d.?]+) ms \+ activate\(\) ([\d.]+) ms\)/.exec(
              line,
            );
          if (m)
            metrics.push({ version, pass, activationMs: Number(m[1]), loadMs: Number(m[2]), activateMs: Number(m[3]) });
        },
      });
    },
    (msg) => log(`[${version} ${pass}] ${msg}`),
  );
}

async function main() {
  const t0 = Date.now();
  const screenshots = process.argv.includes('--screenshots');
  const allVersions = Object.keys(VERSIONS);
  const versions = (process.env.E2E_VERSIONS ?? (screenshots ? allVersions.at(-1) : allVersions.join(',')))
    .split(/[\s,]+/)
    .filter(Boolean);
  const passes = (process.env.E2E_PASSES ?? (screenshots ? 'ui' : 'suite,untrusted,ui,untrusted-ui'))
    .split(/[\s,]+/)
    .filter(Boolean);
  const timings = [];
  const step = async (name, fn) => {
    const s = Date.now();
    const r = await fn();
    timings.push([name, Date.now() - s]);
    log(`${name}: ${secs(Date.now() - s)}`);
    return r;
  };

  await step('debian packages', () => ensureDebianPackages());
  for (const cmd of ['redis-server', 'php']) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0)
      throw new Error(`${cmd} not found: .ci/run installs it (apt-get install redis-server php-cli php-redis)`);
  }
  const testsPath = await step('build suite', () => buildSuite());
  let vsix = process.env.E2E_VSIX && path.resolve(process.env.E2E_VSIX);
  let vsixSize;
  if (vsix) {
    if (!fs.existsSync(vsix)) throw new Error(`E2E_VSIX=${vsix} does not exist`);
    log(`testing the given ${vsix}`);
  } else {
    ({ vsix, size: vsixSize } = await step('npm run package', () => packageVsix()));
  }

  const results = [];
  const metrics = [];
  let lastUiDir;
  for (const version of versions) {
    await step(`install code-server ${version}`, () => installCodeServer(version));
    for (const pass of passes) {
      const screenshotsDir = path.join(REPO_ROOT, 'test-results', 'e2e', version);
      const r = await step(`${pass} on code-server ${version}`, () =>
        runPass({ version, pass, vsix, testsPath, metrics, screenshotsDir }),
      );
      results.push({ version, pass, ...r });
      if (pass === 'ui' && r.exitCode === 0) lastUiDir = screenshotsDir;
    }
  }
  // the README shows the latest version's screenshots
  if (screenshots && lastUiDir) updateReadmeScreenshots(lastUiDir, (m) => log(m));

  log('timings:');
  for (const [name, ms] of timings) log(`  ${name.padEnd(36)} ${secs(ms).padStart(8)}`);
  log(`  ${'total'.padEnd(36)} ${secs(Date.now() - t0).padStart(8)}`);
  if (vsixSize) log(`.vsix: ${(vsixSize / 1024).toFixed(0)} KB`);
  // The figure `npm run bench` reports as the real activation time (test/bench/activation.bench.ts).
  const activations = metrics.filter((m) => m.activationMs !== undefined);
  if (activations.length) {
    fs.mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    fs.writeFileSync(
      path.join(REPO_ROOT, 'test-results', 'e2e-activation.json'),
      JSON.stringify(
        {
          runs: activations.map((m) => ({ vscode: m.version, activationMs: m.activationMs, loadMs: m.loadMs })),
          activationMs: Math.max(...activations.map((m) => m.activationMs)),
          // Evaluating dist/extension.js, the part of activation the bundle split is about.
          loadMs: Math.max(...activations.map((m) => m.loadMs)),
          vscode: activations.map((m) => m.version).join(', '),
        },
        null,
        2,
      ),
    );
  }
  for (const m of metrics) {
    if (m.activationMs !== undefined) {
      log(
        `activation on ${m.version} (${m.pass}): ${m.activationMs} ms in the extension host (bundle evaluation ${m.loadMs} ms + activate() ${m.activateMs} ms)`,
      );
    }
    if (m.runningExtensions)
      log(`activation on ${m.version} as Developer: Show Running Extensions reports it: ${m.runningExtensions}`);
  }
  for (const r of results) {
    log(
      `code-server ${r.version} ${r.pass}: ${r.exitCode === 0 ? 'passed' : `FAILED (exit ${r.exitCode}${r.timedOut ? ', timeout' : ''})`} in ${secs(r.ms)}`,
    );
  }
  const failed = results.filter((r) => r.exitCode !== 0).length;
  // the plain closing line CI reads
  console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[e2e] FAILED: ${err.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
