// save_path query parameters: checks shared by the `redis` and `rediscluster` forms
// (unknown / duplicate keys, `+`, auth shapes, persistent spelling, committed passwords).
import type { ConfigLine } from '../configLine.ts';
import type { MaskedValue } from '../envMask.ts';
import { needsQuotes, quoteIniValue, type IniValue } from '../ini.ts';
import { lineEdit } from '../configLine.ts';
import type { QueryParam } from '../phpQuery.ts';
import { finding, fix, valueDocSpan, valueEdit, type RuleContext } from '../ruleContext.ts';
import type { SavePathAuth, Span } from '../savePath.ts';
import { hasFact, PHPREDIS_PARAMS, sinceText } from '../phpredisVersions.ts';
import { nearest } from '../suggest.ts';
import type { Fix, TextEdit } from '../types.ts';

/** Where a save_path lives: the value text PHP reads, and how to turn its spans into the document. */
export interface PathSite {
  ctx: RuleContext;
  line: ConfigLine;
  value: IniValue;
  /** The text the checks parse: value.text, with each expanded `${VAR}` stood in for by one char. */
  text: string;
  /** How `text` maps to value.text when it has stand-ins (none: the same text). */
  masked?: MaskedValue;
}

function valueSpanOfSite(site: PathSite, s: Span): Span {
  const m = site.masked;
  return m ? { start: m.toValue(s.start), end: m.toValue(s.end) } : s;
}

export function at(site: PathSite, s: Span): Span {
  const v = valueSpanOfSite(site, s);
  return valueDocSpan(site.line, site.value, v.start, v.end);
}

export function edit(site: PathSite, s: Span, newText: string): TextEdit {
  const v = valueSpanOfSite(site, s);
  const value = site.value;
  const after = value.text.slice(0, v.start) + newText + value.text.slice(v.end);
  // An unquoted value that would need quotes, or a concatenation of quoted parts: rewrite it whole,
  // quoted, so the result is one value PHP reads as written.
  if (value.quote === 'mixed' || (value.quote === 'none' && needsQuotes(after))) {
    return lineEdit(site.line, value.span.start, value.span.end, quoteIniValue(after));
  }
  return valueEdit(site.line, site.value, v.start, v.end, newText);
}

/** Sets a parameter's value: `key=old` → `key=value`, and `key` (no `=`) → `key=value`. */
export function setValueEdit(site: PathSite, p: QueryParam, value: string): TextEdit {
  return p.valueSpan ? edit(site, p.valueSpan, value) : edit(site, { start: p.span.end, end: p.span.end }, `=${value}`);
}

/** Removes one `key=value` pair with one adjacent separator (or the `?` when it was the only pair). */
export function removeParamEdit(site: PathSite, p: QueryParam): TextEdit {
  const t = site.text;
  let { start, end } = p.span;
  if (t[end] === '&') end++;
  else if (t[start - 1] === '&' || t[start - 1] === '?') start--;
  return edit(site, { start, end }, '');
}

// Keys people write for a phpredis parameter (phpredis silently ignores them).
const RENAMES: Record<string, string> = {
  password: 'auth',
  pass: 'auth',
  passwd: 'auth',
  pwd: 'auth',
  requirepass: 'auth',
  db: 'database',
  dbindex: 'database',
  db_index: 'database',
  select: 'database',
  connect_timeout: 'timeout',
  connection_timeout: 'timeout',
  readtimeout: 'read_timeout',
};

const CREDENTIAL_KEYS = ['password', 'pass', 'passwd', 'pwd', 'requirepass'];

