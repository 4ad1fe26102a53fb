// The placeholders documentation puts where a Redis host, port or password goes (`tcp://host:port?auth=password`,
// `seed[]=host1:port1`, `<redis-host>`, `{{ redis_password }}`, `%REDIS_HOST%`, `auth=REDIS_PASSWORD`), found in
// every form of save_path: a server URL, `host:port` without a scheme, a rediscluster seed, an `auth=` value.
// Only those places are looked at: `prefix=<app>` is just a prefix.
import type { Span } from './span.ts';

export type PlaceholderRole = 'host' | 'port' | 'password';

export interface Placeholder {
  role: PlaceholderRole;
  text: string;
  span: Span;
}

/** Template syntaxes: never a real host, port or password. */
const TEMPLATE =
  /^(?:<[^<>]*>|\{\{.*\}\}|\{[A-Za-z_][\w.]*\}|%[A-Za-z_][\w.]*%|\$[A-Za-z_]\w*|_+|\.\.\.|…|x{3,}|X{3,})$/;
const HOST_WORDS =
  /^(?:host(?:name)?(?:[_-]?(?:n|N))?|your[-_]?(?:redis[-_]?)?host(?:name)?|redis[-_]?host(?:name)?|(?:redis[-_]?)?server[-_]?(?:ip|address|host)|ip[-_]?address)$/i;
/** `port`, `port1`, `portN`, `REDIS_PORT`, `your-port` (`abc` is a broken port, not a placeholder). */
const PORT_WORD = /^(?:(?:your|redis)[-_]?)?port(?:\d*|[_-]?n)$|^[A-Z][A-Z0-9_]*_PORT$/i;
/** The words documentation writes (`secret` may well be someone's password: not one of them). */
const PASSWORD_WORDS =
  /^(?:(?:your|my|redis)[-_]?(?:password|passwd|pass|pwd)|password|passwd|changeme|change[-_]me)$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:PASSWORD|PASSWD|PASS|PWD|SECRET|AUTH|TOKEN)$/;

function judge(role: PlaceholderRole, text: string, start: number): Placeholder | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const hit =
    TEMPLATE.test(t) ||
    (role === 'host' && HOST_WORDS.test(t)) ||
    (role === 'port' && PORT_WORD.test(t)) ||
    (role === 'password' && (PASSWORD_WORDS.test(t) || PASSWORD_WORDS.test(t.toLowerCase())));
  return hit ? { role, text: t, span: { start, end: start + text.length } } : undefined;
}

/** Host and port of `host:port` at `base` (an IPv6 literal keeps its brackets). */
function hostPort(text: string, base: number): Placeholder | undefined {
  const bracket = /^\[[^\]]*\]/.exec(text);
  const colon = bracket ? (text[bracket[0].length] === ':' ? bracket[0].length : -1) : text.lastIndexOf(':');
  const host = colon < 0 ? text : text.slice(0, colon);
  return judge('host', host, base) ?? (colon < 0 ? undefined : judge('port', text.slice(colon + 1), base + colon + 1));
}

/** `auth=…` / `auth[]=…` values of a query string at `base`. */
function authValues(query: string, base: number): Placeholder | undefined {
  let at = 0;
  for (const pair of query.split('&')) {
    const m = /^auth(?:\[[^\]]*\])?=/i.exec(pair);
    if (m) {
      const found = judge('password', pair.slice(m[0].length), base + at + m[0].length);
      if (found) return found;
    }
    at += pair.length + 1;
  }
  return undefined;
}

/** One server of a `redis` save_path: `scheme://[user:pass@]host:port[/path]?query`, or `host:port?query`. */
function server(token: string, base: number): Placeholder | undefined {
  const q = token.indexOf('?');
  const head = q < 0 ? token : token.slice(0, q);
  const query = q < 0 ? '' : token.slice(q + 1).replace(/#.*$/, '');
  if (/^unix:|^\//i.test(head)) return authValues(query, base + q + 1);
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(head)?.[0] ?? '';
  let rest = head.slice(scheme.length);
  let at = base + scheme.length;
  const userinfo = rest.lastIndexOf('@');
  if (userinfo >= 0) {
    const pass = rest.slice(0, userinfo).split(':').pop()!;
    const found = judge('password', pass, at + userinfo - pass.length);
    if (found) return found;
    rest = rest.slice(userinfo + 1);
    at += userinfo + 1;
  }
  const slash = rest.search(/\//);
  return hostPort(slash < 0 ? rest : rest.slice(0, slash), at) ?? (q < 0 ? undefined : authValues(query, base + q + 1));
}

/** `{{ … }}` or `<…>` anywhere in a save_path (matchAll copies the regex: its lastIndex stays 0). */
const TEMPLATE_IN_PATH = /\{\{[^{}]*\}\}|<[^<>]*>/g;

/** The first placeholder in a save_path: servers split at blanks and commas (redis), or seeds (rediscluster). */
export function findPlaceholder(path: string, cluster: boolean): Placeholder | undefined {
  // A template (`{{ redis_host }}`, `<redis host>`) may hold blanks: found whole, unless it is a prefix.
  const templates = path.includes('{{') || path.includes('<') ? path.matchAll(TEMPLATE_IN_PATH) : [];
  for (const m of templates) {
    const before = path.slice(0, m.index);
    if (/(?:^|[?&])(?:prefix|persistent_id)=[^&\s,]*$/.test(before)) continue;
    const role: PlaceholderRole = /(?:^|[?&])auth(?:\[[^\]]*\])?=$/.test(before)
      ? 'password'
      : /:$/.test(before) && !/:\/\/$/.test(before)
        ? 'port'
        : 'host';
    return { role, text: m[0], span: { start: m.index!, end: m.index! + m[0].length } };
  }
  if (cluster) {
    let at = 0;
    for (const pair of path.split('&')) {
      const m = /^\s*seed(?:\[[^\]]*\])?=/i.exec(pair);
      if (m) {
        const found = hostPort(pair.slice(m[0].length).replace(/^[a-z]+:\/\//i, ''), at + m[0].length);
        if (found) return found;
      }
      at += pair.length + 1;
    }
    return authValues(path, 0);
  }
  for (const m of path.matchAll(/[^\s,]+/g)) {
    const found = server(m[0], m.index!);
    if (found) return found;
  }
  return undefined;
}
