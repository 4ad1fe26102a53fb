// Extension activation (< 30 ms; evaluating the activation bundle ≤ 5 ms) and package size
// (.vsix < 1.5 MB). The client is three bundles: extension.js (what activation evaluates),
// languageClient.js (required right after activate() returns) and sessionsView.js (first use of the
// view or a command).
//  - Sizes: the repo's own `node esbuild.mjs --production`, run in a scratch copy of the tree (so
//    the shared dist/ of a developer or a running e2e suite is not overwritten), then `vsce package`
//    there for the .vsix size.
//  - Activation, approximation: in a fresh node process per sample, require() of the production
//    dist/extension.js plus its activate() with a stub `vscode` module (every API a no-op). This is
//    code loading + the activate call, which is what VS Code's "Show Running Extensions" reports as
//    activation time, minus the extension host's own overhead. Labelled as an approximation.
//  - Activation, real VS Code: the e2e run (test/e2e/run.mjs) writes
//    test-results/e2e-activation.json = { "activationMs": <slowest run>, "vscode": "<versions>" } (from
//    the extension host's activation times); when that file exists this bench reports it too.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { productionBuild, root } from './build.ts';
import { bytes, isMain, median, ms, printRows, type Row } from './common.ts';

const SAMPLES = 9;

/** Every top-level export of the `vscode` API (from @types/vscode), for the stub module. */
function vscodeApiNames(): string[] {
  const dts = readFileSync(join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  return [
    ...new Set(Array.from(dts.matchAll(/^\texport (?:class|enum|namespace|const|let|function) (\w+)/gm), (m) => m[1]!)),
  ];
}

/** Requires dist/extension.js with a stub vscode and calls activate(); prints JSON timings. */
const ACTIVATE_PROBE = String.raw`
const Module = require('node:module');
const path = require('node:path');
const t0 = process.hrtime.bigint();
const noop = () => {};
const disposable = { dispose: noop };
// A stub where every property is another stub, every call returns one, and promises resolve.
function stub(name) {
  const fn = function () { return stub(name + '()'); };
  return new Proxy(fn, {
    get(_t, p) {
      if (p === 'then') return undefined;
      if (p === 'dispose') return noop;
      if (p === Symbol.toPrimitive) return () => name;
      if (p === 'event' || p === 'onDidChange') return () => disposable;
      return stub(name + '.' + String(p));
    },
    construct() { return stub('new ' + name); },
  });
}
// esbuild's __toESM copies the module's own keys: give the stub every name of the real API.
const vscode = {};
for (const name of JSON.parse(process.env.VSCODE_API_NAMES || '[]')) vscode[name] = stub('vscode.' + name);
vscode.version = '1.100.0';
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return vscode;
  return load.apply(this, arguments);
};
const extPath = process.argv[2];
const tRequire0 = process.hrtime.bigint();
const ext = require(path.join(extPath, 'dist', 'extension.js'));
const tRequire1 = process.hrtime.bigint();
const context = {
  subscriptions: [],
  extensionPath: extPath,
  extensionUri: stub('uri'),
  asAbsolutePath: (p) => path.join(extPath, p),
  globalState: { get: () => undefined, update: async () => {}, keys: () => [], setKeysForSync: noop },
  workspaceState: { get: () => undefined, update: async () => {}, keys: () => [] },
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => disposable },
  environmentVariableCollection: stub('env'),
  extensionMode: 1,
  logUri: stub('logUri'), storageUri: undefined, globalStorageUri: stub('gs'),
  extension: { id: 'php-redis-sessions.php-redis-sessions', packageJSON: require(path.join(extPath, 'package.json')) },
};
let error = null;
const tAct0 = process.hrtime.bigint();
try { ext.activate(context); } catch (e) { error = String(e && e.message || e); }
const tAct1 = process.hrtime.bigint();
const msOf = (a, b) => Number(b - a) / 1e6;
process.stdout.write(JSON.stringify({ requireMs: msOf(tRequire0, tRequire1), activateMs: msOf(tAct0, tAct1), error }) + '\n');
process.exit(0);
`;

export async function runActivationBench(): Promise<Row[]> {
  const rows: Row[] = [];
  const buildDir = productionBuild();
  {
    const dist = join(buildDir, 'dist');
    const size = (f: string): number => statSync(join(dist, f)).size;
    const gz = (f: string): number => gzipSync(readFileSync(join(dist, f))).length;
    const roles: Record<string, string> = {
      'extension.js': 'evaluated at activation',
      'languageClient.js': 'after activate() returns',
      'sessionsView.js': 'on first use of the view',
      'server.js': 'language server process',
      'cli.js': 'command line',
    };
    for (const [f, role] of Object.entries(roles)) {
      rows.push({
        what: `bundle dist/${f}, ${role} (production, minified)`,
        ours: `${bytes(size(f))} (${bytes(gz(f))} gzip)`,
      });
    }
    const vsixPath = join(buildDir, 'bench.vsix');
    // vsce runs vscode:prepublish (the same production build) in the scratch copy.
    const vsce = spawnSync(
      process.execPath,
      [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsixPath],
      {
        cwd: buildDir,
        encoding: 'utf8',
        input: 'y\n',
      },
    );
    if (vsce.status === 0 && existsSync(vsixPath)) {
      const n = statSync(vsixPath).size;
      rows.push({
        what: '.vsix package (vsce package)',
        ours: bytes(n),
        budget: '< 1.5 MB',
        met: n < 1.5 * 1024 * 1024,
      });
    } else {
      rows.push({
        what: '.vsix package (vsce package)',
        ours: `not measured: vsce failed (${(vsce.stderr || vsce.stdout).trim().split('\n').slice(-1)[0]})`,
        budget: '< 1.5 MB',
      });
    }

    const probe = join(buildDir, 'activate-probe.cjs');
    writeFileSync(probe, ACTIVATE_PROBE);
    const names = vscodeApiNames();
    const samples: { requireMs: number; activateMs: number; error: string | null }[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const r = spawnSync(process.execPath, [probe, buildDir], {
        encoding: 'utf8',
        env: { ...process.env, VSCODE_API_NAMES: JSON.stringify(names) },
      });
      if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
      samples.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
    }
    const req = median(samples.map((s) => s.requireMs));
    const act = median(samples.map((s) => s.activateMs));
    const err = samples.find((s) => s.error)?.error;
    rows.push({
      what: `activation, approximation: require(dist/extension.js) + activate() with a stub vscode, fresh node process, median of ${SAMPLES}`,
      ours: `${ms(req + act)} (require ${ms(req)}, activate ${ms(act)})${err ? `; activate threw with the stub: ${err}` : ''}`,
      budget: '< 30 ms',
      met: req + act < 30,
    });
  }
  // The real activation time, written by the last e2e run (test/e2e/run.mjs): the slowest of its runs.
  const e2e = join(root, 'test-results', 'e2e-activation.json');
  if (existsSync(e2e)) {
    const { activationMs, loadMs, vscode } = JSON.parse(readFileSync(e2e, 'utf8')) as {
      activationMs: number;
      loadMs?: number;
      vscode?: string;
    };
    rows.push({
      what: `activation in code-server ${vscode ?? ''} (from the e2e run, the slowest)`,
      ours: ms(activationMs),
      budget: '< 30 ms',
      met: activationMs < 30,
    });
    if (loadMs !== undefined)
      rows.push({
        what: `of which evaluating dist/extension.js (from the e2e run, the slowest)`,
        ours: ms(loadMs),
        budget: '≤ 5 ms',
        met: loadMs <= 5,
      });
  } else {
    rows.push({
      what: 'activation in a real VS Code (from the e2e run)',
      ours: 'not measured yet: run npm run test:e2e first',
      budget: '< 30 ms',
    });
  }
  return rows;
}

if (isMain(__filename)) {
  void runActivationBench().then((rows) => printRows('Activation and package', rows));
}