export function checkUnknownParams(
  site: PathSite,
  params: readonly QueryParam[],
  known: readonly string[],
  handler: 'redis' | 'rediscluster',
): void {
  const hasAuth = params.some((p) => p.name === 'auth' && !p.ignored);
  const version = site.ctx.phpredis;
  for (const p of params) {
    if (p.ignored === 'empty-name') continue;
    const fact = PHPREDIS_PARAMS[handler][p.name];
    if (known.includes(p.name) && fact && !hasFact(fact, version)) {
      // A parameter a later phpredis reads: the release judged for ignores it.
      ctx(site).report(
        finding(
          'unknown-param',
          at(site, p.keySpan),
          `phpredis ${version}'s ${handler} handler ignores "${p.rawKey}": it reads ${p.name} since ${sinceText(fact)}. Judged for phpredis ${version} (phpRedisSessions.phpredisVersion, or composer.json's ext-redis constraint).`,
        ),
      );
      continue;
    }
    if (known.includes(p.name)) continue;
    const guess =
      RENAMES[p.name.toLowerCase()] ?? known.find((k) => k === p.name.toLowerCase()) ?? nearest(p.name, known, 2);
    const hint =
      p.name.toLowerCase() === 'user' || p.name.toLowerCase() === 'username'
        ? ' For an ACL user write auth[]=user&auth[]=password.'
        : p.name.toLowerCase() === 'ssl' || p.name.toLowerCase() === 'tls'
          ? ' For TLS use a tls:// URL.'
          : '';
    const keyBase = { start: p.keySpan.start, end: p.keySpan.start + p.rawKey.replace(/\[.*$/, '').length };
    ctx(site).report(
      finding(
        'unknown-param',
        at(site, p.keySpan),
        `phpredis's ${handler} handler ignores "${p.rawKey}"${guess ? `: did you mean "${guess}"?` : '.'}${hint}`,
        guess && site.text.slice(keyBase.start, keyBase.end) !== guess
          ? [fix(`Rename to ${guess}`, [edit(site, keyBase, guess)])]
          : [],
        undefined,
        // A password under a key phpredis ignores, and no auth: it connects without AUTH.
        !hasAuth && CREDENTIAL_KEYS.includes(p.name.toLowerCase()) ? 'error' : undefined,
      ),
    );
  }
}

/** Scalar parameters given as arrays (`prefix[]=x`): PHP reads "Array" or 1, with a warning. */
export function checkArrayScalars(site: PathSite, params: readonly QueryParam[], scalars: readonly string[]): void {
  for (const p of params) {
    // Only the value PHP keeps matters: a later `prefix=x` replaces an earlier `prefix[]=a`.
    if (p.ignored || !p.path.length || !scalars.includes(p.name) || lastParam(params, p.name) !== p) continue;
    // A string setting becomes "Array" with a warning on every request; a number reads as 1.
    const stringSetting = p.name === 'prefix' || p.name === 'persistent_id' || p.name === 'failover';
    ctx(site).report(
      finding(
        'invalid-param-value',
        at(site, p.keySpan),
        stringSetting
          ? `"${p.rawKey}" makes ${p.name} an array: phpredis uses the string "Array" and PHP warns "Array to string conversion" on every request. Write ${p.name}=value.`
          : `"${p.rawKey}" makes ${p.name} an array, which phpredis reads as 1. Write ${p.name}=value.`,
        [],
        undefined,
        stringSetting ? 'error' : undefined,
      ),
    );
  }
}

function ctx(site: PathSite): RuleContext {
  return site.ctx;
}

export function checkDuplicateParams(site: PathSite, params: readonly QueryParam[]): void {
  const byName = new Map<string, QueryParam[]>();
  for (const p of params) {
    if (p.ignored || p.path.length > 0) continue; // arrays (auth[], seed[]) append, they do not override
    byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  }
  for (const [name, list] of byName) {
    if (list.length < 2) continue;
    // One finding on the value phpredis keeps; its fix removes every earlier one.
    const later = list[list.length - 1];
    const earlier = list.slice(0, -1);
    ctx(site).report(
      finding(
        'duplicate-param',
        at(site, later.span),
        `"${name}" is given ${list.length === 2 ? 'twice' : `${list.length} times`}: phpredis uses this last value.`,
        [
          fix(
            earlier.length === 1 ? 'Remove the earlier one' : 'Remove the earlier ones',
            earlier.map((p) => removeParamEdit(site, p)),
          ),
        ],
        earlier.map((p) => ({ ...at(site, p.span), message: `earlier ${name}, ignored` })),
      ),
    );
  }
}

export function checkPlus(site: PathSite, params: readonly QueryParam[]): void {
  for (const p of params) {
    if (!p.valueSpan || p.rawValue === null || !p.rawValue.includes('+')) continue;
    const i = p.rawValue.indexOf('+');
    const where = { start: p.valueSpan.start + i, end: p.valueSpan.start + i + 1 };
    const encoded = p.rawValue.replace(/\+/g, '%2B');
    ctx(site).report(
      finding(
        'plus-in-value',
        at(site, where),
        `PHP decodes "+" in "${p.name}" as a space: write %2B for a literal plus.`,
        [fix('Percent-encode "+" as %2B', [edit(site, p.valueSpan, encoded)])],
      ),
    );
  }
}

/** The last param that set `name` (what PHP keeps). */
export function lastParam(params: readonly QueryParam[], name: string): QueryParam | undefined {
  for (let i = params.length - 1; i >= 0; i--) if (params[i].name === name && !params[i].ignored) return params[i];
  return undefined;
}

export function valueSpanOf(p: QueryParam): Span {
  return p.valueSpan ?? { start: p.span.end, end: p.span.end };
}

export function checkAuth(site: PathSite, params: readonly QueryParam[], auth: SavePathAuth): void {
  const authParams = params.filter((p) => p.name === 'auth' && !p.ignored);
  // auth=… and auth[…]=… together: each form replaces the other, so credentials get lost.
  const firstScalar = authParams.findIndex((p) => p.path.length === 0);
  const firstArray = authParams.findIndex((p) => p.path.length > 0);
  if (firstScalar >= 0 && firstArray >= 0) {
    const later = authParams[Math.max(firstScalar, firstArray)];
    const earlier = authParams[Math.min(firstScalar, firstArray)];
    // Whichever form comes last replaces the other; an auth[] array left without a password is
    // auth-array-size's error, so this stays a warning.
    const arrayWins = authParams[authParams.length - 1].path.length > 0;
    ctx(site).report(
      finding(
        'duplicate-param',
        at(site, later.span),
        arrayWins
          ? 'auth is given both as auth=… and as auth[…]=…: the auth[…] array replaces auth=…. Keep one form.'
          : 'auth is given both as auth[…]=… and as auth=…: the later auth=… replaces the array. Keep one form.',
        [],
        [{ ...at(site, earlier.span), message: 'the other form' }],
      ),
    );
  }
  // auth-array-size covers every auth param, first to last.
  const arrayProblem = (message: string): void => {
    const first = authParams[0];
    const last = authParams[authParams.length - 1];
    if (first && last)
      ctx(site).report(finding('auth-array-size', at(site, { start: first.span.start, end: last.span.end }), message));
  };
  if (auth.kind === 'array-size') {
    arrayProblem(
      `auth[] has ${auth.count} elements: phpredis wants one (password) or two (user, password), warns "When passing an array as auth it must have one or two elements!" and sends no AUTH.`,
    );
    return;
  }
  // Only what PHP keeps counts: a later `auth=x` replaces an earlier auth[] array.
  const lastScalar = authParams.map((p) => p.path.length === 0).lastIndexOf(true);
  const nested = authParams.slice(lastScalar + 1).find((p) => p.path.length > 1);
  if (auth.kind === 'array-no-password' || nested) {
    arrayProblem(
      nested
        ? 'auth[][] nests an array inside auth: phpredis sends "Array" as the password. Write auth=password or auth[]=user&auth[]=password.'
        : 'This auth[] array has no password (auth[pass], or the last of one or two auth[] values): phpredis sends no AUTH. Write auth[]=user&auth[]=password.',
    );
    return;
  }
  if (auth.kind === 'password' && auth.password === '') {
    const p = lastParam(params, 'auth');
    if (p) {
      ctx(site).report(
        finding(
          'empty-auth',
          at(site, p.span),
          'auth is empty: phpredis sends AUTH "" and the connection fails. Remove it or give the password.',
          [fix('Remove the empty auth', [removeParamEdit(site, p)])],
        ),
      );
    }
    return;
  }
  if (auth.kind === 'password' || auth.kind === 'user-password') {
    const p = authParams[authParams.length - 1];
    const v = p?.rawValue ?? '';
    // A `${VAR}`, or the stand-in the check reads in its place, is no password written in the file.
    if (p?.valueSpan && v && !/^\$\{.*\}$/.test(v) && !site.masked?.overlapsStandIn(p.valueSpan)) {
      ctx(site).report(
        finding(
          'hardcoded-credentials',
          at(site, p.valueSpan),
          'A Redis password is written in this file (and PHP prints the whole save_path, password included, in its session errors). Keep it out of the repository: put the complete save_path in an environment variable and write session.save_path = "${REDIS_SESSION_PATH}" (double quotes, so PHP expands it).',
        ),
      );
    }
  }
}

const BOOL_SPELLINGS = ['0', '1', 'true', 'false', 'yes', 'no'];

export function checkPersistent(site: PathSite, params: readonly QueryParam[]): void {
  const p = lastParam(params, 'persistent');
  if (!p || p.path.length || BOOL_SPELLINGS.includes(p.value.toLowerCase())) return;
  const meant = ['on', 'enabled', 'enable', 'y', 'active', '2'].includes(p.value.toLowerCase());
  const fixes: Fix[] = meant ? [fix('Write persistent=1', [setValueEdit(site, p, '1')])] : [];
  ctx(site).report(
    finding(
      'invalid-param-value',
      at(site, p.span),
      `persistent="${p.value}" means false to phpredis: only 1, true and yes turn it on (write 0, 1, true, false, yes or no).`,
      fixes,
    ),
  );
}
