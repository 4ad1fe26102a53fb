// The save_path of the `redis` handler, checked against phpredis's own reading of it
// (savePath.ts): servers, URL form, parameters and their values.
import { isPlainInteger, isPlainNumber, zvalGetDouble, zvalGetLong } from '../phpNumeric.ts';
import type { QueryParam } from '../phpQuery.ts';
import { rawurlencode } from '../phpUrl.ts';
import { redisUrlToSavePath } from '../redisUrl.ts';
import { maskCredentials } from '../mask.ts';
import { hasFact, PHPREDIS_PARAMS } from '../phpredisVersions.ts';
import { finding, fix } from '../ruleContext.ts';
import { parseRedisSavePath, type SavePathServer, type SavePathToken } from '../savePath.ts';
import type { Fix } from '../types.ts';
import {
  at,
  checkAuth,
  checkDuplicateParams,
  checkPersistent,
  checkArrayScalars,
  checkPlus,
  checkUnknownParams,
  edit,
  lastParam,
  setValueEdit,
  type PathSite,
} from './params.ts';

const REDIS_KNOWN = [
  'weight',
  'timeout',
  'read_timeout',
  'persistent',
  'persistent_id',
  'database',
  'retry_interval',
  'prefix',
  'auth',
  'stream',
];
/** PHP socket transports phpredis can connect through (php_stream_xport_create). */
const TRANSPORTS = ['tcp', 'tls', 'ssl', 'tlsv1.0', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3', 'sslv3'];
/** A host PHP's stream layer can resolve: a name, an IPv4 address, or a bracketed IPv6 one. */
const HOST =
  /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*)$/;

function report(site: PathSite, f: ReturnType<typeof finding>): void {
  site.ctx.report(f);
}

