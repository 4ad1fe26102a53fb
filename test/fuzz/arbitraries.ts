// Generators for the fuzz tests: realistic composer.json / php.ini / php-fpm documents built from a
// grammar of session directives, values and save_paths (every quoting style, JSON escapes,
// unicode, broken JSON), byte-level mutations of them, and PHP session values (valid and hostile).
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------
// Small deterministic PRNG: choices that do not need shrinking (escape styles, layout noise).

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const DIRECTIVE_NAMES = [
  'session.save_handler',
  'session.save_path',
  'session.serialize_handler',
  'session.gc_maxlifetime',
  'redis.session.locking_enabled',
  'redis.session.lock_expire',
  'redis.session.lock_retries',
  'redis.session.compression',
  'redis.session.early_refresh',
  'session.name',
  'session.cookie_secure',
  'session.use_strict_mode',
  'session.cookie_samesite',
] as const;

const NAME_TYPOS = [
  'session.save_hander',
  'session.savepath',
  'session.save_paht',
  'Session.save_handler',
  'session.serialise_handler',
  'redis.session.lock_expires',
  'redis.session.locking',
  'session.gc_max_lifetime',
  'session.',
  'redis.session.',
  'memory_limit',
  'date.timezone',
  'opcache.enable',
  'extension',
  '',
  'session.save_handler.',
  'session save_handler',
  '[session]',
];

const HANDLERS = [
  'redis',
  'rediscluster',
  'files',
  'memcached',
  'memcache',
  'mm',
  'user',
  'phpredis',
  'predis',
  'reddis',
  'rediss',
  'redis-cluster',
  'REDIS',
  'Redis',
  'RedisCluster',
  'redis ',
  ' redis',
  '',
  'rédis',
  'redis;x',
];
const SERIALIZERS = [
  'php',
  'php_binary',
  'php_serialize',
  'igbinary',
  'msgpack',
  'json',
  'PHP',
  'igbinarry',
  '',
  'wddx',
];
const COMPRESSIONS = ['none', 'lzf', 'zstd', 'lz4', 'gzip', 'LZF', '', '1'];
const NUMBERS = [
  '0',
  '1',
  '-1',
  '2',
  '1440',
  '86400',
  '2.5',
  '.5',
  '1e3',
  'abc',
  '0x10',
  '2abc',
  '-3',
  ' 5',
  '99999999999999999999',
  '1_000',
  'on',
  'off',
  'yes',
  'true',
  'false',
  '',
];
const ENV_NAMES = ['SCALINGO_REDIS_URL', 'REDIS_URL', 'REDIS_TLS_URL', 'REDIS_PASSWORD', 'REDIS_HOST', 'PORT', 'X'];

const SCHEMES = [
  'tcp://',
  'tcp://',
  'tcp://',
  'tls://',
  'ssl://',
  'unix://',
  'TCP://',
  'redis://',
  'rediss://',
  '',
  '',
  'tcp:/',
  'tcp:',
  'http://',
  'file://',
  'unix:',
];
const USERINFO = ['', '', '', '', 'user:pass@', ':pw@', 'default:s3cr3t@', 'user@', '@', 'a:b:c@'];
const HOSTS = [
  '127.0.0.1',
  'localhost',
  'redis.example.com',
  'host',
  '[::1]',
  '::1',
  '10.0.0.1',
  '',
  'hôte.example',
  '${REDIS_HOST}',
  '<host>',
  'xxx',
  'redis-12345.c1.eu-west-1-1.ec2.cloud.redislabs.com',
  '[fe80::1%25eth0]',
  'a b',
];
const PORTS = [
  '',
  ':6379',
  ':6379',
  ':6380',
  ':0',
  ':65535',
  ':65536',
  ':port',
  ':99999',
  ':',
  ':-1',
  ':6379x',
  ':${PORT}',
];
const PATHS = ['', '', '', '/', '/0', '/2', '/var/run/redis/redis.sock', '/tmp/r.sock', 'relative.sock', '//x'];
const PARAM_KEYS = [
  'weight',
  'timeout',
  'read_timeout',
  'persistent',
  'persistent_id',
  'database',
  'prefix',
  'auth',
  'auth[]',
  'auth[]',
  'auth[user]',
  'auth[pass]',
  'retry_interval',
  'stream[verify_peer]',
  'stream[cafile]',
  'stream[peer_name]',
  'failover',
  'password',
  'pass',
  'db',
  'user',
  'ssl',
  'Weight',
  'seed[]',
  'seed',
  'auth[][]',
  'timeout[]',
  'a[b',
  'x]',
  '',
  '%61uth',
];
const PARAM_VALUES = [
  ...NUMBERS,
  'secret',
  's3cr3t',
  'p@ss:w/rd',
  'p%20w',
  'a+b',
  'x,y',
  'a b',
  'é',
  '%C3%A9',
  '%zz',
  '%',
  '${REDIS_PASSWORD}',
  '"${REDIS_PASSWORD}"',
  'password',
  '<password>',
  'xxx',
  'PHPREDIS_SESSION:',
  'myapp:',
  'error',
  'distribute',
  'none',
  '127.0.0.1:7000',
  'host:port',
  '/etc/ssl/ca.pem',
  '0',
  '1',
  '#frag',
  '?',
  '&',
  '=',
  'emoji😀',
  '\u0000',
];

