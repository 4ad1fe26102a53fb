#!/usr/bin/env node
// Runs a mocha suite inside a real VS Code: code-server (installed by install.mjs) served on a free
// loopback port to Debian's chromium driven by playwright-core. The extension under test is the
// packaged .vsix, installed with --install-extension into a per-run extensions dir. See
// shared/reference/e2e.md.
//
// Everything a run creates lives in one per-run temp folder (HOME, XDG_*, TMPDIR, user data,
// extensions, chromium profile, a copy of the workspace), removed at the end. code-server runs
// detached in its own process group; the group, chromium and any process that inherited this run's
// E2E_RUN_ID are killed at the end, also on failure, timeout, SIGINT and SIGTERM.
//
// Module:
//   import { runCodeServer } from './runCodeServer.mjs'
//   const { exitCode } = await runCodeServer({ version, workspace, vsix, testsPath, onPage })
//   - testsPath: the compiled suite's index.js (exports run()); omit it for a UI-only pass.
//   - onPage(page, info): called once the workbench page is loaded; with testsPath it runs while
//     the suite runs (both are awaited), without testsPath its outcome is the run's outcome
//     (resolve = exit 0, throw = exit 1). `info` has { port, baseUrl, workspace, runDir, log,
//     suiteDone (a promise of the suite's exit code) }.
//   - onLog(line): each line the suite prints in the extension host (console.log)
//   - prepareWorkspace(dir): writes per-run files into the workspace copy before VS Code starts
//   - workspaceTrust: true starts VS Code with Workspace Trust on (the folder opens untrusted)
//   - env: extra environment for code-server, hence for the extension host
//   - lower level: startCodeServer(opts) / launchChromium(run) / stopRun(run)
// CLI:
//   node test/e2e/runCodeServer.mjs --version 4.100.3 --workspace test/fixtures/e2e-workspace \
//        --vsix .cache/e2e/php-redis-sessions-<version>.vsix --tests out/e2e/suite/index.js [--timeout 300]
//   (the suite's Redis-backed tests skip themselves without E2E_REDIS_PORT: use run.mjs for all)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as util from 'node:util';
import { installedCodeServer, REPO_ROOT } from './install.mjs';

export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
export const USER_SETTINGS = {
  'json.schemaDownload.enable': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // no "Your application running on port … is available" for ports other processes listen on
  'remote.autoForwardPorts': false,
  // VS Code in a browser saves after a delay by default; the tests decide when a file is saved
  'files.autoSave': 'off',
  'workbench.tips.enabled': false,
};

// With Workspace Trust on: no start-up modal (it would wait for a click), the folder stays untrusted.
export const TRUST_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

const verbose = !!process.env.E2E_VERBOSE;

