// Real PHP (and php-fpm) loading a linted document, reduced to what the linter's findings and fixes are judged
// by: every directive's value (ini_get_all(), or each pool's php_value / php_admin_value and settings for php-fpm),
// the loaded extensions, error_reporting(), and the messages PHP printed (line numbers left out, so a fix that
// removes a line does not make an old message look new).
import { composerPhpConfig, phpIniLoadMany, type PhpIniInput, type PhpIniResult } from '../helpers/phpIni.ts';
import { fpmConfigTestMany, type FpmResult } from '../helpers/phpFpm.ts';
import type { DocumentKind } from '../../server/src/core/types.ts';

/** How a document reaches PHP: a whole php.ini, a conf.d fragment, composer.json's php-config, a php-fpm pool. */
export type LoadAs = 'php-ini' | 'conf-d' | 'composer' | 'fpm';

export interface Loaded {
  /** PHP started and printed its result (php-fpm: its config test succeeded). */
  readonly ok: boolean;
  /** Directive → value. php-fpm: `pool/php_value[name]`, `pool/php_admin_value[name]`, `pool/setting`. */
  readonly values: Readonly<Record<string, string | null>>;
  readonly extensions: readonly string[];
  readonly errorReporting: number;
  /** What PHP printed, line numbers out. */
  readonly messages: readonly string[];
  /** What PHP printed, as printed. */
  readonly raw: readonly string[];
}

export function lintKind(as: LoadAs): DocumentKind {
  return as === 'fpm' ? 'fpm' : as === 'composer' ? 'composer' : 'ini';
}

/** The line numbers and temporary names in a message of PHP or php-fpm left out. */
export function normalizeMessage(m: string): string {
  return m
    .replace(/\bon line \d+/g, 'on line N')
    .replace(/\bat line \d+/g, 'at line N')
    .replace(/\[<ini>\/pool\.conf:\d+\]/g, '[pool.conf:N]')
    .replace(/^\[[^\]]*\] /, '');
}

function fromPhp(r: PhpIniResult): Loaded {
  return {
    ok: r.ok,
    values: r.ini,
    extensions: [...r.extensions, ...r.zendExtensions.map((z) => `zend:${z}`)],
    errorReporting: r.errorReporting,
    messages: r.messages.map(normalizeMessage),
    raw: r.messages,
  };
}

function fromFpm(r: FpmResult): Loaded {
  const values: Record<string, string> = {};
  for (const [pool, p] of Object.entries(r.pools)) {
    for (const [k, v] of Object.entries(p.settings)) values[`${pool}/${k}`] = v;
    for (const [k, v] of Object.entries(p.phpValue)) values[`${pool}/php_value[${k}]`] = v;
    for (const [k, v] of Object.entries(p.phpAdminValue)) values[`${pool}/php_admin_value[${k}]`] = v;
  }
  for (const [k, v] of Object.entries(r.global)) values[`global/${k}`] = v;
  return {
    ok: r.ok,
    values,
    extensions: [],
    errorReporting: 0,
    messages: r.messages.map(normalizeMessage),
    raw: r.messages,
  };
}

/** What PHP is given for a document's text. */
export function phpInput(as: Exclude<LoadAs, 'fpm'>, text: string, name = 'fragment.ini'): PhpIniInput {
  if (as === 'php-ini') return { phpIni: text };
  if (as === 'conf-d') return { confD: [{ name, text }] };
  return { phpConfig: composerPhpConfig(text).lines ?? [] };
}

/** Loads many documents, PHP and php-fpm runs several at a time; results in order. */
export async function loadMany(docs: readonly { as: LoadAs; text: string; name?: string }[]): Promise<Loaded[]> {
  const out = new Array<Loaded>(docs.length);
  const php = docs.flatMap((d, i) => (d.as === 'fpm' ? [] : [{ i, input: phpInput(d.as, d.text, d.name) }]));
  const fpm = docs.flatMap((d, i) => (d.as === 'fpm' ? [{ i, text: d.text }] : []));
  const [pr, fr] = await Promise.all([
    phpIniLoadMany(php.map((p) => p.input)),
    fpm.length ? fpmConfigTestMany(fpm.map((f) => f.text)) : Promise.resolve([]),
  ]);
  php.forEach((p, k) => (out[p.i] = fromPhp(pr[k]!)));
  fpm.forEach((f, k) => (out[f.i] = fromFpm(fr[k]!)));
  return out;
}

/** Keys whose value differs between two loads (present in either). */
export function changedValues(a: Loaded, b: Loaded): string[] {
  const keys = new Set([...Object.keys(a.values), ...Object.keys(b.values)]);
  return [...keys].filter((k) => a.values[k] !== b.values[k]).sort();
}

/** The directive a changed key is about: `www/php_admin_value[session.name]` → `session.name`. */
export function directiveOfKey(key: string): string {
  const arr = /\/php_(?:admin_)?value\[(.+)\]$/.exec(key);
  if (arr) return arr[1]!;
  const slash = key.indexOf('/');
  return slash >= 0 ? key.slice(slash + 1) : key;
}

/** Messages of `after` that `before` did not print (as many times). */
export function newMessages(before: Loaded, after: Loaded): string[] {
  const left = [...before.messages];
  const out: string[] = [];
  for (const m of after.messages) {
    const i = left.indexOf(m);
    if (i >= 0) left.splice(i, 1);
    else out.push(m);
  }
  return out;
}