// ---------------------------------------------------------------------------------------------
// Values

const env = fc.constantFrom(...ENV_NAMES).map((n) => `\${${n}}`);

const param = fc
  .tuple(fc.constantFrom(...PARAM_KEYS), fc.option(fc.constantFrom(...PARAM_VALUES), { nil: undefined, freq: 8 }))
  .map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
const paramSep = fc.constantFrom('&', '&', '&', '&&', ';', '&amp;');
const query = fc.oneof(
  { arbitrary: fc.constant(''), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.array(param, { minLength: 1, maxLength: 6 }), paramSep, fc.constantFrom('?', '?', '??', '?&'))
      .map(([ps, s, q]) => q + ps.join(s)),
    weight: 6,
  },
);

/** One server URL of a redis save_path, from plausible to mangled. */
export const serverUrl = fc
  .tuple(
    fc.constantFrom(...SCHEMES),
    fc.constantFrom(...USERINFO),
    fc.constantFrom(...HOSTS),
    fc.constantFrom(...PORTS),
    fc.constantFrom(...PATHS),
    query,
  )
  .map(([s, u, h, p, path, q]) =>
    s === 'unix://' || s === 'unix:' ? `${s}${path || '/run/redis.sock'}${q}` : `${s}${u}${h}${p}${path}${q}`,
  );

const serverSep = fc.constantFrom(', ', ',', ' ', '\t', ' , ', ',,', '\n');
const redisSavePath = fc
  .tuple(fc.array(serverUrl, { minLength: 1, maxLength: 3 }), serverSep)
  .map(([xs, sep]) => xs.join(sep));

const clusterSavePath = fc
  .tuple(
    fc.array(
      fc.constantFrom('127.0.0.1:7000', '127.0.0.1:7001', 'host:port', 'node', '[::1]:7000', ':7000', 'a:b:7002', ''),
      { minLength: 0, maxLength: 4 },
    ),
    fc.array(param, { maxLength: 4 }),
    fc.constantFrom('seed[]', 'seed[]', 'seed', 'seed[0]', 'seeds[]'),
  )
  .map(([seeds, ps, key]) => [...seeds.map((s) => `${key}=${s}`), ...ps].join('&'));

const savePath = fc.oneof(
  { arbitrary: redisSavePath, weight: 10 },
  { arbitrary: clusterSavePath, weight: 3 },
  { arbitrary: env, weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '/var/lib/php/sessions',
      'redis://h:6379',
      'rediss://:pw@h:6380/1',
      'tcp://host:port?auth=password',
      '',
      ' ',
    ),
    weight: 2,
  },
);

function valueFor(name: string): fc.Arbitrary<string> {
  switch (name) {
    case 'session.save_handler':
      return fc.constantFrom(...HANDLERS);
    case 'session.save_path':
      return savePath;
    case 'session.serialize_handler':
      return fc.constantFrom(...SERIALIZERS);
    case 'redis.session.compression':
      return fc.constantFrom(...COMPRESSIONS);
    default:
      return fc.oneof(fc.constantFrom(...NUMBERS), env, fc.string({ maxLength: 8 }));
  }
}

/** Writes a value the way people do in ini files: bare, single- or double-quoted, with env refs and comments. */
const quoted = (value: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(
        'none',
        'none',
        'single',
        'double',
        'double',
        'open-single',
        'open-double',
        'mixed',
        'env-double',
        'env-single',
      ),
      fc.constantFrom('', '', '', ' ; comment', ';x', ' # hash'),
    )
    .map(([q, tail]) => {
      switch (q) {
        case 'single':
          return `'${value}'${tail}`;
        case 'double':
          return `"${value}"${tail}`;
        case 'open-single':
          return `'${value}`;
        case 'open-double':
          return `"${value}`;
        case 'mixed':
          return `"${value.slice(0, value.length >> 1)}"${value.slice(value.length >> 1)}${tail}`;
        case 'env-double':
          return `"\${REDIS_URL}${value}"`;
        case 'env-single':
          return `'\${REDIS_URL}'`;
        default:
          return `${value}${tail}`;
      }
    });