function prefixLog(version) {
  return (msg) => process.stdout.write(`[e2e ${version}] ${msg}\n`);
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// process cleanup

const activeRuns = new Set();

/** Pids of processes whose environment carries E2E_RUN_ID=<runId> (survives setsid and reparenting). */
function pidsWithRunId(runId) {
  const needle = Buffer.from(`E2E_RUN_ID=${runId}\0`);
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`).includes(needle)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function killPids(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {}
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Stops everything a run started. Safe to call more than once. */
export async function stopRun(run) {
  if (run.stopped) return run.stopped;
  run.stopped = (async () => {
    const log = run.log;
    if (run.context) {
      await Promise.race([run.context.close().catch(() => {}), sleep(5000)]);
    }
    if (run.serverPid) {
      killGroup(run.serverPid, 'SIGTERM');
      for (let i = 0; i < 30 && run.serverAlive(); i++) await sleep(100);
      killGroup(run.serverPid, 'SIGKILL');
    }
    // anything left that inherited this run's id (chromium helpers, extension host, ...)
    let left = pidsWithRunId(run.id);
    if (left.length) {
      killPids(left, 'SIGTERM');
      await sleep(500);
      left = pidsWithRunId(run.id);
      killPids(left, 'SIGKILL');
      await sleep(200);
      left = pidsWithRunId(run.id);
    }
    if (left.length) log(`WARNING: processes still alive after cleanup: ${left.join(' ')}`);
    activeRuns.delete(run);
    if (run.serverLog) run.serverLog.end();
    if (!process.env.E2E_KEEP_TMP) {
      fs.rmSync(run.dir, { recursive: true, force: true, maxRetries: 3 });
    } else {
      log(`kept run folder ${run.dir}`);
    }
  })();
  return run.stopped;
}

function stopAllSync() {
  for (const run of activeRuns) {
    if (run.serverPid) killGroup(run.serverPid, 'SIGKILL');
    killPids(pidsWithRunId(run.id), 'SIGKILL');
  }
}

let handlersInstalled = false;
function installSignalHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', stopAllSync);
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.on(sig, async () => {
      process.stderr.write(`\n[e2e] ${sig}: stopping code-server and chromium\n`);
      await Promise.race([Promise.all([...activeRuns].map((r) => stopRun(r))), sleep(8000)]);
      stopAllSync();
      process.exit(code);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// code-server

/** Runs a command to completion (without blocking the event loop), capturing stdout+stderr. */
function capture(cmd, args, { env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

function waitForOutput(child, regex, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      buf += d.toString();
      const m = regex.exec(buf);
      if (m) {
        done();
        resolve(m);
      }
    };
    const onExit = (code, signal) => {
      done();
      reject(new Error(`code-server exited (${signal ?? code}) before ${what}:\n${buf.slice(-3000)}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${buf.slice(-3000)}`));
    }, timeoutMs);
    function done() {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });
}

/**
 * Prepares the per-run folder, installs the .vsix and starts code-server.
 * Returns the run handle: { id, dir, port, baseUrl, workspace, env, log, ... }; stop it with stopRun().
 */
export async function startCodeServer({
  version,
  workspace,
  vsix,
  copyWorkspace = true,
  prepareWorkspace,
  workspaceTrust = false,
  settings = {},
  env: extraEnv = {},
  log = prefixLog(version),
  onRun,
}) {
  const cs = installedCodeServer(version);
  if (!cs) throw new Error(`code-server ${version} is not installed: run node test/e2e/install.mjs ${version}`);
  installSignalHandlers();

  const id = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `prs-e2e-${version}-`));
  const run = {
    id,
    dir,
    version,
    log,
    serverPid: undefined,
    serverAlive: () => false,
    context: undefined,
    stopped: undefined,
  };
  activeRuns.add(run);
  onRun?.(run); // lets a caller's timeout stop a run that is still starting
  const alive = () => {
    if (run.stopped) throw new Error('run stopped while starting');
  };
  try {
    const sub = (...p) => {
      const d = path.join(dir, ...p);
      fs.mkdirSync(d, { recursive: true, mode: 0o700 });
      return d;
    };
    const env = {
      ...process.env,
      ...extraEnv,
      E2E_RUN_ID: id,
      HOME: sub('home'),
      XDG_CONFIG_HOME: sub('home', '.config'),
      XDG_DATA_HOME: sub('home', '.local', 'share'),
      XDG_CACHE_HOME: sub('home', '.cache'),
      XDG_RUNTIME_DIR: sub('runtime'),
      TMPDIR: sub('tmp'),
      PATH: `${path.dirname(cs.nodeBin)}${path.delimiter}${process.env.PATH}`,
    };
    // The workbench checks the gallery for built-in extension updates (open-vsx.org by default):
    // keep even that attempt on loopback (port 9 refuses at once); --install-extension of a .vsix
    // does not need a gallery.
    if (!env.EXTENSIONS_GALLERY) {
      const dead = 'http://127.0.0.1:9';
      env.EXTENSIONS_GALLERY = JSON.stringify({
        serviceUrl: `${dead}/gallery`,
        itemUrl: `${dead}/item`,
        resourceUrlTemplate: `${dead}/{publisher}/{name}/{version}/{path}`,
        extensionUrlTemplate: `${dead}/{publisher}/{name}/{version}`,
      });
    }
    // Don't leak the parent's VS Code / code-server / npm session into the tested one.
    for (const k of Object.keys(env)) {
      if (/^(VSCODE_|ELECTRON_RUN_AS_NODE$|CODE_SERVER_|npm_)/.test(k)) delete env[k];
    }
    const userDataDir = sub('user');
    const extensionsDir = sub('exts');
    sub('user', 'User');
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...USER_SETTINGS, ...(workspaceTrust ? TRUST_SETTINGS : {}), ...settings }, null, 2),
    );
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(config, 'auth: none\ncert: false\n');
    env.E2E_EXTENSIONS_DIR = extensionsDir;
    // Where VS Code writes its logs (output channels included): the suite reads the extension's own.
    env.E2E_LOGS_DIR = path.join(userDataDir, 'logs');

    let ws = path.resolve(workspace);
    if (copyWorkspace) {
      const copy = path.join(dir, 'workspace');
      fs.cpSync(ws, copy, { recursive: true });
      ws = copy;
    }
    // lets a caller write per-run files (a port in settings.json, ...) into the workspace copy
    if (prepareWorkspace) await prepareWorkspace(ws);
    env.E2E_WORKSPACE = ws;
    run.workspace = ws;
    run.extensionsDir = extensionsDir;
    run.userDataDir = userDataDir;
    run.env = env;

    const common = [
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      // workspaceTrust: true leaves Workspace Trust on: the folder then opens in Restricted Mode
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--config',
      config,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
    ];

    if (vsix) {
      const t0 = Date.now();
      const r = await capture(cs.nodeBin, [cs.entry, ...common, '--install-extension', path.resolve(vsix)], {
        env,
        timeoutMs: 120_000,
      });
      const out = r.output;
      if (r.code !== 0 || !/successfully installed/i.test(out)) {
        throw new Error(`--install-extension ${vsix} failed (${r.code ?? r.signal}):\n${out}`);
      }
      alive();
      log(
        `installed ${path.relative(REPO_ROOT, path.resolve(vsix))} in ${Date.now() - t0} ms: ${out.trim().split('\n').pop()}`,
      );
    }

    const port = await freePort();
    alive();
    const args = [cs.entry, '--bind-addr', `127.0.0.1:${port}`, ...common];
    // VS Code >= 1.1xx's built workbench ignores the test `payload` unless the smoke-test driver
    // is enabled; code-server refuses unknown flags but passes --vscode-option through.
    const minor = Number(version.split('.')[1]);
    if (minor >= 139 || process.env.E2E_SMOKE_DRIVER) args.push('--vscode-option', 'enable-smoke-test-driver');

    const logFile = path.join(dir, 'code-server.log');
    run.serverLog = fs.createWriteStream(logFile);
    run.serverLogFile = logFile;
    const t0 = Date.now();
    const child = spawn(cs.nodeBin, args, { env, cwd: ws, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    run.serverPid = child.pid;
    let exited = false;
    child.on('exit', () => (exited = true));
    run.serverAlive = () => {
      if (!exited) return true;
      // the leader is gone; is anything left in its group?
      try {
        process.kill(-child.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    run.serverTail = [];
    const keep = (d) => {
      run.serverLog.write(d);
      for (const line of d.toString().split('\n')) {
        if (!line) continue;
        run.serverTail.push(line);
        if (run.serverTail.length > 200) run.serverTail.shift();
        if (verbose) log(`[code-server] ${line}`);
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    await waitForOutput(child, /HTTP server listening on (\S+)/, 60_000, 'HTTP server listening');
    alive();
    run.port = port;
    run.baseUrl = `http://127.0.0.1:${port}`;
    log(`code-server ${version} listening on ${run.baseUrl} after ${Date.now() - t0} ms (Node ${cs.nodeBin})`);
    return run;
  } catch (err) {
    await stopRun(run);
    throw err;
  }
}

