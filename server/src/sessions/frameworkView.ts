// A Laravel or Symfony session as the framework sees it — Laravel's `_token`, `_previous`,
// `_flash`, `login_<guard>_<sha1>`; Symfony's `_sf2_attributes`, `_symfony_flashes` (FlashBag's
// storage key since 3.0; `_sf2_flashes` before) and `_sf2_meta` (MetadataBag: c, u, l) with its
// timestamps as dates (symfony/symfony 7.2 src/Symfony/Component/HttpFoundation/Session/). Pure:
// values in, a presentation out.
import { decodeUtf8, deref, encodeUtf8, type PhpArray, type PhpArrayEntry, type PhpValue } from './phpValue.ts';
import { formatDottedPath } from './edit/setVariable.ts';
import type { SessionFramework } from './sessionFormats.ts';

/** Which framework a decoded session's variables belong to. */
export function detectFrameworkFromVariables(names: readonly string[]): SessionFramework | undefined {
  if (names.some((n) => n === '_sf2_attributes' || n === '_sf2_meta')) return 'symfony';
  if (names.includes('_token') || names.some((n) => /^login_\w+_[0-9a-f]{40}$/.test(n))) return 'laravel';
  return undefined;
}

/** One line of a framework's view of a session. */
export interface FrameworkField {
  /** The session variable (or path) it comes from. */
  name: string;
  /** What it is, in the framework's words. */
  label: string;
  value: PhpValue;
  /** A readable form when the raw value is not (a timestamp as a date). */
  display?: string;
}

export interface FrameworkView {
  framework: SessionFramework;
  /** The framework's own keys, explained. */
  fields: FrameworkField[];
  /** The application's own variables (Symfony: inside `_sf2_attributes`). */
  attributes: [name: string, value: PhpValue][];
  /** Each attribute's dotted path in the session (`_sf2_attributes.cart`; a `.` in a key escaped as `\.`). */
  attributePaths: string[];
  /** One line for a list: who, where from, when. */
  summary: string;
}

/** A key as one part of a dotted path (the `set` command's and the tree's). */
const pathPart = (key: string): string => formatDottedPath([key]);

const str = (v: PhpValue | undefined): string | undefined => {
  const d = v && deref(v);
  if (!d) return undefined;
  if (d.kind === 'string') return decodeUtf8(d.bytes);
  if (d.kind === 'int') return d.value.toString();
  return undefined;
};

function entry(v: PhpValue | undefined, key: string): PhpValue | undefined {
  const d = v && deref(v);
  return d?.kind === 'array' ? d.entries.find((e) => String(e.key) === key)?.value : undefined;
}

function keysOf(v: PhpValue | undefined): string[] {
  const d = v && deref(v);
  if (d?.kind !== 'array') return [];
  return d.entries.flatMap((e) => {
    const inner = deref(e.value);
    return inner.kind === 'array'
      ? inner.entries.map((x) => str(x.value) ?? String(x.key))
      : [str(e.value) ?? String(e.key)];
  });
}

/** sha1('Illuminate\Auth\SessionGuard'): SessionGuard::getName() is 'login_'.$guard.'_'.sha1(static::class). */
export const LARAVEL_SESSION_GUARD_SHA1 = '59ba36addc2b2f9401580f014c7f58ea4e30989d';

function presentLaravel(vars: [string, PhpValue][]): FrameworkView {
  const fields: FrameworkField[] = [];
  const attributes: [string, PhpValue][] = [];
  let user: string | undefined;
  let from: string | undefined;
  for (const [name, value] of vars) {
    const login = /^login_(\w+?)_([0-9a-f]{40})$/.exec(name);
    if (name === '_token') fields.push({ name, label: 'CSRF token', value });
    else if (name === '_previous') {
      from = str(entry(value, 'url'));
      fields.push({ name, label: 'Previous URL', value, ...(from !== undefined ? { display: from } : {}) });
    } else if (name === '_flash') {
      const old = keysOf(entry(value, 'old'));
      const fresh = keysOf(entry(value, 'new'));
      fields.push({
        name,
        label: 'Flash data',
        value,
        display: `new: ${fresh.join(', ') || '—'}; old (removed after this request): ${old.join(', ') || '—'}`,
      });
    } else if (login) {
      const id = str(value);
      const standard = login[2] === LARAVEL_SESSION_GUARD_SHA1;
      user ??= id !== undefined ? `user ${id} (${login[1]})` : undefined;
      fields.push({
        name,
        label: `Logged-in user id, guard "${login[1]}"${standard ? '' : ' (a custom guard class)'}`,
        value,
        ...(id !== undefined ? { display: id } : {}),
      });
    } else if (/^password_hash_\w+$/.test(name))
      fields.push({ name, label: `Password hash check, guard "${name.slice(14)}" (AuthenticateSession)`, value });
    else if (name === 'url' && entry(value, 'intended') !== undefined) {
      const intended = str(entry(value, 'intended'));
      fields.push({ name, label: 'Intended URL (after login)', value, ...(intended ? { display: intended } : {}) });
    } else attributes.push([name, value]);
  }
  const summary = [user ?? 'guest', from ? `from ${from}` : undefined].filter(Boolean).join(' · ');
  return { framework: 'laravel', fields, attributes, attributePaths: attributes.map(([n]) => pathPart(n)), summary };
}