const equals = fc.constantFrom(' = ', ' = ', '=', ' =', '= ', '\t=\t', ' ', ' == ', ' : ');

const directiveName = fc.oneof(
  { arbitrary: fc.constantFrom(...DIRECTIVE_NAMES), weight: 8 },
  { arbitrary: fc.constantFrom(...NAME_TYPOS), weight: 1 },
);

/** One ini directive line (no newline). */
export const iniLine: fc.Arbitrary<string> = directiveName.chain((name) =>
  fc
    .tuple(fc.constant(name), equals, valueFor(name).chain(quoted), fc.constantFrom('', '', '', ' ', '\t', '  '))
    .map(([n, eq, v, lead]) => `${lead}${n}${eq}${v}`),
);

/** A session configuration: mostly coherent (handler + save_path + serializer), sometimes not. */
const configLines = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom('redis', 'redis', 'rediscluster', 'files', 'reddis'),
        fc.option(savePath, { nil: undefined, freq: 6 }),
        fc.array(iniLine, { maxLength: 5 }),
        fc.option(fc.constantFrom(...SERIALIZERS), { nil: undefined }),
        fc.constantFrom('', '"', "'"),
      )
      .map(([h, p, rest, ser, q]) => {
        const lines = [`session.save_handler = ${h}`];
        if (p !== undefined) lines.push(`session.save_path = ${q}${p}${q}`);
        if (ser !== undefined) lines.push(`session.serialize_handler = ${ser}`);
        return [...lines, ...rest];
      }),
    weight: 3,
  },
  { arbitrary: fc.array(iniLine, { minLength: 0, maxLength: 8 }), weight: 2 },
);

// ---------------------------------------------------------------------------------------------
// JSON writing with every escape style