/** The workbench URL; with testsPath, the payload that makes the extension host run the suite. */
export function workbenchUrl(run, { testsPath, extensionDevelopmentPath } = {}) {
  const remote = (p) => `vscode-remote://127.0.0.1:${run.port}${path.resolve(p)}`;
  const params = new URLSearchParams({ folder: run.workspace });
  if (testsPath) {
    const payload = [
      // The extension host refuses to run tests without a development path. It points at the
      // suite's own folder (no package.json there), so the extension that runs is the installed .vsix.
      ['extensionDevelopmentPath', remote(extensionDevelopmentPath ?? path.dirname(path.resolve(testsPath)))],
      ['extensionTestsPath', remote(testsPath)],
      ['skipWelcome', 'true'],
    ];
    params.set('payload', JSON.stringify(payload));
  }
  return `${run.baseUrl}/?${params}`;
}

/** Launches Debian's chromium (never a downloaded browser) with a per-run profile. */
export async function launchChromium(run, { viewport = { width: 1280, height: 800 } } = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(path.join(run.dir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: run.env,
    viewport,
    // this module handles the signals, so that code-server is stopped too
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  run.context = context;
  if (run.stopped) {
    await context.close().catch(() => {});
    throw new Error('run stopped while chromium started');
  }
  return context;
}

/**
 * One whole run: start code-server, install the .vsix, open the workbench in chromium, run the suite
 * (and/or the onPage hook), stop everything. Resolves { exitCode, timedOut, ms }; never leaves a process.
 */
export async function runCodeServer({
  version,
  workspace,
  vsix,
  testsPath,
  extensionDevelopmentPath,
  onPage,
  timeoutMs = Number(process.env.E2E_TIMEOUT_MS) || 300_000,
  settings,
  prepareWorkspace,
  workspaceTrust,
  onLog,
  env,
  forbiddenInLogs = [],
  log = prefixLog(version),
}) {
  const t0 = Date.now();
  let run;
  let timer;
  let timedOut = false;
  let exitCode = 1;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const work = (async () => {
      await startCodeServer({
        version,
        workspace,
        vsix,
        settings,
        env,
        log,
        prepareWorkspace,
        workspaceTrust,
        onRun: (r) => (run = r),
      });
      const context = await launchChromium(run);
      const page = context.pages()[0] ?? (await context.newPage());
      let resolveExit;
      const exited = new Promise((r) => (resolveExit = r));
      await page.exposeFunction('codeAutomationLog', (type, args) => {
        const text = util.format(...(Array.isArray(args) ? args : [args]));
        for (const line of text.split('\n')) {
          process.stdout.write(`  ${line}\n`);
          try {
            onLog?.(line);
          } catch {}
        }
      });
      await page.exposeFunction('codeAutomationExit', (code) => {
        log(
          `extension host finished the suite: codeAutomationExit(${code}) after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
        resolveExit(Number(code));
      });
      page.on('pageerror', (err) => verbose && log(`[page error] ${err.message}`));
      page.on('console', (msg) => {
        // (the workbench's own log already arrives through codeAutomationLog)
        if (verbose) log(`[console.${msg.type()}] ${msg.text()}`);
      });
      const url = workbenchUrl(run, { testsPath, extensionDevelopmentPath });
      if (verbose) log(`opening ${url}`);
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
      // suiteDone: resolves with the suite's exit code (a hook that runs beside the suite ends with it)
      const info = {
        port: run.port,
        baseUrl: run.baseUrl,
        workspace: run.workspace,
        runDir: run.dir,
        run,
        log,
        suiteDone: exited,
      };
      if (testsPath) {
        const hook = onPage ? Promise.resolve().then(() => onPage(page, info)) : Promise.resolve();
        const [code] = await Promise.all([exited, hook]);
        return code;
      }
      if (!onPage) throw new Error('nothing to do: give testsPath and/or onPage');
      await onPage(page, info);
      return 0;
    })();
    work.catch(() => {}); // handled below; avoids an unhandled rejection if the timeout wins
    const outcome = await Promise.race([work, timeout]);
    if (outcome === 'timeout') {
      log(`TIMEOUT: no result after ${timeoutMs / 1000} s`);
      exitCode = 1;
    } else {
      exitCode = outcome;
    }
  } catch (err) {
    log(`FAILED: ${err.stack ?? err}`);
    exitCode = 1;
  } finally {
    clearTimeout(timer);
    if (run && forbiddenInLogs.length && run.userDataDir) {
      // Every log VS Code wrote in this run (output channels, extension host, language server).
      const logs = path.join(run.userDataDir, 'logs');
      const leaks = scanFiles(logs, forbiddenInLogs);
      // The scan must see this extension's own lines, or it proves nothing.
      const ours = scanFiles(logs, ['php-redis-sessions']);
      if (leaks.found.length) {
        log(`SECRET IN LOGS: ${leaks.found.join(', ')}`);
        exitCode = 1;
      } else if (!ours.found.length) {
        log(`the ${leaks.files} log files hold no line of php-redis-sessions: the secret scan saw nothing`);
        exitCode = 1;
      } else log(`no secret in ${leaks.files} log files (${ours.found.length} of them from php-redis-sessions)`);
    }
    if (run) {
      if (exitCode !== 0 && run.serverTail?.length) {
        log(`last lines of code-server's output:\n    ${run.serverTail.slice(-40).join('\n    ')}`);
      }
      await stopRun(run);
    }
  }
  const ms = Date.now() - t0;
  log(
    `${exitCode === 0 ? 'PASSED' : 'FAILED'} (exit ${exitCode}${timedOut ? ', timeout' : ''}) in ${(ms / 1000).toFixed(1)} s`,
  );
  return { exitCode, timedOut, ms };
}

// ---------------------------------------------------------------------------------------------

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = util.parseArgs({
    options: {
      version: { type: 'string', default: '4.100.3' },
      workspace: { type: 'string', default: path.join(REPO_ROOT, 'test/fixtures/e2e-workspace') },
      // (what test/e2e/run.mjs packages)
      vsix: {
        type: 'string',
        default: path.join(
          REPO_ROOT,
          '.cache',
          'e2e',
          `php-redis-sessions-${JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version}.vsix`,
        ),
      },
      tests: { type: 'string', default: path.join(REPO_ROOT, 'out/e2e/suite/index.js') },
      timeout: { type: 'string' },
    },
  });
  const { exitCode } = await runCodeServer({
    version: values.version,
    workspace: values.workspace,
    vsix: values.vsix,
    testsPath: values.tests,
    timeoutMs: values.timeout ? Number(values.timeout) * 1000 : undefined,
  });
  process.exit(exitCode);
}

/** Files below `dir` (recursively) that contain any of `needles`, and how many files were read. */
function scanFiles(dir, needles) {
  const found = [];
  let files = 0;
  const walk = (d) => {
    let entries = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        files++;
        const text = fs.readFileSync(p, 'latin1');
        for (const n of needles) if (text.includes(n)) found.push(`${path.relative(dir, p)} (${n})`);
      }
    }
  };
  walk(dir);
  return { found, files };
}
