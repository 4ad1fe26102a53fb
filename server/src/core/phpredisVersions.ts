// Which phpredis release knows which ini directive and which save_path parameter. Each fact names
// its source in phpredis/phpredis: the release tag whose redis.c first registers the directive
// (PHP_INI_ENTRY table), or the commit that changed redis_session.c. Real PHP 8.2 with phpredis
// 5.3.7 checks the 5.3 column in the tests; the 6.x facts come from the sources.

/** A release line the linter can judge a configuration for. */
export const PHPREDIS_VERSIONS = ['5.3', '6.0', '6.1', '6.2', '6.3'] as const;
export type PhpredisVersion = (typeof PHPREDIS_VERSIONS)[number];
/** The default: the latest 6.x (what Scalingo's and Heroku's buildpacks install). */
export const PHPREDIS_LATEST: PhpredisVersion = '6.3';

export interface VersionFact {
  /** First release that has it ("4.1.0"), or "6.2+" when it came after 6.1 in a release not confirmed. */
  since: string;
  /** Where that comes from. */
  source: string;
}

const tag = (since: string, commit: string): VersionFact => ({
  since,
  source: `redis.c of tag ${since} (${commit}) is the first to register it`,
});

/** Every ini directive phpredis registers (redis.c PHP_INI_BEGIN … PHP_INI_END). */
export const PHPREDIS_DIRECTIVES: Readonly<Record<string, VersionFact>> = {
  ...Object.fromEntries(
    [
      'autorehash',
      'connecttimeout',
      'distributor',
      'functions',
      'hosts',
      'index',
      'lazyconnect',
      'names',
      'pconnect',
      'previous',
      'readtimeout',
      'retryinterval',
    ].map((n) => [`redis.arrays.${n}`, tag('4.0.0', 'ea2a705a')]),
  ),
  ...Object.fromEntries(
    ['persistent', 'read_timeout', 'seeds', 'timeout'].map((n) => [`redis.clusters.${n}`, tag('4.0.0', 'ea2a705a')]),
  ),
  'redis.session.locking_enabled': tag('4.1.0', '09fbc54d'),
  'redis.session.lock_expire': tag('4.1.0', '09fbc54d'),
  'redis.session.lock_retries': tag('4.1.0', '09fbc54d'),
  'redis.session.lock_wait_time': tag('4.1.0', '09fbc54d'),
  'redis.arrays.algorithm': tag('4.3.0', 'c588f030'),
  'redis.arrays.auth': tag('4.3.0', 'c588f030'),
  'redis.arrays.consistent': tag('4.3.0', 'c588f030'),
  'redis.clusters.auth': tag('4.3.0', 'c588f030'),
  'redis.pconnect.connection_limit': tag('4.3.0', 'c588f030'),
  'redis.pconnect.pooling_enabled': tag('4.3.0', 'c588f030'),
  'redis.clusters.cache_slots': tag('5.0.0', 'a5dfff38'),
  'redis.pconnect.echo_check_liveness': tag('5.2.2', '2a5e1b62'),
  'redis.pconnect.pool_pattern': tag('5.3.0', 'adbc12e5'),
  'redis.pconnect.pool_detect_dirty': tag('5.3.5', '2a130215'),
  'redis.pconnect.pool_poll_timeout': tag('5.3.5', '2a130215'),
  // Added by b6cf6361 for the rediscluster handler; the redis handler reads it since 6.1.0 (b6989018).
  'redis.session.early_refresh': tag('6.0.0', 'e193c873'),
  // da4ab0a7, "Add compression support for PHP Sessions (#2473)".
  'redis.session.compression': tag('6.1.0', '5419cc9c'),
  'redis.session.compression_level': tag('6.1.0', '5419cc9c'),
  'redis.session.lock_failure_readonly': {
    since: '6.2+',
    source: 'PR #2665 "Obtain a read only session if session lock fails (with INI)", merged 2025-07-10, after 6.1.0',
  },
};