/** A JSON string literal for `s`; the PRNG decides which characters get which (valid) escapes. */
export function jsonLiteral(s: string, r: () => number, style: number): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const u = (n: number): string => `\\u${n.toString(16).padStart(4, '0')}`;
    const unit = (x: string): string => Array.from({ length: x.length }, (_, i) => u(x.charCodeAt(i))).join('');
    if (ch === '"') out += r() < 0.8 || style === 0 ? '\\"' : u(0x22);
    else if (ch === '\\') out += r() < 0.8 || style === 0 ? '\\\\' : u(0x5c);
    else if (c < 0x20)
      out += ({ 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' } as Record<number, string>)[c] ?? u(c);
    else if (ch === '/' && style >= 1 && r() < 0.5) out += '\\/';
    else if (c >= 0x80 && style >= 1 && r() < 0.6)
      out += r() < 0.5 ? unit(ch) : unit(ch).toUpperCase().replace(/\\U/g, '\\u');
    else if (style >= 2 && r() < 0.1) out += unit(ch);
    else out += ch;
  }
  return out + '"';
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON text with a generated layout (indent unit, spacing, line ending) and escapes. */
export function writeJson(value: Json, seed: number): string {
  const r = prng(seed);
  const indent = pick(r, ['    ', '  ', '\t', '', '   ']);
  const eol = indent === '' ? '' : pick(r, ['\n', '\n', '\n', '\r\n']);
  const colon = indent === '' ? pick(r, [':', ': ']) : pick(r, [': ', ': ', ':', ' : ']);
  const style = Math.floor(r() * 3);
  const emit = (v: Json, depth: number): string => {
    const pad = (d: number): string => (indent ? eol + indent.repeat(d) : '');
    if (v === null || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
    if (typeof v === 'string') return jsonLiteral(v, r, style);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${v.map((x) => pad(depth + 1) + emit(x, depth + 1)).join(',')}${pad(depth)}]`;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    return `{${keys.map((k) => `${pad(depth + 1)}${jsonLiteral(k, r, style)}${colon}${emit(v[k]!, depth + 1)}`).join(',')}${pad(depth)}}`;
  };
  return emit(value, 0) + (r() < 0.8 ? eol || '\n' : '');
}

// ---------------------------------------------------------------------------------------------
// composer.json documents

const requireMap = fc
  .subarray(
    [
      'php',
      'ext-redis',
      'ext-redis',
      'ext-igbinary',
      'ext-msgpack',
      'ext-json',
      'symfony/framework-bundle',
      'laravel/framework',
      'predis/predis',
    ],
    { minLength: 0 },
  )
  .chain((names) =>
    fc
      .tuple(...names.map(() => fc.constantFrom('*', '^8.2', '>=5.3', '^7.1', '6.0.2')))
      .map((vs) => Object.fromEntries(names.map((n, i) => [n, vs[i]!]))),
  );

const phpConfigValue: fc.Arbitrary<Json> = fc.oneof(
  { arbitrary: configLines, weight: 20 },
  {
    arbitrary: fc.constantFrom<Json>(
      'session.save_handler = redis',
      42,
      null,
      {},
      { a: 'session.save_handler = redis' },
    ),
    weight: 1,
  },
  { arbitrary: configLines.map((ls): Json => [...ls, 1, null, ['x']]), weight: 1 },
);

export interface ComposerShape {
  doc: Json;
  seed: number;
}

export const composerShape: fc.Arbitrary<ComposerShape> = fc
  .record({
    name: fc.option(fc.constantFrom('acme/shop', 'Acme Shop', 'acme/app'), { nil: undefined }),
    require: fc.option(requireMap, { nil: undefined, freq: 6 }),
    requireDev: fc.option(requireMap, { nil: undefined }),
    platform: fc.option(
      fc.dictionary(fc.constantFrom('php', 'ext-redis', 'ext-igbinary'), fc.constantFrom<Json>('8.2.0', '*', false), {
        maxKeys: 2,
      }),
      { nil: undefined },
    ),
    paas: fc.option(phpConfigValue, { nil: undefined, freq: 10 }),
    heroku: fc.option(
      fc.oneof(
        fc.constant<Json>({}),
        phpConfigValue.map((v): Json => ({ 'php-config': v })),
        fc.constant<Json>(null),
        fc.constant<Json>({ 'document-root': 'public' }),
      ),
      { nil: undefined },
    ),
    extraPaas: fc.option(fc.constantFrom<Json>({ 'document-root': 'public' }, { 'php-version': '8.2' }), {
      nil: undefined,
    }),
    order: fc.nat(1000),
    seed: fc.integer(),
  })
  .map((g) => {
    const doc: Record<string, Json> = {};
    const entries: [string, Json][] = [];
    if (g.name !== undefined) entries.push(['name', g.name]);
    entries.push(['type', 'project']);
    if (g.require !== undefined) entries.push(['require', g.require]);
    if (g.requireDev !== undefined) entries.push(['require-dev', g.requireDev]);
    if (g.platform !== undefined) entries.push(['config', { platform: g.platform, 'optimize-autoloader': true }]);
    const extra: Record<string, Json> = {};
    if (g.paas !== undefined || g.extraPaas !== undefined) {
      const paas: Record<string, Json> = { ...((g.extraPaas as Record<string, Json>) ?? {}) };
      if (g.paas !== undefined) paas['php-config'] = g.paas;
      extra.paas = paas;
    }
    if (g.heroku !== undefined) extra.heroku = g.heroku;
    entries.push(['extra', extra]);
    entries.push(['autoload', { 'psr-4': { 'App\\': 'src/' } }]);
    // A rotation of the key order: rules must not depend on where require sits.
    const k = g.order % entries.length;
    for (const [key, v] of [...entries.slice(k), ...entries.slice(0, k)]) doc[key] = v;
    return { doc, seed: g.seed };
  });

/** Structural breakage people commit (Composer rejects all of these). */
export type Breakage =
  | 'none'
  | 'trailing-comma'
  | 'comment'
  | 'scalingo-extra'
  | 'truncate'
  | 'single-quotes'
  | 'unclosed-string'
  | 'bad-escape'
  | 'duplicate-key';

export function breakJson(text: string, how: Breakage, at: number): string {
  const pos = (xs: number[]): number | undefined => (xs.length ? xs[at % xs.length] : undefined);
  const indexes = (re: RegExp): number[] => Array.from(text.matchAll(re), (m) => m.index!);
  switch (how) {
    case 'trailing-comma': {
      const p = pos(indexes(/[}\]]/g).filter((i) => i > 1));
      return p === undefined ? text : `${text.slice(0, p).trimEnd()},${text.slice(p)}`;
    }
    case 'comment': {
      const p = pos(indexes(/[{[,]/g));
      return p === undefined ? text : `${text.slice(0, p + 1)} // note\n${text.slice(p + 1)}`;
    }
    case 'scalingo-extra':
      return text.replace(/"extra"\s*:\s*\{/, '"extra: {');
    case 'truncate':
      return text.slice(0, at % (text.length + 1));
    case 'single-quotes': {
      const p = pos(indexes(/"/g));
      return p === undefined ? text : `${text.slice(0, p)}'${text.slice(p + 1)}`;
    }
    case 'unclosed-string': {
      const p = pos(indexes(/",?\r?\n/g));
      return p === undefined ? text : text.slice(0, p) + text.slice(p + 1);
    }
    case 'bad-escape': {
      const p = pos(indexes(/"/g));
      return p === undefined
        ? text
        : `${text.slice(0, p + 1)}${pick(prng(at), ['\\x41', '\\u12', '\\U0041', '\\', '\\uD800', '\\udc00\\ud800'])}${text.slice(p + 1)}`;
    }
    case 'duplicate-key':
      return text.replace(/"extra"/, '"require": {"ext-redis": "*"}, "extra"');
    default:
      return text;
  }
}

const breakage = fc.oneof(
  { arbitrary: fc.constant<Breakage>('none'), weight: 12 },
  {
    arbitrary: fc.constantFrom<Breakage>(
      'trailing-comma',
      'comment',
      'scalingo-extra',
      'truncate',
      'single-quotes',
      'unclosed-string',
      'bad-escape',
      'duplicate-key',
    ),
    weight: 5,
  },
);

// ---------------------------------------------------------------------------------------------
// Byte-level mutations

const NASTY = [
  '"',
  '\\',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '=',
  ';',
  "'",
  '&',
  '?',
  '#',
  '%',
  '+',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  'é',
  '😀',
  '\uD800',
  '\uDC00',
  '\u0000',
  '$',
  '${',
  '}',
  '\u2028',
  '\uFEFF',
  'tcp://',
  'seed[]=',
  '\\u00e9',
  '\\"',
  'auth=',
  '"session.save_path = tcp://h:1?a=b&c=d",',
];

export type Mutation = {
  op: 'insert' | 'delete' | 'replace' | 'duplicate' | 'swap';
  at: number;
  len: number;
  text: string;
};

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('insert', 'delete', 'replace', 'duplicate', 'swap'),
  at: fc.nat(),
  len: fc.nat(12),
  text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 4, unit: 'binary' })),
});

export function mutate(text: string, ms: readonly Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    const end = Math.min(t.length, at + m.len);
    switch (m.op) {
      case 'insert':
        t = t.slice(0, at) + m.text + t.slice(at);
        break;
      case 'delete':
        t = t.slice(0, at) + t.slice(end);
        break;
      case 'replace':
        t = t.slice(0, at) + m.text + t.slice(end);
        break;
      case 'duplicate':
        t = t.slice(0, end) + t.slice(at, end) + t.slice(end);
        break;
      case 'swap': {
        const other = (m.at * 7 + 13) % (t.length + 1);
        const [a, b] = at < other ? [at, other] : [other, at];
        t =
          t.slice(0, a) +
          t.slice(b, Math.min(t.length, b + m.len)) +
          t.slice(a + m.len, b) +
          t.slice(a, Math.min(a + m.len, b)) +
          t.slice(Math.min(t.length, b + m.len));
        break;
      }
    }
  }
  return t;
}

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

// ---------------------------------------------------------------------------------------------
// Documents

export interface LintCase {
  fileName: string;
  text: string;
}

export const composerCase: fc.Arbitrary<LintCase> = fc
  .tuple(composerShape, breakage, fc.nat(), fc.option(mutations, { nil: undefined, freq: 3 }))
  .map(([shape, how, at, ms]) => {
    let text = breakJson(writeJson(shape.doc, shape.seed), how, at);
    if (ms) text = mutate(text, ms);
    return { fileName: 'composer.json', text };
  });

const iniNoise = fc.constantFrom(
  '',
  '; a comment',
  '# hash comment',
  '[PHP]',
  '[Session]',
  'extension=redis.so',
  'memory_limit = 256M',
  'short_open_tag = Off',
  '   ',
);

export const iniCase: fc.Arbitrary<LintCase> = fc
  .tuple(
    fc.array(fc.oneof({ arbitrary: iniLine, weight: 3 }, { arbitrary: iniNoise, weight: 1 }), { maxLength: 12 }),
    configLines,
    fc.constantFrom('\n', '\n', '\r\n'),
    fc.constantFrom('php.ini', 'conf.d/20-redis.ini', '.user.ini', 'www.conf'),
    fc.boolean(),
    fc.option(mutations, { nil: undefined, freq: 3 }),
  )
  .map(([noise, config, eol, fileName, trailing, ms]) => {
    let lines = [...config, ...noise];
    if (fileName.endsWith('.conf')) {
      lines = [
        '[www]',
        'pm = dynamic',
        ...lines.map((l, i) =>
          i % 3 === 2
            ? l
            : l.replace(/^\s*([^=\s]+)\s*=/, (_, n: string) => `php${i % 2 ? '_admin' : ''}_value[${n}] =`),
        ),
      ];
    }
    let text = lines.join(eol) + (trailing ? eol : '');
    if (ms) text = mutate(text, ms);
    return { fileName, text };
  });

export const lintCase: fc.Arbitrary<LintCase> = fc.oneof(
  { arbitrary: composerCase, weight: 3 },
  { arbitrary: iniCase, weight: 2 },
);

// ---------------------------------------------------------------------------------------------
// save_path round trip: valid servers only

const hostLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const validHost = fc.oneof(
  fc.tuple(fc.array(hostLabel, { minLength: 1, maxLength: 3 })).map(([ls]) => ls.join('.')),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((xs) => xs.join('.')),
  fc.constantFrom('localhost', '[::1]', '[2001:db8::7]', 'redis.internal'),
);
const paramValueText = fc.oneof(
  fc.constantFrom(...PARAM_VALUES.filter((v) => v !== '\u0000')),
  fc.string({ maxLength: 12, unit: 'grapheme' }),
  fc.string({ maxLength: 8, unit: 'binary-ascii' }),
);
const validParam = fc.tuple(
  fc.constantFrom(
    'weight',
    'timeout',
    'read_timeout',
    'persistent',
    'persistent_id',
    'database',
    'prefix',
    'auth',
    'retry_interval',
    'x',
  ),
  paramValueText.map((v) => encodeURIComponent(v.replace(/\0/g, ''))),
);

/** A save_path whose every server PHP parses: scheme + host + port (or a unix socket) + query. */
export const validSavePath = fc
  .array(
    fc.oneof(
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom('tcp', 'tls', 'ssl'),
            validHost,
            fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
            fc.array(validParam, { maxLength: 5 }),
          )
          .map(
            ([s, h, p, ps]) =>
              `${s}://${h}${p === undefined ? '' : `:${p}`}${ps.length ? `?${ps.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`,
          ),
        weight: 5,
      },
      {
        arbitrary: fc
          .tuple(
            fc.constantFrom('unix://', 'unix:', ''),
            fc.constantFrom('/run/redis.sock', '/tmp/r.sock', '/var/run/redis/redis-server.sock'),
            fc.array(validParam, { maxLength: 3 }),
          )
          .map(([s, path, ps]) => `${s}${path}${ps.length ? `?${ps.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`),
        weight: 1,
      },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .chain((servers) => fc.constantFrom(', ', ',', ' ').map((sep) => servers.join(sep)));

// ---------------------------------------------------------------------------------------------
// PHP session values

type V =
  | { t: 'N' }
  | { t: 'b'; v: boolean }
  | { t: 'i'; v: bigint }
  | { t: 'd'; v: string }
  | { t: 's'; v: Uint8Array }
  | { t: 'a'; e: [bigint | Uint8Array, V][] }
  | { t: 'O'; cls: string; e: [Uint8Array, V][] }
  | { t: 'E'; v: string }
  | { t: 'C'; cls: string; v: Uint8Array }
  | { t: 'r' | 'R'; v: number };

const enc = new TextEncoder();
const bytesArb = fc.oneof(
  fc.string({ maxLength: 16 }).map((s) => enc.encode(s)),
  fc.string({ maxLength: 6, unit: 'grapheme' }).map((s) => enc.encode(s)),
  fc.uint8Array({ maxLength: 10 }),
);
const propName = fc.oneof(
  bytesArb,
  fc
    .constantFrom('\0*\0prot', '\0App\\User\0secret', '\0class@anonymous\0/in/x.php:3$0\0p', '\0\0', '\0*', 'a\0b')
    .map((s) => enc.encode(s)),
);

const value: fc.Arbitrary<V> = fc.letrec<{ v: V }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<V>({ t: 'N' }),
    fc.boolean().map((v): V => ({ t: 'b', v })),
    fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((v): V => ({ t: 'i', v })),
    fc
      .oneof(
        fc
          .double()
          .map((d) => (Number.isNaN(d) ? 'NAN' : d === Infinity ? 'INF' : d === -Infinity ? '-INF' : String(d))),
        fc.constantFrom('1.0E+25', '-0', '.5', '5.', '1e400', '0x1', '1E-7'),
      )
      .map((v): V => ({ t: 'd', v })),
    bytesArb.map((v): V => ({ t: 's', v })),
    fc
      .array(fc.tuple(fc.oneof(fc.bigInt({ min: -5n, max: 20n }), bytesArb), tie('v')), { maxLength: 4 })
      .map((e): V => ({ t: 'a', e })),
    fc
      .tuple(
        fc.constantFrom('stdClass', 'App\\User', 'ArrayObject', 'Å', '_', 'class@anonymous'),
        fc.array(fc.tuple(propName, tie('v')), { maxLength: 3 }),
      )
      .map(([cls, e]): V => ({ t: 'O', cls, e })),
    fc.constantFrom('Suit:Hearts', 'Status:Active', 'X', 'A:B:C').map((v): V => ({ t: 'E', v })),
    fc
      .tuple(fc.constantFrom('ArrayObject', 'Legacy', 'SplObjectStorage'), bytesArb)
      .map(([cls, v]): V => ({ t: 'C', cls, v })),
    fc.tuple(fc.constantFrom<'r' | 'R'>('r', 'R'), fc.integer({ min: -1, max: 8 })).map(([t, v]): V => ({ t, v })),
  ),
})).v;

