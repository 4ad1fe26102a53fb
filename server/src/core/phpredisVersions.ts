// Which phpredis release knows which ini directive and which save_path parameter. Each fact names its source in
// phpredis/phpredis: the release tag (and its commit) whose redis.c first registers the directive in its
// PHP_INI_BEGIN … PHP_INI_END table, or the commit / pull request that changed redis_session.c. Real PHP 8.2 with
// phpredis 5.3.7 checks the 5.3 column (test/php/phpredisVersions.test.ts); the 6.x facts come from the sources,
// and docs/phpredis-versions.md shows them as a table.

/** A release line the linter can judge a configuration for. */
export const PHPREDIS_VERSIONS = ['5.3', '6.0', '6.1', '6.2', '6.3'] as const;
export type PhpredisVersion = (typeof PHPREDIS_VERSIONS)[number];
/** The default: the latest 6.x (what Scalingo's and Heroku's buildpacks install). */
export const PHPREDIS_LATEST: PhpredisVersion = '6.3';

export interface VersionFact {
  /** First release that has it ("4.1.0"); "unreleased" when no release up to the latest line has it. */
  since: string;
  /** The phpredis file that shows it. */
  file: string;
  /** The commit of phpredis/phpredis (a release tag's, or the change's) that shows it. */
  commit: string;
  /** How the fact was established, when it is not "the tag's file registers it". */
  note?: string;
}

/** Release tags whose redis.c first registers a directive (tag → its commit). */
const TAGS: Record<string, string> = {
  '4.0.0': 'ea2a705a614940820279d60fde380d4fdbb9221a',
  '4.1.0': '09fbc54d5197805db9918167be6026a47c46fe11',
  '4.3.0': 'c588f0308a4d49368a436e660b4a29a0579f802d',
  '5.0.0': 'a5dfff3891d47876ad61f312c2b2271c89544363',
  '5.2.2': '2a5e1b6266e500244761b6f25ce12468099ebcfd',
  '5.3.0': 'adbc12e526c5a026262a414d67891a6f0ec315c2',
  '5.3.5': '2a130215d6b48860f9fd74d2d02808fe431446c0',
  '6.0.0': 'e193c873dea288a81ed0537749a5e8930013fa0b',
  '6.1.0': '5419cc9c60d1ee04163b4d5323dd0fb02fb4f8bb',
};

const tag = (since: string, note?: string): VersionFact => ({
  since,
  file: 'redis.c',
  commit: TAGS[since]!,
  ...(note ? { note } : {}),
});

const family = (prefix: string, names: string, since: string): [string, VersionFact][] =>
  names.split(' ').map((n) => [`${prefix}.${n}`, tag(since)]);

/** Every ini directive phpredis registers. */
export const PHPREDIS_DIRECTIVES: Readonly<Record<string, VersionFact>> = {
  ...Object.fromEntries([
    ...family(
      'redis.arrays',
      'autorehash connecttimeout distributor functions hosts index lazyconnect names pconnect previous readtimeout retryinterval',
      '4.0.0',
    ),
    ...family('redis.clusters', 'persistent read_timeout seeds timeout', '4.0.0'),
    ...family('redis.session', 'locking_enabled lock_expire lock_retries lock_wait_time', '4.1.0'),
    ...family('redis.arrays', 'algorithm auth consistent', '4.3.0'),
    ...family('redis.clusters', 'auth', '4.3.0'),
    ...family('redis.pconnect', 'connection_limit pooling_enabled', '4.3.0'),
    ...family('redis.clusters', 'cache_slots', '5.0.0'),
    ...family('redis.pconnect', 'echo_check_liveness', '5.2.2'),
    ...family('redis.pconnect', 'pool_pattern', '5.3.0'),
    ...family('redis.pconnect', 'pool_detect_dirty pool_poll_timeout', '5.3.5'),
  ]),
  'redis.session.early_refresh': tag(
    '6.0.0',
    'registered by b6cf6361 for the rediscluster handler; the redis handler reads it since 6.1.0 (b6989018)',
  ),
  'redis.session.compression': tag('6.1.0', 'da4ab0a7 "Add compression support for PHP Sessions (#2473)"'),
  'redis.session.compression_level': tag('6.1.0', 'da4ab0a7 "Add compression support for PHP Sessions (#2473)"'),
  'redis.session.lock_failure_readonly': {
    since: '6.3.0',
    file: 'redis.c, redis_session.c',
    commit: 'pull request #2665',
    note: 'merged on 2025-07-10, after 6.2.0 (pull request #2637, released 2025-03-24); 6.3.0 (November 2025) is the first release after it',
  },
  'redis.session.lock_release_cmd': {
    since: 'unreleased',
    file: 'redis.c, redis_session.c',
    commit: 'pull request #2812',
    note: 'delex | delifeq | eval, merged in March 2026, after 6.3.0: in no release up to 6.3',
  },
};

/** save_path parameters a handler started to read in a given release (older ones: every supported release). */
export const PHPREDIS_PARAMS: Readonly<Record<'redis' | 'rediscluster', Readonly<Record<string, VersionFact>>>> = {
  redis: {
    stream: {
      since: '6.0.0',
      file: 'redis_session.c',
      commit: 'ed10f365e758787d75b909cff1b677c3028085f4',
      note: '"fix redis session standalone stream ssl context" (issue #2141): 5.3.7 reads no stream[] for the redis handler',
    },
  },
  rediscluster: {
    stream: {
      since: '5.3.2',
      file: 'redis_session.c',
      commit: 'a8daaff87a055bb6b4fb8702151915f56e144649',
      note: 'issue #1782',
    },
  },
};

/** Compares dotted versions ("6.1" and "6.1.0" are equal). */
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
  if (fact.since === 'unreleased') return false;
  // Rules ask this for the same few release pairs on every lint: compare each pair once.
  const key = `${version}>${fact.since}`;
  let has = HAS_SINCE.get(key);
  if (has === undefined) HAS_SINCE.set(key, (has = cmp(NEWEST_PATCH[version], fact.since) >= 0));
  return has;
}
const HAS_SINCE = new Map<string, boolean>();

/** "phpredis 6.1.0", or "a phpredis release after 6.3" for what no release has yet. */
export function sinceText(fact: VersionFact): string {
  return fact.since === 'unreleased' ? `a phpredis release after ${PHPREDIS_LATEST}` : `phpredis ${fact.since}`;
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
