// Which files the linter reads, and as what: the one definition behind the language client's
// document selector, the server, the CLI and the workspace scans.
import type { DocumentKind } from './types.ts';

export interface LintedFile {
  /** A glob in VS Code's dialect (`**`, `*`, `{a,b}`), matched against a path with `/` separators. */
  readonly glob: string;
  readonly kind: DocumentKind;
}

/** In order: the first match decides the kind. */
export const LINTED_FILES: readonly LintedFile[] = [
  { glob: '**/composer.json', kind: 'composer' },
  { glob: '**/*.ini', kind: 'ini' },
  { glob: '**/.user.ini', kind: 'ini' },
  { glob: '**/php.ini-development', kind: 'ini' },
  { glob: '**/php.ini-production', kind: 'ini' },
  // php-fpm pools: only their php_value[...] / php_admin_value[...] lines reach PHP.
  { glob: '**/*.conf', kind: 'fpm' },
  // Laravel and Symfony: the environment files both read, and each framework's session settings.
  { glob: '**/.env', kind: 'dotenv' },
  { glob: '**/.env.*', kind: 'dotenv' },
  { glob: '**/config/session.php', kind: 'laravel-config' },
  { glob: '**/config/database.php', kind: 'laravel-config' },
  { glob: '**/config/cache.php', kind: 'laravel-config' },
  { glob: '**/config/packages/framework.yaml', kind: 'symfony-config' },
  { glob: '**/config/packages/framework.yml', kind: 'symfony-config' },
  { glob: '**/config/packages/*/framework.yaml', kind: 'symfony-config' },
  { glob: '**/config/packages/*/framework.yml', kind: 'symfony-config' },
  { glob: '**/config/services.yaml', kind: 'symfony-config' },
  { glob: '**/config/services.yml', kind: 'symfony-config' },
];

/** Every linted file as one glob (for `workspace.findFiles` and file watchers); VS Code globs do not nest braces. */
export const LINTED_GLOB = `{${LINTED_FILES.map((f) => f.glob).join(',')}}`;

/** Folders never worth scanning for configuration (dependencies, VCS data). */
export const EXCLUDED_DIRS: readonly string[] = ['vendor', 'node_modules', '.git'];
export const EXCLUDED_GLOB = `**/{${EXCLUDED_DIRS.join(',')}}/**`;

/** A glob of VS Code's dialect as a regular expression over a whole path (case-insensitive). */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

const MATCHERS = LINTED_FILES.map((f) => ({ re: globToRegExp(f.glob), kind: f.kind }));

/** The kind of document a path names, or undefined when the linter has nothing to say about it. */
export function documentKind(fileName: string): DocumentKind | undefined {
  const path = fileName.replace(/\\/g, '/');
  const kind = MATCHERS.find((m) => m.re.test(path))?.kind;
  // Symfony's `composer dump-env` writes `.env.local.php`: PHP, not a .env file. Editor backups too.
  if (kind === 'dotenv' && /\.(php|json|bak|swp|orig)$|~$/i.test(path)) return undefined;
  return kind;
}

/** The kinds whose findings may depend on other files of the project (the framework rules). */
export function isFrameworkKind(kind: DocumentKind): boolean {
  return kind === 'dotenv' || kind === 'laravel-config' || kind === 'symfony-config';
}
