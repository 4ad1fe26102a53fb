// The project around a linted framework file: which of its files the framework rules read, and
// what they say about dependencies (composer.json) and versions. The caller reads the files; this
// module only looks at the texts it is given.
import type { Node } from 'jsonc-parser';
import { objectAt, parseComposer, propertyOf } from '../composer.ts';
import { addRequire } from '../jsonEdits.ts';
import type { FileEdits, ProjectInput } from '../types.ts';

/** Project-relative paths the framework rules may read (the CLI and the server collect these). */
const PROJECT_FILE = [
  /^composer\.json$/,
  /^artisan$/,
  /^symfony\.lock$/,
  /^\.env(\.[A-Za-z0-9_.-]+)?$/,
  /^config\/(session|database|cache)\.php$/,
  /^config\/packages\/([^/]+\/)?framework\.ya?ml$/,
  /^config\/services\.ya?ml$/,
  /^Procfile$/,
  /^(scalingo|app)\.json$/,
  /^(docker-)?compose(\.[^/]+)?\.ya?ml$/,
  /^(k8s|kubernetes|kube|deploy|deployment|manifests|\.k8s|helm|charts)\/.+\.ya?ml$/,
];

/** The same files as VS Code globs: the client watches them and tells the server when they change. */
export const PROJECT_WATCH_GLOBS = [
  '**/composer.json',
  '**/artisan',
  '**/symfony.lock',
  '**/.env',
  '**/.env.*',
  '**/config/*.php',
  '**/config/**/*.yaml',
  '**/config/**/*.yml',
  '**/Procfile',
  '**/scalingo.json',
  '**/app.json',
  '**/*compose*.yml',
  '**/*compose*.yaml',
  '**/{k8s,kubernetes,kube,deploy,deployment,manifests,.k8s,helm,charts}/**',
];

/** Folders a project scan never enters. */
export const SKIPPED_DIRS = new Set(['vendor', 'node_modules', '.git', 'var', 'storage', 'public', 'tests', 'test']);

export function isProjectFile(relPath: string): boolean {
  if (/\.env\.local\.php$/.test(relPath)) return false;
  return PROJECT_FILE.some((re) => re.test(relPath));
}

export function projectText(project: ProjectInput, path: string): string | undefined {
  return project.files.get(path);
}

export interface ComposerDeps {
  text: string;
  root: Node | undefined;
  strict: boolean;
  require: Map<string, string>;
  requireDev: Map<string, string>;
}

function deps(obj: Node | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of obj?.children ?? []) {
    const k = p.children?.[0]?.value;
    const v = p.children?.[1]?.value;
    if (typeof k === 'string') out.set(k.toLowerCase(), typeof v === 'string' ? v : '');
  }
  return out;
}

export function composerOf(project: ProjectInput): ComposerDeps | undefined {
  const text = project.files.get('composer.json');
  if (text === undefined) return undefined;
  const c = parseComposer(text);
  return {
    text,
    root: c.root,
    strict: c.errors.length === 0,
    require: deps(objectAt(c.root, ['require'])),
    requireDev: deps(objectAt(c.root, ['require-dev'])),
  };
}

/** The fix that adds a package to composer.json's `require`, when composer.json is strict JSON. */
export function addRequirement(composer: ComposerDeps, name: string, constraint: string): FileEdits | undefined {
  if (!composer.strict || !composer.root) return undefined;
  if (propertyOf(objectAt(composer.root, ['require']), name)) return undefined;
  const edit = addRequire(composer.text, composer.root, name, constraint);
  return edit ? { path: 'composer.json', edits: [edit] } : undefined;
}

/** The major.minor a Composer constraint allows at least (`^11.0`, `~10.4`, `7.2.*`, `>=6.4`), if it names one. */
export function constraintVersion(constraint: string | undefined): { major: number; minor: number } | undefined {
  if (!constraint) return undefined;
  // The lowest bound of the first alternative is what a project was written against.
  const m = /(\d+)(?:\.(\d+|\*))?/.exec(constraint.split('||')[0]!);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: m[2] && m[2] !== '*' ? Number(m[2]) : 0 };
}

/** The project's directory of a linted path (`config/packages/prod/framework.yaml` → `config/packages/prod`). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