/** A token that cannot start a server of its own: the separator before it split one URL in two. */
function isContinuation(prev: SavePathToken, next: SavePathToken): boolean {
  // A URL, a socket path or host:port after the separator is a server of its own, whatever came before.
  const startsServer =
    /^[a-z][a-z0-9+.-]*:\/\//i.test(next.text) ||
    next.text.startsWith('unix:') ||
    next.text.startsWith('/') ||
    /^[A-Za-z0-9._-]+:\d+$/.test(next.text);
  if (startsServer) return false;
  if (/^[?&=#:]/.test(next.text) || /[?&=:]$/.test(prev.text)) return true;
  // `tcp://host 6379`: the port, cut from its host.
  if (/^\d+(?:[/?#]|$)/.test(next.text) && /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^:/?#@]+$/i.test(prev.text)) return true;
  return prev.text.includes('?') || next.text.includes('=');
}

function separators(site: PathSite, tokens: SavePathToken[]): Set<number> {
  const bogus = new Set<number>();
  for (let i = 1; i < tokens.length; i++) {
    const prev = tokens[i - 1];
    const next = tokens[i];
    if (!isContinuation(prev, next)) continue;
    bogus.add(i);
    const gap = { start: prev.span.end, end: next.span.start };
    const raw = site.text.slice(gap.start, gap.end);
    const delimiterGap = /^[?&=#:]/.test(next.text) || /[?&=:]$/.test(prev.text);
    const portGap = !delimiterGap && /^\d/.test(next.text) && !prev.text.includes('?');
    const fixes = delimiterGap
      ? [fix('Remove the whitespace', [edit(site, gap, '')])]
      : portGap
        ? [fix('Write host:port', [edit(site, gap, ':')])]
        : [
            fix('Percent-encode it', [
              edit(
                site,
                gap,
                raw.replace(/[\s,]/g, (c) => rawurlencode(c)),
              ),
            ]),
          ];
    report(
      site,
      finding(
        'separator-in-path',
        at(site, gap),
        `phpredis splits the save_path at every space and comma, so this ${raw.includes(',') ? 'comma' : 'whitespace'} cuts one URL into two bogus servers. ${delimiterGap ? 'Remove it.' : portGap ? 'Write host:port.' : 'Percent-encode it (%20, %2C).'}`,
        fixes,
      ),
    );
  }
  return bogus;
}

function urlProblems(site: PathSite, s: SavePathServer): boolean {
  const u = s.url;
  const token = s.span;
  if (!u) {
    const port = /:\/\/[^/?#]*:([^/?#]*)/.exec(s.text)?.[1];
    const why =
      port !== undefined && !/^\d*$/.test(port)
        ? 'the port is not a number' // (not echoed: after a forgotten `@host` it is the password)
        : port !== undefined && Number(port) > 65535
          ? `the port ${port} is above 65535`
          : /^[a-z]+:\/\/(:|\/|\?|$)/i.test(s.text)
            ? 'it names no host'
            : "PHP's URL parser rejects it";
    report(
      site,
      finding(
        'malformed-url',
        at(site, token),
        `"${maskCredentials(s.text)}" is not a server URL phpredis can read: ${why} ("Failed to parse session.save_path").`,
      ),
    );
    return true;
  }
  const scheme = u.scheme;
  // `host:6379?params`: PHP reads "host" as the scheme and the parameters are lost.
  if (scheme !== undefined && !s.text.includes('://') && !s.unixRewrite && /^[^:/?#\s]+:\d+[?#/]/.test(s.text)) {
    report(
      site,
      finding(
        'params-without-scheme',
        at(site, token),
        `Without "tcp://" PHP reads "${scheme}" as a URL scheme and drops the host, port and parameters: write tcp://${maskCredentials(s.text)}.`,
        [fix('Prepend tcp://', [edit(site, { start: token.start, end: token.start }, 'tcp://')])],
      ),
    );
    return true;
  }
  if (s.unixRewrite && u.host !== undefined) {
    report(
      site,
      finding(
        'malformed-url',
        at(site, token),
        `"${maskCredentials(s.text)}" reads "${u.host}" as a host: a unix socket needs an absolute path, unix:///path/to/redis.sock (three slashes).`,
      ),
    );
    return true;
  }
  if (scheme !== undefined && u.host !== undefined && !TRANSPORTS.includes(scheme)) {
    const fixes: Fix[] = [];
    const lower = scheme.toLowerCase();
    if (lower === 'redis' || lower === 'rediss') {
      try {
        const user = u.user ? decodeURIComponent(u.user) : '';
        fixes.push(fix('Convert to a phpredis save_path', [edit(site, token, redisUrlToSavePath(s.text))]));
        if (user && !['default', 'h'].includes(user))
          fixes.push(
            fix(
              'Convert with ACL user (auth[]=user&auth[]=password)',
              [edit(site, token, redisUrlToSavePath(s.text, { acl: true }))],
              true,
              false,
            ),
          );
      } catch {
        // Not convertible (e.g. a bad port): the message still says what to do.
      }
    } else if (TRANSPORTS.includes(lower)) {
      fixes.push(fix(`Write ${lower}://`, [edit(site, u.spans.scheme!, lower)]));
    }
    report(
      site,
      finding(
        'unsupported-scheme',
        at(site, u.spans.scheme ?? token),
        lower === 'redis' || lower === 'rediss'
          ? `phpredis cannot connect to a ${scheme}:// URL (PHP has no "${scheme}" transport, and it ignores the credentials in it): write tcp://host:port?auth=password (tls:// for rediss).`
          : `"${scheme}" is not a transport phpredis can use: write tcp://, tls:// or unix:// (lowercase).`,
        fixes,
      ),
    );
    return true;
  }
  if (scheme !== undefined && u.host === undefined && ['tcp', 'tls', 'ssl'].includes(scheme.toLowerCase())) {
    report(
      site,
      finding(
        'malformed-url',
        at(site, token),
        `"${maskCredentials(s.text)}" has no host: write ${scheme}://host:port (two slashes).`,
      ),
    );
    return true;
  }
  if (
    scheme !== undefined &&
    u.host === undefined &&
    !s.unixRewrite &&
    !TRANSPORTS.includes(scheme.toLowerCase()) &&
    scheme !== 'file'
  ) {
    report(
      site,
      finding(
        'malformed-url',
        at(site, token),
        `PHP reads "${scheme}" in "${maskCredentials(s.text)}" as a URL scheme, not a host: write tcp://host:port.`,
      ),
    );
    return true;
  }
  if (s.failReason === 'no-host-or-path') {
    report(
      site,
      finding('malformed-url', at(site, token), `"${maskCredentials(s.text)}" names neither a host nor a socket path.`),
    );
    return true;
  }
  if (u.host === undefined && u.path !== undefined && !u.path.startsWith('/') && !/^[A-Za-z0-9.-]+$/.test(u.path)) {
    report(
      site,
      finding(
        'malformed-url',
        at(site, token),
        `phpredis would use "${u.path}" as a host name: write tcp://host:port.`,
      ),
    );
    return true;
  }
  if (u.host !== undefined && !HOST.test(u.host)) {
    report(
      site,
      finding(
        'malformed-url',
        at(site, u.spans.host ?? token),
        `"${u.host}" is not a host name: ${/[;,]/.test(u.host) ? 'a ";" or "," does not separate servers here' : 'check the URL'} (write tcp://host:port).`,
      ),
    );
    return true;
  }
  const portText = u.spans.port ? site.text.slice(u.spans.port.start, u.spans.port.end) : undefined;
  if (portText !== undefined && portText !== '' && !/^\d+$/.test(portText) && u.port !== undefined) {
    // PHP keeps the leading digits: `6379x` and `+6379` still reach 6379, `63x9` reaches port 63.
    const trailingJunk = String(u.port) === portText.replace(/\D/g, '');
    const where = u.spans.port ?? token;
    report(
      site,
      finding(
        trailingJunk ? 'invalid-param-value' : 'malformed-url',
        at(site, where),
        `The port "${portText}" is read as ${u.port} by PHP: write the port as digits only.`,
        [
          fix(`Write port ${trailingJunk ? u.port : portText.replace(/\D/g, '')}`, [
            edit(site, where, String(trailingJunk ? u.port : portText.replace(/\D/g, ''))),
          ]),
        ],
      ),
    );
    if (!trailingJunk) return true;
  }
  if (u.port === 0 && u.spans.port) {
    report(
      site,
      finding('invalid-param-value', at(site, u.spans.port), 'Port 0 makes phpredis connect to 6379: write the port.'),
    );
  }
  if (u.user !== undefined || u.pass !== undefined) {
    // From the parsed spans: the userinfo runs from the first of user/pass to the '@' after it.
    const uStart = (u.spans.user ?? u.spans.pass)!.start;
    const atSign = site.text.indexOf('@', (u.spans.pass ?? u.spans.user)!.end);
    const userinfo = { start: uStart, end: atSign < 0 ? (u.spans.pass ?? u.spans.user)!.end : atSign + 1 };
    const user = u.user ?? '';
    const pass = u.pass ?? '';
    const rest = site.text.slice(userinfo.end, token.end);
    const sep = rest.includes('?') ? '&' : '?';
    const enc = (v: string): string => v.replace(/\+/g, '%2B');
    const fixes: Fix[] = [];
    const withAuth = (auth: string): string => site.text.slice(token.start, userinfo.start) + rest + sep + auth;
    if (pass || !user)
      fixes.push(
        fix(
          'Move the password to auth=',
          [edit(site, token, withAuth(`auth=${enc(pass)}`))],
          true,
          !user || ['default', 'h'].includes(user),
        ),
      );
    if (user && pass)
      fixes.push(
        fix(
          'Move them to auth[]=user&auth[]=password',
          [edit(site, token, withAuth(`auth[]=${enc(user)}&auth[]=${enc(pass)}`))],
          false,
          !['default', 'h'].includes(user),
        ),
      );
    if (user && !pass)
      fixes.push(fix('Move it to auth=', [edit(site, token, withAuth(`auth=${enc(user)}`))], false, true));
    const hasAuth = s.settings.auth.kind !== 'none';
    report(
      site,
      finding(
        'userinfo-ignored',
        at(site, userinfo),
        hasAuth
          ? 'phpredis ignores the credentials written before "@" (auth= is what it sends): remove them.'
          : 'phpredis never sends the credentials written before "@": it connects without AUTH. Pass them as auth= (or auth[]=user&auth[]=password).',
        hasAuth ? [fix('Remove them', [edit(site, userinfo, '')])] : fixes,
        undefined,
        // With auth= given the connection works: the userinfo is only misleading.
        hasAuth ? 'warning' : undefined,
      ),
    );
  }
  return false;
}

function numberParams(site: PathSite, s: SavePathServer): void {
  const params = s.params;
  const weight = lastParam(params, 'weight');
  if (weight && !weight.path.length) {
    const w = zvalGetLong(weight.value);
    if (s.settings.weight <= 0) {
      report(
        site,
        finding(
          'invalid-weight',
          at(site, weight.span),
          `weight "${weight.value}" reads as ${w} to PHP; phpredis needs an integer > 0 ("Failed to parse session.save_path").`,
          [fix('Write weight=1', [setValueEdit(site, weight, '1')])],
        ),
      );
    } else if (!isPlainInteger(weight.value)) {
      report(
        site,
        finding(
          'invalid-param-value',
          at(site, weight.span),
          `weight "${weight.value}" is read as ${w}: write the integer.`,
          [fix(`Write weight=${w}`, [setValueEdit(site, weight, String(w))])],
        ),
      );
    }
  }
  const timeout = lastParam(params, 'timeout');
  if (timeout && !timeout.path.length) {
    const t = zvalGetDouble(timeout.value);
    if (!(s.settings.timeout > 0)) {
      report(
        site,
        finding(
          'invalid-timeout',
          at(site, timeout.span),
          `timeout "${timeout.value}" reads as ${t} to PHP; phpredis needs seconds > 0 ("Failed to parse session.save_path").`,
          [fix('Write timeout=2.5', [setValueEdit(site, timeout, '2.5')])],
        ),
      );
    } else if (!isPlainNumber(timeout.value)) {
      report(
        site,
        finding(
          'invalid-param-value',
          at(site, timeout.span),
          `timeout "${timeout.value}" is read as ${t}: write the number of seconds.`,
          [fix(`Write timeout=${t}`, [setValueEdit(site, timeout, String(t))])],
        ),
      );
    }
  }
  const checks: [string, (v: string) => boolean, string, string][] = [
    ['read_timeout', (v) => isPlainNumber(v) && zvalGetDouble(v) >= 0, 'seconds ≥ 0', '2.5'],
    ['retry_interval', (v) => /^\d+$/.test(v), 'milliseconds, an integer ≥ 0', '100'],
    ['database', (v) => /^\d+$/.test(v), 'an integer ≥ 0', '0'],
  ];
  for (const [name, ok, want, example] of checks) {
    const p = lastParam(params, name);
    if (!p || p.path.length || ok(p.value)) continue;
    const fixes =
      name === 'database' || name === 'retry_interval'
        ? []
        : [fix(`Write ${name}=${example}`, [setValueEdit(site, p, example)])];
    report(
      site,
      finding(
        'invalid-param-value',
        at(site, p.span),
        `${name} "${p.value}" is not ${want}; phpredis reads it with PHP's number rules (as ${name === 'read_timeout' ? zvalGetDouble(p.value) : zvalGetLong(p.value)}).`,
        fixes,
      ),
    );
  }
}

function streamWithoutTls(site: PathSite, s: SavePathServer): void {
  // Before phpredis 6.0 the redis handler reads no stream[] at all (unknown-param says so).
  if (!hasFact(PHPREDIS_PARAMS.redis.stream!, site.ctx.phpredis)) return;
  const stream = s.params.filter((p) => p.name === 'stream' && !p.ignored);
  if (!stream.length || !s.url || s.url.host === undefined) return;
  const scheme = s.url.scheme;
  if (scheme !== undefined && scheme !== 'tcp') return;
  const fixes =
    scheme === 'tcp' && s.url.spans.scheme ? [fix('Switch to tls://', [edit(site, s.url.spans.scheme, 'tls')])] : [];
  report(
    site,
    finding(
      'stream-without-tls',
      at(site, { start: stream[0].span.start, end: stream[stream.length - 1].span.end }),
      'stream[...] options only apply to TLS connections: phpredis ignores them on tcp://. Use tls://.',
      fixes,
    ),
  );
}

function noTimeout(site: PathSite, s: SavePathServer): void {
  if (lastParam(s.params, 'timeout') || !s.url) return;
  // After a '#', text is a fragment: an appended parameter would not be read as one.
  // A concatenated value ('a' "b" c) is rewritten whole by a fix: too unlike what was written.
  const fixable = !s.text.includes('#') && site.value.quote !== 'mixed';
  const sep = !s.query ? '?' : s.query.text === '' || s.text.endsWith('&') ? '' : '&';
  const end = { start: s.span.end, end: s.span.end };
  report(
    site,
    finding(
      'no-timeout',
      at(site, s.span),
      'No timeout: phpredis then waits up to 86400 s to connect, so a Redis outage stalls every PHP worker. Add timeout=2.5 (seconds).',
      fixable ? [fix('Add timeout=2.5', [edit(site, end, `${sep}timeout=2.5`)])] : [],
    ),
  );
}

/**
 * persistent=1 on two servers with the same address: phpredis hands both the same pooled
 * connection, so their databases mix (seen with real PHP: a session written to one database is
 * read from the other).
 */
function sharedPersistent(site: PathSite, servers: SavePathServer[]): void {
  const seen = new Map<string, SavePathServer>();
  for (const s of servers) {
    if (!s.address || !s.settings.persistent || s.failsToParse) continue;
    const key = s.address.transport;
    const earlier = seen.get(key);
    seen.set(key, s);
    if (!earlier || Math.max(earlier.settings.database, 0) === Math.max(s.settings.database, 0)) continue;
    const p = lastParam(s.params, 'persistent');
    if (!p) continue;
    report(
      site,
      finding(
        'invalid-param-value',
        at(site, p.span),
        `persistent=1 here and on another server with the same address (${key}): phpredis can hand both the same pooled connection, so a session may be written to one database and read from the other. Use one database per address, or drop persistent=1.`,
        [],
        [{ ...at(site, earlier.span), message: 'the other server' }],
      ),
    );
  }
}

export function checkRedisPath(site: PathSite): void {
  const parsed = parseRedisSavePath(site.text);
  const tokens = parsed.servers.map((s) => ({ text: s.text, span: s.span }));
  const semi = /;(\s*)(?:([a-z][a-z0-9+.-]*:\/\/)|([A-Za-z_][\w[\]]*=))?/.exec(site.text);
  if (semi) {
    // `;` separates nothing for phpredis: what follows stays in the host, port or value before it.
    const server = semi[2] !== undefined;
    const param = semi[3] !== undefined;
    const where = { start: semi.index, end: semi.index + 1 };
    report(
      site,
      finding(
        'malformed-url',
        at(site, where),
        server
          ? 'phpredis separates servers with "," or spaces, not ";": the server after it is swallowed into the URL before and never used.'
          : param
            ? 'Parameters are separated by "&", not ";": phpredis keeps the parameter after it inside the previous value, so it is never read.'
            : 'A stray ";" stays part of the save_path: the text after it ends up in the host, the port or a parameter value.',
        server
          ? [fix('Write "," instead', [edit(site, where, ',')])]
          : param
            ? [fix('Write "&" instead', [edit(site, where, '&')])]
            : [],
        undefined,
        server || param ? 'error' : 'warning',
      ),
    );
  }
  const bogus = separators(site, tokens);
  sharedPersistent(
    site,
    parsed.servers.filter((_, i) => !bogus.has(i)),
  );
  parsed.servers.forEach((s, i) => {
    if (bogus.has(i) || (i + 1 < tokens.length && bogus.has(i + 1) && !s.url)) return;
    if (urlProblems(site, s)) return;
    const params: QueryParam[] = s.params;
    checkUnknownParams(site, params, REDIS_KNOWN, 'redis');
    checkArrayScalars(
      site,
      params,
      REDIS_KNOWN.filter((k) => k !== 'auth' && k !== 'stream'),
    );
    checkDuplicateParams(site, params);
    checkPlus(site, params);
    numberParams(site, s);
    checkPersistent(site, params);
    checkAuth(site, params, s.settings.auth);
    streamWithoutTls(site, s);
    if (!bogus.has(i + 1)) noTimeout(site, s);
  });
}