function concat(parts: (Uint8Array | string)[]): Uint8Array {
  const bufs = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(bufs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bufs) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** PHP's serialize() grammar for a generated value (references may point anywhere: hostile on purpose). */
export function serializeV(v: V): Uint8Array {
  const key = (k: bigint | Uint8Array): (Uint8Array | string)[] =>
    typeof k === 'bigint' ? [`i:${k};`] : [`s:${k.length}:"`, k, '";'];
  switch (v.t) {
    case 'N':
      return enc.encode('N;');
    case 'b':
      return enc.encode(`b:${v.v ? 1 : 0};`);
    case 'i':
      return enc.encode(`i:${v.v};`);
    case 'd':
      return enc.encode(`d:${v.v};`);
    case 's':
      return concat([`s:${v.v.length}:"`, v.v, '";']);
    case 'a':
      return concat([`a:${v.e.length}:{`, ...v.e.flatMap(([k, x]) => [...key(k), serializeV(x)]), '}']);
    case 'O': {
      const cls = enc.encode(v.cls);
      return concat([
        `O:${cls.length}:"`,
        cls,
        `":${v.e.length}:{`,
        ...v.e.flatMap(([k, x]) => [...key(k), serializeV(x)]),
        '}',
      ]);
    }
    case 'E':
      return enc.encode(`E:${enc.encode(v.v).length}:"${v.v}";`);
    case 'C': {
      const cls = enc.encode(v.cls);
      return concat([`C:${cls.length}:"`, cls, `":${v.v.length}:{`, v.v, '}']);
    }
    case 'r':
    case 'R':
      return enc.encode(`${v.t}:${v.v};`);
  }
}

const sessionName = fc.oneof(
  fc.constantFrom('user', 'cart', '_sf2_attributes', 'csrf', 'a|b', '', 'é', '!x'),
  fc.string({ maxLength: 6 }),
);

/** A whole stored session value in one of the formats, valid by construction (before mutation). */
const sessionBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  // php_serialize: serialize($_SESSION)
  fc
    .array(fc.tuple(fc.oneof(fc.bigInt({ min: 0n, max: 5n }), bytesArb), value), { maxLength: 5 })
    .map((e) => serializeV({ t: 'a', e })),
  // php: name|value...
  fc
    .array(fc.tuple(sessionName, value), { maxLength: 5 })
    .map((vs) => concat(vs.flatMap(([n, x]) => [n, '|', serializeV(x)]))),
  // php_binary: len name value...
  fc
    .array(fc.tuple(sessionName, value), { maxLength: 4 })
    .map((vs) => concat(vs.flatMap(([n, x]) => [new Uint8Array([enc.encode(n).length & 0xff]), n, serializeV(x)]))),
  // Laravel: a serialized string holding serialize() of the attributes
  fc
    .array(fc.tuple(bytesArb, value), { maxLength: 3 })
    .map((e) => serializeV({ t: 's', v: serializeV({ t: 'a', e }) })),
);

