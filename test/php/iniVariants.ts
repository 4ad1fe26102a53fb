// Generates php.ini fragments for the differential test (seeded, reproducible): a valid random
// base configuration, then one or two "features" applied to it — each feature is one thing the
// linter must judge (a handler typo, a parameter with a good or bad value, a quoting style, a
// misplaced space…). Every feature is used several times with different bases, so each rule
// is exercised in many contexts, and nothing is hand-picked: PHP decides what the result is.

/** The servers the test started (ports on 127.0.0.1), which the "valid" hosts point at. */
export interface DiffTargets {
  /** No password; also on ::1 and a unix socket when available. */
  openPort: number;
  /** requirepass SECURED_PASSWORD, and ACL user ACL_USER / ACL_PASSWORD. */
  securedPort: number;
  /** TLS port (CA given to PHP with openssl.cafile), null when TLS is unavailable. */
  tlsPort: number | null;
  /** TLS port of the password-protected server, null when TLS is unavailable. */
  securedTlsPort: number | null;
  /** A one-node Redis Cluster, null when unavailable. */
  clusterPort: number | null;
  /** A server listens on 127.0.0.1:6379 (phpredis's default port), so port 0/missing can work. */
  defaultPortServed: boolean;
  /** Unix socket of the open server, null when unavailable. */
  unixSocket: string | null;
  /** The open server also listens on ::1. */
  ipv6: boolean;
  /** A writable directory for the files handler. */
  filesDir: string;
}

/** Chosen so that it needs percent-encoding in a save_path: '@', ' ', '+', ',' and '#'. */
export const SECURED_PASSWORD = 'p@ss w+rd,#9';
export const ACL_USER = 'alice';
export const ACL_PASSWORD = 'al1ce-pw';
export const ENV_PORT = 'PRS_DIFF_PORT';
export const ENV_SECURED_PORT = 'PRS_DIFF_SECURED_PORT';
export const ENV_TLS_PORT = 'PRS_DIFF_TLS_PORT';
export const ENV_SECURED_TLS_PORT = 'PRS_DIFF_SECURED_TLS_PORT';
export const ENV_SAVE_PATH = 'PRS_DIFF_SAVE_PATH';

export interface IniVariant {
  index: number;
  /** Unique [A-Za-z0-9] tag (session ids are derived from it). */
  tag: string;
  /** Names of the features applied to the base, e.g. ['timeout:invalid', 'quote:double']. */
  features: string[];
  text: string;
  /** The save_handler as the author wrote it (last line wins), null when the fragment has none. */
  writtenHandler: string | null;
  /** The serialize_handler as written, null when none. */
  writtenSerializer: string | null;
  /**
   * The save_path value the author meant (without the ini quotes; a quoted concatenation joined),
   * null when it cannot be compared with PHP's (`${VAR}`, no save_path line).
   */
  writtenPath: string | null;
  env: Record<string, string>;
}

// ---- PRNG (mulberry32: tiny, good enough, reproducible across Node versions) ----

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

// ---- model ----

type Target = 'open' | 'secured' | 'tls' | 'securedTls' | 'default';
type Quote = 'auto' | 'none' | 'single' | 'double';

interface UrlPart {
  /** Verbatim text, wins over every other field. */
  raw?: string;
  scheme: string | null;
  slashes: string;
  userinfo: string | null;
  host: string;
  /** undefined: the target's port; null: no `:port`. */
  port: string | null | undefined;
  /** Write the port as `${VAR}` (the variable holding the target's port). */
  portEnv?: boolean;
  /** The port was written so that phpredis falls back to 6379 (0, missing, "6379x"…). */
  defaultPort?: boolean;
  target: Target;
  path: string;
  /** `k=v` pieces joined with '&'; [] renders a bare '?'; null: no query. */
  query: string[] | null;
  fragment: string | null;
  /** A last text-level change (e.g. a space before '?'). */
  post?: (text: string) => string;
  /** The post text is an ini comment, not part of the meant value. */
  postIsComment?: boolean;
  /** What the author meant when raw is an ini construct (a quoted concatenation). */
  intended?: string;
}

interface Model {
  handler: string | null;
  handlerQuote: Quote;
  serializer: string | null;
  serializerQuote: Quote;
  pathMode: 'urls' | 'cluster' | 'raw' | 'none';
  urls: UrlPart[];
  seps: string[];
  lead: string;
  trail: string;
  cluster: string[];
  rawPath: string;
  pathQuote: Quote;
  /** Text after the save_path value on its line (a comment, a second quoted part). */
  pathSuffix: string;
  extra: string[];
  before: string[];
  after: string[];
  eq: string;
  crlf: boolean;
  shuffle: boolean;
  transforms: Array<(lines: string[]) => string[]>;
}

const enc = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

// Ways of writing SECURED_PASSWORD that decode to it (PHP query rules: '+' is a space, '#' survives).
const AUTH_ENCODINGS = [enc(SECURED_PASSWORD), 'p%40ss+w%2Brd%2C%239', 'p@ss%20w%2Brd%2C#9', 'p@ss%20w%2Brd%2C%239'];

const VALID_SERIALIZERS = ['php', 'php_serialize', 'php_binary', 'igbinary', 'msgpack', 'PHP', 'Igbinary', 'MSGPACK'];

const VALID_PARAMS: Record<string, readonly string[]> = {
  timeout: ['1', '2.5', '0.5', '3'],
  read_timeout: ['1', '2.5', '0'],
  persistent: ['0', '1'],
  database: ['0', '1', '2'],
  prefix: ['myapp:', 'sess_', 'PHPREDIS_SESSION:'],
  retry_interval: ['0', '100'],
  persistent_id: ['web1'],
};

const BENIGN_EXTRAS = [
  ['session.gc_maxlifetime = 1440'],
  ['redis.session.locking_enabled = 1', 'redis.session.lock_expire = 10'],
  ['session.gc_maxlifetime=3600', 'session.gc_probability = 0'],
  ['; sessions in Redis'],
  [''],
];