/** A Unix timestamp as an ISO date (UTC), the way a person reads `_sf2_meta`. */
export function isoDate(seconds: bigint | number): string {
  const ms = Number(seconds) * 1000;
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(seconds);
}

function presentSymfony(vars: [string, PhpValue][]): FrameworkView {
  const fields: FrameworkField[] = [];
  // [name, value, path]: the bag's attributes, then any other variable the application set itself.
  const found: [string, PhpValue, string][] = [];
  const own: [string, PhpValue, string][] = [];
  let summary = '';
  for (const [name, value] of vars) {
    const d = deref(value);
    if (name === '_sf2_attributes' && d.kind === 'array') {
      for (const e of (d as PhpArray).entries)
        found.push([String(e.key), e.value, `_sf2_attributes.${pathPart(String(e.key))}`]);
    } else if (name === '_sf2_meta' && d.kind === 'array') {
      const num = (k: string): bigint | undefined => {
        const v = entry(d, k);
        const x = v && deref(v);
        return x?.kind === 'int' ? x.value : undefined;
      };
      const created = num('c');
      const updated = num('u');
      const lifetime = num('l');
      if (created !== undefined)
        fields.push({ name: '_sf2_meta.c', label: 'Created', value: entry(d, 'c')!, display: isoDate(created) });
      if (updated !== undefined)
        fields.push({ name: '_sf2_meta.u', label: 'Last used', value: entry(d, 'u')!, display: isoDate(updated) });
      if (lifetime !== undefined)
        fields.push({
          name: '_sf2_meta.l',
          label: 'Cookie lifetime',
          value: entry(d, 'l')!,
          display: lifetime === 0n ? 'until the browser closes' : `${lifetime} s`,
        });
      summary = updated !== undefined ? `last used ${isoDate(updated)}` : '';
    } else if (name === '_symfony_flashes' || name === '_sf2_flashes') {
      const names = d.kind === 'array' ? d.entries.map((e) => String(e.key)) : [];
      fields.push({ name, label: 'Flash messages', value, display: names.join(', ') || '—' });
    } else own.push([name, value, pathPart(name)]);
  }
  const all = [...found, ...own];
  const token = found.find(([k]) => k.startsWith('_security_'));
  for (const [k, v, path] of found) {
    if (k.startsWith('_security_'))
      fields.push({ name: path, label: `Security token, firewall "${k.slice(10)}"`, value: v });
    else if (k.startsWith('_csrf/')) fields.push({ name: path, label: `CSRF token "${k.slice(6)}"`, value: v });
  }
  const rest = all.filter(([, , path]) => !fields.some((f) => f.name === path));
  return {
    framework: 'symfony',
    fields,
    attributes: rest.map(([k, v]) => [k, v]),
    attributePaths: rest.map(([, , path]) => path),
    summary: [token ? `signed in (firewall ${token[0].slice(10)})` : 'anonymous', summary].filter(Boolean).join(' · '),
  };
}

/** The session as its framework sees it; undefined when it is not recognisably that framework's. */
export function presentSession(
  framework: SessionFramework | undefined,
  vars: [string, PhpValue][],
): FrameworkView | undefined {
  const fw = framework ?? detectFrameworkFromVariables(vars.map(([n]) => n));
  if (fw === 'laravel') return presentLaravel(vars);
  if (fw === 'symfony') return presentSymfony(vars);
  return undefined;
}

const phpStr = (s: string): PhpValue => ({ kind: 'string', bytes: encodeUtf8(s) });
const phpMap = (pairs: [string, PhpValue][]): PhpValue => ({
  kind: 'array',
  entries: pairs.map(([key, value]): PhpArrayEntry => ({ key, value })),
});

/**
 * The view as one value (canonical JSON prints it exactly, big integers included):
 * `{framework, summary, fields: [{name, label, display?, value}], attributes: {…}}`.
 */
export function frameworkViewValue(view: FrameworkView): PhpValue {
  return phpMap([
    ['framework', phpStr(view.framework)],
    ['summary', phpStr(view.summary)],
    [
      'fields',
      {
        kind: 'array',
        entries: view.fields.map((f, i) => ({
          key: BigInt(i),
          value: phpMap([
            ['name', phpStr(f.name)],
            ['label', phpStr(f.label)],
            ...(f.display !== undefined ? ([['display', phpStr(f.display)]] as [string, PhpValue][]) : []),
            ['value', f.value],
          ]),
        })),
      },
    ],
    ['attributes', phpMap(view.attributes)],
  ]);
}