const HOSTILE = [
  'a:2000000000:{',
  's:2000000000:"x";',
  's:-1:"";',
  'a:1:{i:0;R:2000000000;}',
  'a:1:{i:0;r:0;}',
  'O:2000000000:"x":0:{}',
  'O:8:"stdClass":2000000000:{}',
  'C:11:"ArrayObject":2000000000:{}',
  'i:99999999999999999999999999;',
  'd:' + '9'.repeat(400) + ';',
  'E:7:"NoColon";',
  'user|' + 'a:1:{i:0;'.repeat(3000) + 'N;' + '}'.repeat(3000),
  'a:1:{i:0;'.repeat(20000),
  'x|s:5:"abc";',
  '\x00\x00\x00\x02\x14\xff\xff\xff\xff',
  '\x28\xb5\x2f\xfd\xff\xff\xff\xff\xff\xff\xff\xff\x00',
  '\x28\xb5\x2f\xfd\x04\x58\x00\x00\x10\x00\x00',
  '\xdf\xff\xff\xff\xff',
  '\x81\xa1a\xdd\xff\xff\xff\xff',
];

const hostile = fc.constantFrom(...HOSTILE).map((s) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff));

// phpredis's lz4 header: one crc8 byte then the original length (int32 LE), then the block.
const lz4ish = fc
  .tuple(
    fc.uint8Array({ minLength: 1, maxLength: 1 }),
    fc.integer({ min: -1, max: 1 << 30 }),
    fc.uint8Array({ maxLength: 40 }),
  )
  .map(([c, n, body]) => {
    const b = new Uint8Array(5 + body.length);
    b[0] = c[0]!;
    new DataView(b.buffer).setInt32(1, n, true);
    b.set(body, 5);
    return b;
  });