function portOf(target: Target, t: DiffTargets): number {
  switch (target) {
    case 'open':
      return t.openPort;
    case 'secured':
      return t.securedPort;
    case 'tls':
      return t.tlsPort ?? t.openPort;
    case 'securedTls':
      return t.securedTlsPort ?? t.securedPort;
    case 'default':
      return 6379;
  }
}

function baseUrl(rng: Rng, multi: boolean): UrlPart {
  const query: string[] = [];
  if (rng.chance(0.6)) query.push(`timeout=${rng.pick(VALID_PARAMS.timeout!)}`);
  const keys = rng.shuffle(Object.keys(VALID_PARAMS).filter((k) => k !== 'timeout'));
  for (const k of keys.slice(0, rng.int(3))) query.push(`${k}=${rng.pick(VALID_PARAMS[k]!)}`);
  // Weights stay small in pools: the probe's 16 session ids then reach every server.
  if (multi ? rng.chance(0.5) : rng.chance(0.15)) query.push(`weight=${rng.pick(['1', '2', '3'])}`);
  rng.shuffle(query);
  return {
    scheme: 'tcp',
    slashes: '//',
    userinfo: null,
    host: rng.pick(['127.0.0.1', '127.0.0.1', '127.0.0.1', 'localhost']),
    port: undefined,
    target: 'open',
    path: '',
    query: query.length > 0 ? query : null,
    fragment: null,
  };
}

function baseModel(rng: Rng): Model {
  const n = rng.chance(0.12) ? 2 + rng.int(2) : 1;
  const urls = Array.from({ length: n }, () => baseUrl(rng, n > 1));
  return {
    handler: 'redis',
    handlerQuote: rng.pick<Quote>(['none', 'none', 'none', 'auto']),
    serializer: rng.chance(0.3) ? rng.pick(VALID_SERIALIZERS) : null,
    serializerQuote: 'auto',
    pathMode: 'urls',
    urls,
    seps: Array.from({ length: n - 1 }, () => rng.pick([', ', ',', ' ', ' , '])),
    lead: '',
    trail: '',
    cluster: [],
    rawPath: '',
    pathQuote: 'auto',
    pathSuffix: '',
    extra: rng.chance(0.15) ? [...rng.pick(BENIGN_EXTRAS)] : [],
    before: [],
    after: [],
    eq: rng.chance(0.8) ? ' = ' : rng.pick(['=', ' =', '= ', '\t=\t', '  =  ']),
    crlf: rng.chance(0.04),
    shuffle: rng.chance(0.25),
    transforms: [],
  };
}

function renderUrl(u: UrlPart, t: DiffTargets, intent = false): string {
  const post = (s: string): string => (u.post && !(intent && u.postIsComment) ? u.post(s) : s);
  if (intent && u.intended !== undefined) return post(u.intended);
  if (u.raw !== undefined) return post(u.raw);
  let s = '';
  if (u.scheme !== null) s += `${u.scheme}:${u.slashes}`;
  if (u.userinfo !== null) s += `${u.userinfo}@`;
  s += u.host;
  const envVar = {
    open: ENV_PORT,
    default: ENV_PORT,
    secured: ENV_SECURED_PORT,
    tls: ENV_TLS_PORT,
    securedTls: ENV_SECURED_TLS_PORT,
  }[u.target];
  const port = u.portEnv ? `\${${envVar}}` : u.port === undefined ? String(portOf(u.target, t)) : u.port;
  if (port !== null) s += `:${port}`;
  s += u.path;
  if (u.query !== null) s += `?${u.query.join('&')}`;
  if (u.fragment !== null) s += `#${u.fragment}`;
  return post(s);
}

function renderPath(m: Model, t: DiffTargets, intent = false): string {
  switch (m.pathMode) {
    case 'cluster':
      return m.cluster.join('&');
    case 'raw':
      return m.rawPath;
    default: {
      let s = m.lead;
      m.urls.forEach((u, i) => {
        if (i > 0) s += m.seps[i - 1] ?? ', ';
        s += renderUrl(u, t, intent);
      });
      return s + m.trail;
    }
  }
}

// Conservative: anything beyond these characters gets quoted when the quote style is 'auto'.
const needsQuotes = (v: string): boolean => v === '' || /[^A-Za-z0-9:/._,\- ]/.test(v) || /^\s|\s$/.test(v);

function quoteValue(v: string, q: Quote, rng: Rng): string {
  let style = q;
  if (style === 'auto')
    style = needsQuotes(v)
      ? rng.pick<Quote>(['single', 'double'])
      : rng.pick<Quote>(['none', 'none', 'single', 'double']);
  if (style === 'single') return `'${v}'`;
  if (style === 'double') return `"${v}"`;
  return v;
}

// ---- features ----

interface Feature {
  name: string;
  requires?: (t: DiffTargets) => boolean;
  apply: (m: Model, rng: Rng, t: DiffTargets) => void;
}

const first = (m: Model): UrlPart => m.urls[0]!;
const someUrl = (m: Model, rng: Rng): UrlPart => m.urls[rng.int(m.urls.length)]!;

function setParam(u: UrlPart, key: string, value: string | null): void {
  const q = (u.query ?? []).filter((p) => p.split('=')[0] !== key);
  q.push(value === null ? key : `${key}=${value}`);
  u.query = q;
}

function addPieces(u: UrlPart, rng: Rng, pieces: string[]): void {
  const q = [...(u.query ?? [])];
  q.splice(rng.int(q.length + 1), 0, ...pieces);
  u.query = q;
}

/** Points a URL at the password-protected server with working credentials. */
function secure(u: UrlPart, rng: Rng): void {
  u.target = 'secured';
  const style = rng.int(4);
  if (style === 0) addPieces(u, rng, [`auth[]=${ACL_USER}`, `auth[]=${ACL_PASSWORD}`]);
  else addPieces(u, rng, [`auth=${rng.pick(AUTH_ENCODINGS)}`]);
}

const paramFeature = (
  name: string,
  key: string,
  values: readonly string[],
  extra?: (u: UrlPart, rng: Rng) => void,
): Feature => ({
  name,
  apply: (m, rng) => {
    const u = someUrl(m, rng);
    extra?.(u, rng);
    setParam(u, key, rng.pick(values));
  },
});