/** save_path parameters a handler started to read in a given release (older ones: every supported release). */
export const PHPREDIS_PARAMS: Readonly<Record<'redis' | 'rediscluster', Readonly<Record<string, VersionFact>>>> = {
  redis: {
    stream: {
      since: '6.0.0',
      source: 'redis_session.c ed10f365 "fix redis session standalone stream ssl context" (issue #2141), tag 6.0.0',
    },
  },
  rediscluster: {
    stream: { since: '5.3.2', source: 'redis_session.c a8daaff8 "Issue #1782", tag 5.3.2' },
  },
};

/** Compares dotted versions ("6.1" < "6.1.0" counts as equal). */
function cmp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The newest patch release of a line, as the facts compare against it. */
const NEWEST_PATCH: Record<PhpredisVersion, string> = {
  '5.3': '5.3.7',
  '6.0': '6.0.2',
  '6.1': '6.1.0',
  '6.2': '6.2.0',
  '6.3': '6.3.0',
};

/** Whether release line `version` has what `fact` describes. */
export function hasFact(fact: VersionFact, version: PhpredisVersion): boolean {
  // "6.2+": certainly not in 6.1 or before; which 6.x first shipped it is not known.
  if (fact.since.endsWith('+')) return cmp(version, fact.since.slice(0, -1)) >= 0;
  return cmp(NEWEST_PATCH[version], fact.since) >= 0;
}

export function isPhpredisVersion(v: unknown): v is PhpredisVersion {
  return typeof v === 'string' && (PHPREDIS_VERSIONS as readonly string[]).includes(v);
}

/**
 * The release line a composer `ext-redis` constraint pins, when it pins one major version
 * (`^5.3`, `5.*`, `~6.0.0`, `6.1.2`): the newest line of that major unless a minor is pinned too.
 * Undefined for `*`, ranges across majors, or alternatives with different majors.
 */
export function versionFromConstraint(constraint: string): PhpredisVersion | undefined {
  const alternatives = constraint.split('||').map((s) => s.trim());
  const picks = alternatives.map(pinOf);
  if (picks.some((p) => p === undefined)) return undefined;
  const majors = new Set(picks.map((p) => p!.major));
  if (majors.size !== 1) return undefined;
  const [major] = majors;
  const minors = new Set(picks.map((p) => p!.minor));
  const lines = PHPREDIS_VERSIONS.filter((v) => v.startsWith(`${major}.`));
  if (!lines.length) return undefined;
  const minor = minors.size === 1 ? [...minors][0] : undefined;
  if (minor !== undefined) {
    const exact = lines.find((v) => v === `${major}.${minor}`);
    if (exact) return exact;
  }
  return lines[lines.length - 1];
}

/** The major (and a pinned minor) of one constraint, e.g. "^6.1" → {6}, "~6.0.1" / "6.0.*" → {6, 0}. */
function pinOf(c: string): { major: number; minor?: number } | undefined {
  const parts = c.split(/[\s,]+/).filter(Boolean);
  if (parts.length !== 1) {
    // ">=5.3 <6.0": a range inside one major.
    const lows = parts.filter((p) => p.startsWith('>=')).map((p) => p.slice(2));
    const highs = parts.filter((p) => p.startsWith('<')).map((p) => p.slice(1).replace(/^=/, ''));
    if (lows.length === 1 && highs.length === 1) {
      const lo = /^v?(\d+)/.exec(lows[0]!);
      const hi = /^v?(\d+)(?:\.0)*$/.exec(highs[0]!);
      if (lo && hi && Number(hi[1]) === Number(lo[1]) + 1) return { major: Number(lo[1]) };
    }
    return undefined;
  }
  const m = /^(\^|~|=|==)?v?(\d+)(?:\.(\d+|\*|x))?(?:\.(\d+|\*|x))?(?:[-@].*)?$/.exec(parts[0]!);
  if (!m) return undefined;
  const [, op = '', major, minor, patch] = m;
  const num = (s: string | undefined): number | undefined =>
    s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;
  // `^6.1` allows 6.x from 6.1 on; `~6.1` too; `~6.1.0`, `6.1.*`, `6.1.2` stay in 6.1.
  const pinnedMinor = op === '^' || (op === '~' && patch === undefined) ? undefined : num(minor);
  return { major: Number(major), ...(pinnedMinor !== undefined ? { minor: pinnedMinor } : {}) };
}