const zstdish = fc
  .uint8Array({ maxLength: 40 })
  .map((body) => concat([new Uint8Array([0x28, 0xb5, 0x2f, 0xfd]), body]));
const igbinaryish = fc.uint8Array({ maxLength: 40 }).map((body) => concat([new Uint8Array([0, 0, 0, 2]), body]));
const msgpackish = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => {
  b[0] = 0x80 | (b[0]! & 0x0f);
  return b;
});

export interface ByteMutation {
  op: 'flip' | 'set' | 'insert' | 'delete' | 'digits' | 'truncate';
  at: number;
  byte: number;
}

const byteMutation: fc.Arbitrary<ByteMutation> = fc.record({
  op: fc.constantFrom('flip', 'set', 'insert', 'delete', 'digits', 'truncate'),
  at: fc.nat(),
  byte: fc.nat(255),
});

/** Byte mutations aimed at serialize()'s weak spots: lengths, counts, delimiters. */
export function mutateBytes(b: Uint8Array, ms: readonly ByteMutation[]): Uint8Array {
  let out = b;
  for (const m of ms) {
    const n = out.length;
    const at = n === 0 ? 0 : m.at % n;
    const special = [0x3a, 0x3b, 0x22, 0x7b, 0x7d, 0x7c, 0x30, 0x39, 0x2d, 0x00, 0xff, 0x61, 0x73, 0x4f, 0x52, 0x72];
    switch (m.op) {
      case 'flip':
        if (n) out = Uint8Array.from(out, (x, i) => (i === at ? x ^ (1 << (m.byte & 7)) : x));
        break;
      case 'set':
        if (n) out = Uint8Array.from(out, (x, i) => (i === at ? special[m.byte % special.length]! : x));
        break;
      case 'insert':
        out = concat([
          out.subarray(0, at),
          new Uint8Array([m.byte % 2 ? special[m.byte % special.length]! : m.byte]),
          out.subarray(at),
        ]);
        break;
      case 'delete':
        out = concat([out.subarray(0, at), out.subarray(Math.min(n, at + 1 + (m.byte % 4)))]);
        break;
      case 'digits': {
        // Rewrite the number after the first ':' at or after `at` (a length, a count, an index).
        let i = at;
        while (i < n && out[i] !== 0x3a) i++;
        let j = i + 1;
        while (j < n && out[j]! >= 0x30 && out[j]! <= 0x39) j++;
        if (i < n)
          out = concat([
            out.subarray(0, i + 1),
            enc.encode(String([0, 1, 2, 7, 255, 65536, 2147483647, 4294967296, -1][m.byte % 9])),
            out.subarray(j),
          ]);
        break;
      }
      case 'truncate':
        out = out.subarray(0, at);
        break;
    }
  }
  return out;
}

export const sessionCase: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: sessionBytes, weight: 4 },
  {
    arbitrary: fc
      .tuple(sessionBytes, fc.array(byteMutation, { minLength: 1, maxLength: 5 }))
      .map(([b, ms]) => mutateBytes(b, ms)),
    weight: 10,
  },
  { arbitrary: hostile, weight: 1 },
  {
    arbitrary: fc
      .tuple(hostile, fc.array(byteMutation, { minLength: 1, maxLength: 3 }))
      .map(([b, ms]) => mutateBytes(b, ms)),
    weight: 1,
  },
  { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 2 },
  { arbitrary: fc.oneof(lz4ish, zstdish, igbinaryish, msgpackish), weight: 2 },
);