function toCluster(m: Model, rng: Rng, t: DiffTargets): void {
  m.handler = rng.chance(0.85) ? 'rediscluster' : rng.pick(['RedisCluster', 'REDISCLUSTER']);
  m.pathMode = 'cluster';
  const host = rng.pick(['127.0.0.1', '127.0.0.1', 'localhost']);
  m.cluster = [`seed[]=${host}:${t.clusterPort}`];
  if (rng.chance(0.3)) m.cluster.push(`seed[]=127.0.0.1:${t.clusterPort}`);
  const opts = [
    `timeout=${rng.pick(['1', '2.5'])}`,
    `read_timeout=${rng.pick(['1', '2'])}`,
    `failover=${rng.pick(['none', 'error', 'distribute'])}`,
    `persistent=${rng.pick(['0', '1'])}`,
    'prefix=app:',
  ];
  m.cluster.push(...rng.shuffle(opts).slice(0, rng.int(3)));
}

const hasCluster = (t: DiffTargets): boolean => t.clusterPort !== null;
const hasDefault = (t: DiffTargets): boolean => t.defaultPortServed;
const CREDENTIAL_KEY = /^(auth|password|pass|pwd|requirepass)(\[|=|$)/;
const hasCredentials = (u: UrlPart): boolean =>
  u.userinfo !== null || (u.query ?? []).some((p) => CREDENTIAL_KEY.test(p));

/**
 * Keeps every URL pointed at the server its text is written for, after features were stacked:
 * credentials go to the password-protected server, tls:// to the TLS one, and a stacked feature
 * never leaves e.g. a plain tcp:// URL aimed at the TLS port (a failure no static check can see).
 */
function normalizeTargets(m: Model): void {
  for (const u of m.urls) {
    if (u.raw !== undefined) continue;
    const scheme = u.scheme?.toLowerCase() ?? null;
    const tlsScheme = scheme === 'tls' || scheme === 'ssl';
    if (u.defaultPort) {
      // 6379 has no password and no TLS: credentials or TLS win, the port feature is undone.
      if (hasCredentials(u) || tlsScheme) {
        u.port = undefined;
        u.defaultPort = false;
        if (u.target === 'default') u.target = hasCredentials(u) ? 'secured' : 'open';
      } else u.target = 'default';
    }
    // The test certificate names 127.0.0.1 and localhost only.
    if (tlsScheme && u.host === '::1') u.host = 'localhost';
    // A TLS URL goes to a TLS port, a plain one to a plain port; credentials to the server with a password.
    if (tlsScheme) u.target = hasCredentials(u) ? 'securedTls' : 'tls';
    else if (u.target === 'tls') u.target = 'open';
    else if (u.target === 'securedTls') u.target = 'secured';
    if (u.target === 'secured' && !hasCredentials(u)) u.target = 'open';
    // PHP glues a fragment onto the last query value: on a password that just makes it wrong,
    // which no static check can tell from a password that really ends in "#x".
    const q = u.query ?? [];
    if (u.fragment !== null && q.length > 0 && CREDENTIAL_KEY.test(q[q.length - 1]!)) q.push('timeout=1');
  }
}

export const FEATURES: Feature[] = [
  // -- save_handler
  { name: 'handler:case', apply: (m, rng) => (m.handler = rng.pick(['Redis', 'REDIS', 'rEdIs'])) },
  {
    name: 'handler:typo',
    apply: (m, rng) =>
      (m.handler = rng.pick([
        'reddis',
        'phpredis',
        'predis',
        'rediss',
        'redis-cluster',
        'redi',
        'php-redis',
        'redis_cluster',
        'cluster',
        'tcp',
        'file',
      ])),
  },
  { name: 'handler:user', apply: (m) => (m.handler = 'user') },
  { name: 'handler:files+redis-path', apply: (m, rng) => (m.handler = rng.pick(['files', 'files', 'Files'])) },
  {
    name: 'handler:files+dir',
    apply: (m, _rng, t) => {
      m.handler = 'files';
      m.pathMode = 'raw';
      m.rawPath = t.filesDir;
    },
  },
  { name: 'handler:files-no-path', apply: (m) => ((m.handler = 'files'), (m.pathMode = 'none')) },
  { name: 'handler:omitted', apply: (m) => (m.handler = null) },
  {
    name: 'handler:omitted-no-path',
    apply: (m, rng) => {
      m.handler = null;
      m.pathMode = 'none';
      m.serializer ??= rng.pick(VALID_SERIALIZERS);
    },
  },
  { name: 'handler:quoted', apply: (m, rng) => (m.handlerQuote = rng.pick<Quote>(['single', 'double'])) },
  {
    name: 'handler:quoted-space',
    apply: (m, rng) => {
      m.handler = rng.pick([' redis', 'redis ', ' redis ']);
      m.handlerQuote = rng.pick<Quote>(['single', 'double']);
    },
  },
  { name: 'handler:rediscluster+url', apply: (m) => (m.handler = 'rediscluster') },
  {
    name: 'handler:redis+seeds',
    requires: hasCluster,
    apply: (m, rng, t) => {
      toCluster(m, rng, t);
      m.handler = rng.pick(['redis', 'Redis']);
    },
  },
  {
    name: 'handler:redis+directory',
    apply: (m, rng, t) => {
      m.pathMode = 'raw';
      m.rawPath = rng.pick(['/var/lib/php/sessions', t.filesDir, '/tmp']);
    },
  },
  // -- serialize_handler
  { name: 'serializer:valid', apply: (m, rng) => (m.serializer = rng.pick(VALID_SERIALIZERS)) },
  {
    name: 'serializer:invalid',
    apply: (m, rng) =>
      (m.serializer = rng.pick([
        'json',
        'JSON',
        'serialize',
        'wddx',
        'igbinary2',
        'php-serialize',
        'msgpak',
        'phpserialize',
      ])),
  },
  // -- scheme
  { name: 'scheme:case', apply: (m, rng) => (someUrl(m, rng).scheme = rng.pick(['TCP', 'Tcp', 'tCP'])) },
  {
    name: 'scheme:redis-url',
    apply: (m, rng) => {
      const u = first(m);
      u.scheme = rng.pick(['redis', 'rediss']);
      if (rng.chance(0.5)) {
        u.userinfo = rng.pick([
          `:${enc(SECURED_PASSWORD)}`,
          `${ACL_USER}:${ACL_PASSWORD}`,
          `default:${enc(SECURED_PASSWORD)}`,
        ]);
        u.target = 'secured';
      }
      if (rng.chance(0.4)) u.path = rng.pick(['/0', '/1']);
      if (rng.chance(0.5)) u.query = null;
    },
  },
  {
    name: 'scheme:none',
    apply: (m, rng) => {
      const u = someUrl(m, rng);
      u.scheme = null;
      u.query = null;
    },
  },
  // No 'scheme:none+params' (`127.0.0.1:6379?timeout=1`): phpredis then connects to the port
  // number read as an IPv4 address (0.0.x.y), which is not loopback — see reachesBeyondLoopback.
  {
    name: 'scheme:tls',
    requires: (t) => t.tlsPort !== null,
    apply: (m, rng) => {
      const u = first(m);
      u.scheme = rng.pick(['tls', 'ssl', 'tls']);
      u.target = u.target === 'secured' ? 'securedTls' : 'tls';
      if (rng.chance(0.4)) addPieces(u, rng, ['stream[verify_peer]=1', 'stream[verify_peer_name]=1']);
    },
  },
  {
    name: 'scheme:other-transport',
    apply: (m, rng) => (first(m).scheme = rng.pick(['udp', 'http', 'redis+tcp', 'file', 'tcp6'])),
  },
  {
    name: 'scheme:unix',
    requires: (t) => t.unixSocket !== null,
    apply: (m, rng, t) => {
      const sock = t.unixSocket!;
      const q = rng.chance(0.5)
        ? `?${rng.pick(['persistent=0', 'timeout=1', 'timeout=1&database=1', 'prefix=app:'])}`
        : '';
      const form = rng.int(3);
      m.urls = [
        {
          ...baseUrl(rng, false),
          raw: form === 0 ? `unix://${sock}${q}` : form === 1 ? `unix:${sock}${q}` : `${sock}${q}`,
        },
      ];
      m.seps = [];
    },
  },
  {
    name: 'scheme:unix-relative',
    requires: (t) => t.unixSocket !== null,
    apply: (m, rng, t) => {
      m.urls = [{ ...baseUrl(rng, false), raw: `unix://${t.unixSocket!.slice(1)}` }];
      m.seps = [];
    },
  },
  { name: 'scheme:one-slash', apply: (m, rng) => (someUrl(m, rng).slashes = rng.pick(['/', ''])) },
  { name: 'scheme:three-slashes', apply: (m) => (first(m).slashes = '///') },
  {
    name: 'scheme:empty-url',
    apply: (m, rng) => {
      m.urls = [{ ...baseUrl(rng, false), raw: rng.pick(['tcp://', 'tcp://:', 'tls://', 'tcp://?timeout=1']) }];
      m.seps = [];
    },
  },
  {
    name: 'scheme:bare-host',
    requires: hasDefault,
    apply: (m, rng) => {
      m.urls = [
        { ...baseUrl(rng, false), raw: rng.pick(['127.0.0.1', 'localhost', '127.0.0.1:6379', 'tcp://127.0.0.1']) },
      ];
      m.seps = [];
    },
  },
  // -- host
  { name: 'host:localhost', apply: (m, rng) => (someUrl(m, rng).host = 'localhost') },
  { name: 'host:empty', apply: (m, rng) => (someUrl(m, rng).host = '') },
  {
    name: 'host:ipv6',
    requires: (t) => t.ipv6,
    apply: (m, rng) => {
      const u = first(m);
      u.host = rng.pick(['[::1]', '[::1]', '::1']);
      if (u.port === null) u.port = undefined;
    },
  },
  {
    name: 'host:placeholder',
    apply: (m, rng) => {
      const u = first(m);
      // The documentation's placeholders only: any other unresolvable name is unknowable statically.
      u.host = rng.pick(['host', 'xxx', '<host>']);
      if (rng.chance(0.4)) u.port = 'port';
      if (rng.chance(0.4)) setParam(u, 'auth', 'password');
    },
  },
  // -- port
  {
    name: 'port:zero-or-missing',
    requires: hasDefault,
    apply: (m, rng) => {
      const u = first(m);
      u.target = 'default';
      u.defaultPort = true;
      u.port = rng.pick(['0', null, '6379', '00']);
    },
  },
  {
    name: 'port:out-of-range',
    apply: (m, rng) => (someUrl(m, rng).port = rng.pick(['65536', '99999', '123456', '70000'])),
  },
  {
    name: 'port:non-numeric',
    apply: (m, rng) => (someUrl(m, rng).port = rng.pick(['abc', 'port', '63x9', '-1', '<port>', 'PORT'])),
  },
  {
    // PHP's URL parser keeps the leading digits of a port of at most 5 characters ("6379x" → 6379).
    name: 'port:digit-prefix',
    requires: hasDefault,
    apply: (m, rng) => {
      const u = first(m);
      u.target = 'default';
      u.defaultPort = true;
      u.port = rng.pick(['6379x', '+6379', '6379/']);
    },
  },
  {
    name: 'port:empty',
    requires: hasDefault,
    apply: (m) => {
      const u = first(m);
      u.target = 'default';
      u.defaultPort = true;
      u.port = '';
    },
  },
  { name: 'port:leading-zero', apply: (m, rng, t) => (someUrl(m, rng).port = `0${t.openPort}`) },
  { name: 'port:trailing-path', apply: (m, rng) => (someUrl(m, rng).path = rng.pick(['/', '/0', '/2', '/db'])) },
  // -- userinfo
  {
    name: 'userinfo:instead-of-auth',
    apply: (m, rng) => {
      const u = first(m);
      u.target = 'secured';
      u.userinfo = rng.pick([
        `${ACL_USER}:${ACL_PASSWORD}`,
        `:${enc(SECURED_PASSWORD)}`,
        `default:${enc(SECURED_PASSWORD)}`,
        `user:${enc(SECURED_PASSWORD)}`,
      ]);
    },
  },
  {
    name: 'userinfo+auth',
    apply: (m, rng) => {
      const u = first(m);
      secure(u, rng);
      u.userinfo = rng.pick([`${ACL_USER}:${ACL_PASSWORD}`, `user:${enc(SECURED_PASSWORD)}`]);
    },
  },
  // -- parameters (each with values PHP should accept and values it should refuse)
  paramFeature('weight:valid', 'weight', ['1', '2', '3']),
  paramFeature('weight:invalid', 'weight', ['0', '-3', 'abc', '0x10', '', '-1', '0.5']),
  paramFeature('weight:coerced', 'weight', ['2.7', '2abc', '+2', '%202', '1e1', '02', '99999999999999999999']),
  paramFeature('timeout:valid', 'timeout', ['1', '2.5', '.5', '1e3', '0.1', '10', '1e400']),
  paramFeature('timeout:invalid', 'timeout', ['0', '-1', 'abc', '', '0.0', '-0.5', '0x1A']),
  paramFeature('timeout:coerced', 'timeout', ['2abc', '+1', '1e-1', '%201', '3s']),
  paramFeature('read_timeout:any', 'read_timeout', ['0', '1.5', '-1', 'abc', '', '2.5', '1e1']),
  paramFeature('persistent:any', 'persistent', ['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off', '2', 'TRUE', '']),
  paramFeature('persistent_id:any', 'persistent_id', ['app', '', 'a%20b', 'x+y'], (u) =>
    setParam(u, 'persistent', '1'),
  ),
  paramFeature('database:any', 'database', ['0', '1', '15', '-1', 'abc', '1.5', '', '03', '16']),
  paramFeature('retry_interval:any', 'retry_interval', ['0', '100', '-1', 'abc', '1.5', '']),
  paramFeature('prefix:valid', 'prefix', [
    'app:',
    '',
    'sess%20x:',
    'a%2Cb:',
    'x+y:',
    'PHPREDIS_SESSION:',
    'a%3Ab:',
    'ü:',
  ]),
  paramFeature('prefix:separator', 'prefix', ['a b:', 'a,b:', 'a\tb:', 'app: ']),
  {
    name: 'auth:valid',
    apply: (m, rng) => {
      const u = first(m);
      u.target = 'secured';
      setParam(u, 'auth', rng.pick(AUTH_ENCODINGS));
    },
  },
  {
    name: 'auth:unencoded',
    apply: (m, rng) => {
      const u = first(m);
      u.target = 'secured';
      setParam(u, 'auth', rng.pick([SECURED_PASSWORD, 'p@ss w%2Brd%2C%239', 'p%40ss%20w%2Brd,%239']));
    },
  },
  {
    name: 'auth:empty',
    apply: (m, rng) => {
      const u = first(m);
      if (rng.chance(0.5)) u.target = 'secured';
      setParam(u, 'auth', rng.pick(['', null]));
    },
  },
  {
    name: 'auth:array-valid',
    apply: (m, rng) => {
      const u = first(m);
      u.target = 'secured';
      addPieces(
        u,
        rng,
        rng.pick([
          [`auth[]=${enc(SECURED_PASSWORD)}`],
          [`auth[]=${ACL_USER}`, `auth[]=${ACL_PASSWORD}`],
          [`auth[user]=${ACL_USER}`, `auth[pass]=${ACL_PASSWORD}`],
          [`auth[pass]=${ACL_PASSWORD}`, `auth[user]=${ACL_USER}`],
          [`auth[pass]=${enc(SECURED_PASSWORD)}`],
        ]),
      );
    },
  },
  {
    name: 'auth:array-size',
    apply: (m, rng) => {
      const u = first(m);
      // Aimed at the password-protected server: against an open one, "no AUTH sent" goes unnoticed.
      u.target = 'secured';
      addPieces(
        u,
        rng,
        rng.pick([
          [`auth[]=${ACL_USER}`, `auth[]=${ACL_PASSWORD}`, 'auth[]=x'],
          [`auth[user]=${ACL_USER}`],
          ['auth[]='],
          [`auth[a]=${ACL_USER}`, `auth[b]=${ACL_PASSWORD}`, `auth[c]=x`],
          [`auth[][]=${ACL_PASSWORD}`],
        ]),
      );
    },
  },
  {
    name: 'stream:on-tcp',
    apply: (m, rng) =>
      addPieces(first(m), rng, [
        rng.pick(['stream[verify_peer]=0', 'stream[verify_peer_name]=0', 'stream[allow_self_signed]=1']),
      ]),
  },
  {
    name: 'param:unknown',
    apply: (m, rng) =>
      addPieces(someUrl(m, rng), rng, [
        rng.pick(['foo=bar', 'Weight=0', 'db=2', 'ssl=1', 'tls=1', 'dbindex=1', 'TIMEOUT=0', 'user=alice', 'Auth=x']),
      ]),
  },
  {
    name: 'param:credential-unknown-key',
    apply: (m, rng) => {
      const u = first(m);
      u.target = 'secured';
      addPieces(u, rng, [`${rng.pick(['password', 'pass', 'requirepass', 'pwd'])}=${enc(SECURED_PASSWORD)}`]);
    },
  },
  {
    name: 'param:duplicate',
    apply: (m, rng) =>
      addPieces(
        first(m),
        rng,
        rng.pick([
          ['timeout=2.5', 'timeout=0'],
          ['timeout=0', 'timeout=2.5'],
          ['weight=1', 'weight=0'],
          ['weight=0', 'weight=2'],
          ['database=1', 'database=2'],
          ['prefix=a:', 'prefix=b:'],
        ]),
      ),
  },
  { name: 'param:empty-query', apply: (m, rng) => (someUrl(m, rng).query = []) },
  {
    name: 'param:fragment',
    apply: (m, rng) => {
      const u = first(m);
      u.fragment = rng.pick(['x', '', 'frag=1']);
    },
  },
  {
    name: 'param:no-equals',
    apply: (m, rng) => addPieces(first(m), rng, [rng.pick(['timeout', 'weight', 'persistent', 'prefix', 'database'])]),
  },
  {
    name: 'param:stray-ampersands',
    apply: (m, rng) => {
      const u = first(m);
      const q = u.query && u.query.length > 0 ? u.query : ['timeout=1'];
      u.query = rng.pick([
        ['', ...q],
        [...q, ''],
        [q[0]!, '', ...q.slice(1)],
      ]);
    },
  },
  {
    name: 'param:semicolon-separator',
    apply: (m, rng) => addPieces(first(m), rng, [rng.pick(['timeout=1;database=1', 'database=1;timeout=0'])]),
  },
  {
    name: 'param:array-on-scalar',
    apply: (m, rng) =>
      addPieces(first(m), rng, [rng.pick(['timeout[]=1', 'weight[]=0', 'database[]=1', 'prefix[]=a'])]),
  },
  // -- whitespace and commas
  {
    name: 'sep:pool',
    apply: (m, rng) => {
      const n = 2 + rng.int(2);
      m.urls = Array.from({ length: n }, () => baseUrl(rng, true));
      m.seps = Array.from({ length: n - 1 }, () => rng.pick([', ', ',', ' ', ' , ', '\t', ',,']));
    },
  },
  { name: 'sep:space-before-query', apply: (m) => (first(m).post = (s) => s.replace('?', ' ?')) },
  {
    name: 'sep:space-after-query',
    apply: (m, rng) => (
      (first(m).query ??= ['timeout=1']),
      (first(m).post = (s) => s.replace('?', rng.pick(['? ', '?,'])))
    ),
  },
  {
    name: 'sep:space-inside-query',
    apply: (m, rng) => {
      const u = first(m);
      if (!u.query || u.query.length < 2) u.query = ['timeout=1', 'database=1'];
      u.post = (s) => s.replace(/&(?=[^&]*$)/, rng.pick([' &', '& ', ',&']));
    },
  },
  { name: 'sep:trailing', apply: (m, rng) => (m.trail = rng.pick([',', ', ', ' ', ',,', ' ,'])) },
  { name: 'sep:leading', apply: (m, rng) => (m.lead = rng.pick([' ', ',', ', '])) },
  {
    name: 'sep:semicolon-between-servers',
    apply: (m, rng) => {
      m.urls = [baseUrl(rng, true), baseUrl(rng, true)];
      m.seps = [rng.pick([';', '; '])];
    },
  },
  // -- quoting
  { name: 'quote:single', apply: (m) => (m.pathQuote = 'single') },
  { name: 'quote:double', apply: (m) => (m.pathQuote = 'double') },
  { name: 'quote:none', apply: (m) => (m.pathQuote = 'none') },
  {
    name: 'quote:env-port',
    apply: (m, rng) => {
      const u = first(m);
      if (u.target === 'default') u.target = 'open';
      u.port = undefined;
      u.defaultPort = false;
      u.portEnv = true;
      m.pathQuote = rng.pick<Quote>(['double', 'double', 'single', 'none']);
    },
  },
  {
    name: 'quote:env-whole-path',
    apply: (m, rng) => {
      m.pathMode = 'raw';
      m.rawPath = `\${${ENV_SAVE_PATH}}`;
      m.pathQuote = rng.pick<Quote>(['double', 'none', 'single']);
    },
  },
  {
    name: 'quote:env-redis-url',
    apply: (m, rng) => {
      m.pathMode = 'raw';
      m.rawPath = `\${${rng.pick(['SCALINGO_REDIS_URL', 'REDIS_URL', 'REDIS_TLS_URL'])}}`;
      m.pathQuote = rng.pick<Quote>(['double', 'none']);
    },
  },
  {
    name: 'quote:unbalanced',
    apply: (m, rng) => {
      m.pathQuote = 'none';
      const q = rng.pick(['"', "'"]);
      m.transforms.push((lines) =>
        lines.map((l) => (l.startsWith('session.save_path') ? l.replace(/(=\s*)/, `$1${q}`) : l)),
      );
    },
  },
  {
    name: 'quote:concatenated',
    apply: (m, rng, t) => {
      const u = first(m);
      m.pathQuote = 'none';
      const rest = renderUrl({ ...u, scheme: null, userinfo: null, host: '', port: null }, t);
      // Keep what an earlier feature put before the host (credentials aimed at the secured server).
      const head = `${u.scheme ?? 'tcp'}://${u.userinfo !== null ? `${u.userinfo}@` : ''}${u.host}:`;
      const tail = `${portOf(u.target, t)}${rest.replace(/"/g, '')}`;
      u.raw = `${rng.chance(0.5) ? `'${head}'` : `"${head}"`}${rng.pick(['', ' '])}"${tail}"`;
      u.intended = head + tail;
      m.urls = [u];
      m.seps = [];
    },
  },
  {
    name: 'quote:comment-after',
    apply: (m, rng) => (m.pathSuffix = rng.pick([' ; Redis sessions', '   ;comment', '\t; x=1'])),
  },
  {
    name: 'quote:unquoted-semicolon',
    apply: (m, rng) => {
      m.pathQuote = 'none';
      const u = first(m);
      // One server: what follows the ';' is then only the comment (or the glued text) itself.
      m.urls = [u];
      m.seps = [];
      u.query = null;
      const tail = rng.pick([';timeout=0', ' ; weight=0', ';']);
      u.post = (s) => s + tail;
      // Glued to the value it reads as part of it; after a space, as the comment it is.
      u.postIsComment = tail.startsWith(' ');
    },
  },
  {
    name: 'quote:semicolon-inside',
    apply: (m, rng) => ((m.pathQuote = rng.pick<Quote>(['single', 'double'])), (first(m).post = (s) => s + ';x')),
  },
  // -- lines
  {
    name: 'line:duplicate-handler',
    apply: (m, rng) => {
      const bad = `session.save_handler = ${rng.pick(['reddis', 'files', 'user', 'phpredis'])}`;
      if (rng.chance(0.5)) m.before.push(bad);
      else m.after.push(bad);
    },
  },
  {
    name: 'line:duplicate-path',
    apply: (m, rng, t) => {
      const bad = `session.save_path = ${rng.pick(["'tcp://host:port?auth=password'", '"tcp://127.0.0.1:abc"', "''", `'tcp://127.0.0.1:${t.openPort}?weight=0'`])}`;
      if (rng.chance(0.5)) m.before.push(bad);
      else m.after.push(bad);
    },
  },
  {
    name: 'line:duplicate-same',
    apply: (m) =>
      m.transforms.push((lines) => {
        const i = lines.findIndex((l) => l.startsWith('session.save_handler') || l.startsWith('session.save_path'));
        return i < 0 ? lines : [...lines, lines[i]!];
      }),
  },
  {
    name: 'line:missing-equals',
    apply: (m, rng) => {
      const which = rng.pick(['session.save_handler', 'session.save_path', 'session.serialize_handler']);
      m.serializer ??= 'php';
      m.transforms.push((lines) =>
        lines.map((l) => (l.startsWith(which) ? l.replace(/\s*=\s*/, rng.pick([' ', '\t', ': '])) : l)),
      );
    },
  },
  {
    name: 'line:misspelled-directive',
    apply: (m, rng) => {
      const [from, to] = rng.pick([
        ['session.save_handler', 'session.save_hander'],
        ['session.save_handler', 'session.savehandler'],
        ['session.save_path', 'session.save-path'],
        ['session.save_path', 'session.savepath'],
        ['session.save_handler', 'Session.save_handler'],
      ]);
      m.transforms.push((lines) => lines.map((l) => (l.startsWith(from!) ? to + l.slice(from!.length) : l)));
    },
  },
  { name: 'line:spacing', apply: (m, rng) => (m.eq = rng.pick(['=', '\t=\t', '   =', '=   '])) },
  { name: 'line:crlf', apply: (m) => (m.crlf = true) },
  { name: 'line:extras', apply: (m, rng) => m.extra.push(...rng.pick(BENIGN_EXTRAS)) },
  {
    name: 'line:empty-path',
    apply: (m, rng) => {
      m.pathMode = 'raw';
      m.rawPath = rng.pick(['', ' ', ',', ' , ']);
      m.pathQuote =
        m.rawPath === '' ? rng.pick<Quote>(['none', 'single', 'double']) : rng.pick<Quote>(['single', 'double']);
    },
  },
  { name: 'line:no-path', apply: (m) => (m.pathMode = 'none') },
  { name: 'line:section', apply: (m, rng) => m.before.unshift(rng.pick(['[PHP]', '[Session]', '[redis]'])) },
  { name: 'line:comments', apply: (m) => (m.before.unshift('; generated', ''), m.extra.push('', ';; end')) },
  { name: 'line:lock-no-expire', apply: (m) => m.extra.push('redis.session.locking_enabled = 1') },
  // -- rediscluster
  { name: 'cluster:valid', requires: hasCluster, apply: (m, rng, t) => toCluster(m, rng, t) },
  {
    name: 'cluster:seed-without-brackets',
    requires: hasCluster,
    apply: (m, rng, t) => {
      toCluster(m, rng, t);
      m.cluster = m.cluster.map((p) => p.replace('seed[]=', rng.pick(['seed=', 'seeds[]=', 'seed[0]='])));
    },
  },
  {
    name: 'cluster:bad-seed',
    requires: hasCluster,
    apply: (m, rng, t) => {
      toCluster(m, rng, t);
      const bad = `seed[]=${rng.pick(['127.0.0.1', 'localhost', `127.0.0.1:${t.clusterPort}:1`, `tcp://127.0.0.1:${t.clusterPort}`, ''])}`;
      // Either the bad seed alone, or among good ones.
      if (rng.chance(0.4)) m.cluster = [bad, ...m.cluster.filter((p) => !p.startsWith('seed[]='))];
      else m.cluster.splice(rng.int(m.cluster.length + 1), 0, bad);
    },
  },
  {
    name: 'cluster:timeouts',
    requires: hasCluster,
    apply: (m, rng, t) => {
      toCluster(m, rng, t);
      m.cluster = m.cluster.filter((p) => !/timeout=/.test(p));
      m.cluster.push(`${rng.pick(['timeout', 'read_timeout'])}=${rng.pick(['-1', 'abc', '0', '1.5', '-0.5', ''])}`);
    },
  },
  {
    name: 'cluster:params',
    requires: hasCluster,
    apply: (m, rng, t) => {
      toCluster(m, rng, t);
      m.cluster.push(
        rng.pick([
          'failover=bogus',
          'failover=ERROR',
          'database=1',
          'weight=0',
          'persistent_id=x',
          'retry_interval=5',
          'persistent=on',
          'foo=bar',
        ]),
      );
    },
  },
  {
    name: 'cluster:no-seed',
    requires: hasCluster,
    apply: (m, rng, t) => {
      toCluster(m, rng, t);
      m.cluster = [rng.pick(['timeout=1', 'prefix=app:', 'failover=error'])];
    },
  },
  {
    name: 'cluster:quoting',
    requires: hasCluster,
    apply: (m, rng, t) => {
      toCluster(m, rng, t);
      m.pathQuote = rng.pick<Quote>(['none', 'single', 'double']);
    },
  },
];

// ---- generation ----

interface Rendered {
  text: string;
  path: string;
  writtenHandler: string | null;
  writtenSerializer: string | null;
  writtenPath: string | null;
}

function render(m: Model, rng: Rng, t: DiffTargets): Rendered {
  const main: string[] = [];
  if (m.handler !== null) main.push(`session.save_handler${m.eq}${quoteValue(m.handler, m.handlerQuote, rng)}`);
  if (m.serializer !== null)
    main.push(`session.serialize_handler${m.eq}${quoteValue(m.serializer, m.serializerQuote, rng)}`);
  const path = m.pathMode === 'none' ? '' : renderPath(m, t);
  if (m.pathMode !== 'none') main.push(`session.save_path${m.eq}${quoteValue(path, m.pathQuote, rng)}${m.pathSuffix}`);
  main.push(...m.extra);
  if (m.shuffle) rng.shuffle(main);
  let lines = [...m.before, ...main, ...m.after];
  for (const tr of m.transforms) lines = tr(lines);
  // What the author meant: the main handler, unless a later duplicate line overrides it (an
  // earlier one does not; a main line broken by a feature still states the intent).
  const lineHandler = (l: string): string | null => {
    const mm = /^session\.save_handler\s*=\s*(.*)$/.exec(l);
    return mm ? mm[1]!.trim().replace(/^(['"])(.*)\1$/, '$2') : null;
  };
  let writtenHandler: string | null = null;
  for (const l of m.before) writtenHandler = lineHandler(l) ?? writtenHandler;
  if (m.handler !== null) writtenHandler = m.handler;
  for (const l of m.after) writtenHandler = lineHandler(l) ?? writtenHandler;
  let writtenPath: string | null = m.pathMode === 'none' ? null : renderPath(m, t, true);
  for (const l of m.after) {
    const mm = /^session\.save_path\s*=\s*(.*)$/.exec(l);
    if (mm) writtenPath = mm[1]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  if (writtenPath?.includes('${')) writtenPath = null;
  const eol = m.crlf ? '\r\n' : '\n';
  return { text: lines.join(eol) + eol, path, writtenHandler, writtenSerializer: m.serializer, writtenPath };
}

/**
 * Would phpredis connect somewhere else than loopback? A server token with no `//` authority whose
 * host part is a number (`127.0.0.1:6379?x` parses as scheme `127.0.0.1` + path `6379`, and
 * `6379` is then resolved as the IPv4 address 0.0.24.235) reaches the network: never run those.
 * Unresolvable names (`host`, `weight=1`) only cost a failed lookup and are kept.
 */
export function reachesBeyondLoopback(savePath: string): boolean {
  return savePath
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((tok) => {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(tok) && !/^[a-z][a-z0-9+.-]*:\/\/\//i.test(tok)) return false;
      const m = /^(?:[^:/?#]*:)?([^?#/]*)/.exec(tok);
      const hostish = m?.[1] ?? '';
      if (/^127\.\d+\.\d+\.\d+$/.test(hostish) || hostish === '0' || /^0+$/.test(hostish)) return false;
      // host:port with nothing after the port is parsed as host + port: safe.
      if (/^[^:/?#]+:\d+\/?$/.test(tok)) return false;
      return /^\d[0-9a-fx.]*$/i.test(hostish);
    });
}

/** Could phpredis end up on 127.0.0.1:6379 (port 0 or missing, bare host)? Errs on the safe side. */
export function mayUseDefaultPort(savePath: string): boolean {
  return savePath
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((tok) => {
      const auth = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(tok);
      if (auth && !/^[a-z][a-z0-9+.-]*:\/\/\//i.test(tok)) {
        return (!auth[2] || /^0*$/.test(auth[2])) && /^(localhost|127\.[\d.]*|\[::1\]|)$/i.test(auth[1] ?? '');
      }
      if (/^(unix:|\/)/i.test(tok) || /^[^:/?#]+:[1-9]\d*\/?$/.test(tok)) return false;
      // No authority: a bare name (or the bogus rest of a split URL) is connected to on port 6379;
      // only names that resolve to this machine matter (the others fail to resolve).
      const rest = tok.replace(/^[a-z][a-z0-9+.-]*:(?=\D)/i, '');
      const hostish = rest.split(/[:/?#]/)[0] ?? '';
      return /^(localhost|127\.[\d.]*|0+|)$/i.test(hostish) && !/^[?#/]/.test(rest);
    });
}

export interface GenerateOptions {
  seed: number;
  count: number;
  targets: DiffTargets;
  /** Probability that a second feature is stacked on the first. */
  comboRate?: number;
}

/** The environment every variant runs with (what `${VAR}` in the fragments expands to). */
export function variantEnv(t: DiffTargets): Record<string, string> {
  const redisUrl = `redis://:${enc(SECURED_PASSWORD)}@127.0.0.1:${t.securedPort}`;
  return {
    [ENV_PORT]: String(t.openPort),
    [ENV_SECURED_PORT]: String(t.securedPort),
    [ENV_TLS_PORT]: String(t.tlsPort ?? t.openPort),
    [ENV_SECURED_TLS_PORT]: String(t.securedTlsPort ?? t.securedPort),
    [ENV_SAVE_PATH]: `tcp://127.0.0.1:${t.openPort}?timeout=2`,
    SCALINGO_REDIS_URL: redisUrl,
    REDIS_URL: redisUrl,
    REDIS_TLS_URL: `rediss://:${enc(SECURED_PASSWORD)}@127.0.0.1:${t.tlsPort ?? t.securedPort}`,
  };
}

export function generateVariants(opts: GenerateOptions): IniVariant[] {
  const rng = new Rng(opts.seed);
  const t = opts.targets;
  const usable = FEATURES.filter((f) => !f.requires || f.requires(t));
  const order = rng.shuffle([...usable]);
  const env = variantEnv(t);
  const seedTag = (opts.seed >>> 0).toString(36);
  const out: IniVariant[] = [];
  const seen = new Set<string>();
  for (let i = 0, attempts = 0; out.length < opts.count && attempts < opts.count * 4; i++, attempts++) {
    const m = baseModel(rng);
    // Round-robin over the features: every one of them is used about count/|features| times.
    const features = [order[i % order.length]!];
    if (rng.chance(opts.comboRate ?? 0.25)) features.push(rng.pick(usable));
    for (const f of features) f.apply(m, rng, t);
    normalizeTargets(m);
    const { text, path, writtenHandler, writtenSerializer, writtenPath } = render(m, rng, t);
    if (seen.has(text)) continue; // identical fragments add nothing
    if (reachesBeyondLoopback(path)) continue;
    // Port 6379 belongs to someone else then: never write sessions into their server.
    if (!t.defaultPortServed && mayUseDefaultPort(path)) continue;
    seen.add(text);
    const index = out.length;
    out.push({
      index,
      tag: `${seedTag}x${index}`,
      features: features.map((f) => f.name),
      text,
      writtenHandler,
      writtenSerializer,
      writtenPath,
      env,
    });
  }
  return out;
}
