// The one catalogue of lint rules: id, family, default severity, what it detects, and whether its
// findings can be fixed. Rule ids, default severities, the `phpRedisSessions.rules` settings schema,
// SARIF rule metadata and the docs index all come from here (test/unit/catalogue.test.ts checks the
// copies that cannot import it: package.json and the README's rule index).
import type { Severity } from '../types.ts';

export type RuleFamily =
  'composer' | 'ini' | 'handler' | 'redis-path' | 'cluster-path' | 'settings' | 'laravel' | 'symfony' | 'deployment';

/** `safe`: a fix Fix all / `lint --fix` applies; `manual`: offered as a quick fix only; `none`. */
export type Fixability = 'safe' | 'manual' | 'none';

export interface RuleMeta {
  readonly id: string;
  readonly family: RuleFamily;
  readonly severity: Severity;
  /** One line, Markdown: what the rule detects (the docs index and SARIF's shortDescription). */
  readonly summary: string;
  readonly fix: Fixability;
}

/** Each family's title and what its rules have in common (the docs index shows them). */
export const FAMILIES: Record<RuleFamily, { title: string; intro: string }> = {
  composer: {
    title: 'composer.json structure',
    intro:
      'The buildpacks read `composer.json` with strict JSON tools (Composer, `jq`), and Scalingo reads its PHP settings from `extra.paas.php-config` only when nothing shadows it.',
  },
  ini: {
    title: 'ini lines',
    intro: "Checks of each `php-config` string, and of each line of an ini file, as PHP's ini parser reads them.",
  },
  handler: {
    title: 'save_handler & extensions',
    intro:
      '`session.save_handler` names the storage module; `redis` and `rediscluster` come from the phpredis extension (`ext-redis`), which has to be installed where the code runs.',
  },
  'redis-path': {
    title: 'save_path for redis',
    intro:
      "With the `redis` handler, phpredis splits `session.save_path` into server URLs at **every whitespace and comma**, parses each with PHP's URL parser, and reads the query with PHP's query-string rules (`+` becomes a space, `%XX` is decoded). Unknown parameters are silently ignored. Paths that depend on `${VAR}` are only known at run time and are not checked.",
  },
  'cluster-path': {
    title: 'save_path for rediscluster',
    intro:
      'With the `rediscluster` handler the whole save_path is a query string, `seed[]=host:port&seed[]=host:port&timeout=2.5&…`, not a URL. [`invalid-timeout`](invalid-timeout.md), [`invalid-param-value`](invalid-param-value.md), [`unknown-param`](unknown-param.md), [`duplicate-param`](duplicate-param.md), [`plus-in-value`](plus-in-value.md), [`empty-auth`](empty-auth.md), [`auth-array-size`](auth-array-size.md) and [`hardcoded-credentials`](hardcoded-credentials.md) apply here too.',
  },
  settings: { title: 'other settings', intro: 'Other phpredis and PHP session directives.' },
  laravel: {
    title: 'Laravel',
    intro:
      "Laravel reads its session settings from `.env` (with vlucas/phpdotenv) through `config/session.php`, `config/database.php` and `config/cache.php`. A finding sits on the `.env` line that decides the setting, or on the literal in `config/*.php`. Where a config file is missing, the skeleton's line for the project's Laravel version (from composer.json) stands in.",
  },
  symfony: {
    title: 'Symfony',
    intro:
      "`framework.session.handler_id` (in `config/packages/framework.yaml`, its `when@<env>:` blocks and `config/packages/<env>/`) is either `null` (PHP's own session settings apply: they are linted as php.ini lines), a service id, or a DSN that Symfony's `SessionHandlerFactory` turns into a handler, directly or through `%env(NAME)%` (then the `.env` line is checked). Unlike phpredis's `session.save_path`, Symfony wants `redis://` / `rediss://` DSNs.",
  },
  deployment: {
    title: 'deployment',
    intro:
      'Sessions must outlive a container and be shared by all of them when the application runs in several: a `Procfile`, `scalingo.json` or `app.json` (Heroku, Scalingo, Dokku), Docker Compose `replicas`, Kubernetes `replicas` or a HorizontalPodAutoscaler say it does.',
  },
};

const r = (id: string, family: RuleFamily, severity: Severity, fix: Fixability, summary: string) =>
  ({ id, family, severity, fix, summary }) as const;

export const RULES = [
  r(
    'invalid-json',
    'composer',
    'error',
    'none',
    'composer.json is not strict JSON (comments, trailing commas, broken quotes)',
  ),
  r('php-config-not-array', 'composer', 'error', 'none', '`extra.paas.php-config` is not an array of strings'),
  r('paas-config-shadowed', 'composer', 'warning', 'manual', '`extra.heroku` makes Scalingo ignore `extra.paas`'),
  r(
    'ini-syntax',
    'ini',
    'error',
    'safe',
    'where PHP stops reading the file (syntax error, unclosed quote, indented `[Section]`), or a session value it misreads',
  ),
  r(
    'unknown-directive',
    'ini',
    'warning',
    'safe',
    'a `session.*` / `redis.*` name PHP, or the phpredis release judged for, does not know',
  ),
  r('duplicate-directive', 'ini', 'warning', 'safe', 'the same session directive set twice; one of them wins'),
  r('env-in-single-quotes', 'ini', 'warning', 'safe', "`'${VAR}'` is not expanded inside single quotes"),
  r(
    'redis-url-env',
    'ini',
    'error',
    'manual',
    'save_path is `${SCALINGO_REDIS_URL}` / `${REDIS_URL}`: a redis:// URL phpredis cannot use',
  ),
  r(
    'unknown-save-handler',
    'handler',
    'error',
    'safe',
    'a save handler PHP does not have (`reddis`, `phpredis`, `predis`…)',
  ),
  r('user-save-handler', 'handler', 'error', 'none', '`session.save_handler = user` cannot be set from an ini file'),
  r('handler-path-mismatch', 'handler', 'error', 'safe', 'the save_path is written for another handler'),
  r('missing-save-path', 'handler', 'error', 'manual', 'handler `redis`/`rediscluster` without a save_path'),
  r('missing-ext-redis', 'handler', 'warning', 'safe', '`ext-redis` missing from `require`'),
  r('ext-redis-dev-only', 'handler', 'warning', 'safe', '`ext-redis` only in `require-dev`'),
  r('ext-redis-platform-only', 'handler', 'warning', 'safe', '`ext-redis` only faked in `config.platform`'),
  r(
    'missing-serializer-extension',
    'handler',
    'warning',
    'safe',
    '`igbinary` / `msgpack` serializer without its extension in `require`',
  ),
  r('unknown-serialize-handler', 'handler', 'error', 'safe', 'a session serializer PHP does not have (`json`…)'),
  r(
    'placeholder-save-path',
    'redis-path',
    'error',
    'manual',
    "the documentation's placeholders (`host`, `port`, `auth=password`) are still there",
  ),
  r(
    'unsupported-scheme',
    'redis-path',
    'error',
    'safe',
    '`redis://`, `rediss://`, `TCP://`: not a transport phpredis can use',
  ),
  r(
    'params-without-scheme',
    'redis-path',
    'error',
    'safe',
    '`host:port?params` without `tcp://`: the parameters are lost',
  ),
  r(
    'userinfo-ignored',
    'redis-path',
    'error',
    'safe',
    '`tcp://user:pass@host`: phpredis never sends these credentials',
  ),
  r('malformed-url', 'redis-path', 'error', 'none', 'a server URL PHP cannot parse, or with no host / socket path'),
  r('separator-in-path', 'redis-path', 'error', 'safe', 'a space or comma that splits one URL into bogus servers'),
  r('invalid-weight', 'redis-path', 'error', 'safe', '`weight` that PHP reads as ≤ 0'),
  r('invalid-timeout', 'redis-path', 'error', 'safe', '`timeout` that PHP reads as ≤ 0 (negative for rediscluster)'),
  r(
    'invalid-param-value',
    'redis-path',
    'warning',
    'safe',
    'a parameter accepted but read differently (`persistent=on` is false)',
  ),
  r('empty-auth', 'redis-path', 'error', 'safe', '`auth=` with nothing: phpredis sends `AUTH ""`'),
  r('auth-array-size', 'redis-path', 'error', 'none', '`auth[]` with 0 or 3+ elements: no AUTH is sent'),
  r(
    'unknown-param',
    'redis-path',
    'warning',
    'safe',
    'a query key phpredis (or the release judged for) ignores (`password`, `db`…)',
  ),
  r('duplicate-param', 'redis-path', 'warning', 'safe', 'a query key given twice; the later one wins'),
  r('plus-in-value', 'redis-path', 'warning', 'safe', 'a literal `+` in a value is decoded as a space'),
  r('stream-without-tls', 'redis-path', 'warning', 'safe', '`stream[...]` options on a `tcp://` URL do nothing'),
  r('no-timeout', 'redis-path', 'information', 'safe', 'no `timeout`: phpredis waits up to 86400 s to connect'),
  r('hardcoded-credentials', 'redis-path', 'information', 'none', 'a literal Redis password in a committed file'),
  r('cluster-missing-seeds', 'cluster-path', 'error', 'safe', 'rediscluster save_path without `seed[]`'),
  r('cluster-bad-seed', 'cluster-path', 'error', 'none', 'a seed that is not `host:port`'),
  r(
    'cluster-param-ignored',
    'cluster-path',
    'warning',
    'safe',
    '`database`, `weight`… that the rediscluster handler ignores',
  ),
  r('lock-without-expire', 'settings', 'warning', 'safe', 'session locking without `redis.session.lock_expire`'),
  r(
    'invalid-compression',
    'settings',
    'warning',
    'none',
    '`redis.session.compression` not `none`, `lzf`, `zstd` or `lz4`',
  ),
  r(
    'invalid-gc-maxlifetime',
    'settings',
    'warning',
    'none',
    '`session.gc_maxlifetime` not a whole number of seconds > 0',
  ),
  r('dotenv-syntax', 'laravel', 'error', 'none', 'a `.env` line phpdotenv rejects: Laravel stops before it starts'),
  r(
    'laravel-unknown-session-driver',
    'laravel',
    'error',
    'safe',
    '`SESSION_DRIVER` that is not a Laravel session driver (`redis`, `file`, `database`…)',
  ),
  r(
    'laravel-unknown-redis-client',
    'laravel',
    'error',
    'safe',
    '`REDIS_CLIENT` that is neither `phpredis` nor `predis`',
  ),
  r(
    'laravel-redis-client-not-required',
    'laravel',
    'warning',
    'safe',
    'Redis sessions, and the client (`ext-redis` / `predis/predis`) missing from composer.json',
  ),
  r(
    'laravel-invalid-session-lifetime',
    'laravel',
    'error',
    'safe',
    '`SESSION_LIFETIME` that is not a number of minutes > 0',
  ),
  r('laravel-invalid-redis-url', 'laravel', 'error', 'none', '`REDIS_URL` that PHP cannot parse'),
  r(
    'laravel-redis-url-shadows',
    'laravel',
    'warning',
    'none',
    '`REDIS_HOST`/`PORT`/`PASSWORD`/`DB` not used: `REDIS_URL` sets the same part',
  ),
  r('laravel-invalid-redis-setting', 'laravel', 'error', 'manual', '`REDIS_PORT` / `REDIS_DB` that is not a number'),
  r(
    'laravel-unknown-redis-connection',
    'laravel',
    'error',
    'safe',
    '`SESSION_CONNECTION` that config/database.php does not define',
  ),
  r('symfony-invalid-redis-dsn', 'symfony', 'error', 'none', 'a session DSN that Symfony rejects'),
  r(
    'symfony-dsn-param-ignored',
    'symfony',
    'warning',
    'safe',
    'a DSN parameter or credential Symfony does not use (`?db=`, `?auth=` on one server…)',
  ),
  r(
    'symfony-redis-client-not-required',
    'symfony',
    'warning',
    'safe',
    'a Redis session handler and neither `ext-redis` nor `predis/predis` in composer.json',
  ),
  r(
    'symfony-session-handler-options',
    'symfony',
    'error',
    'safe',
    'RedisSessionHandler options other than `prefix` and `ttl`',
  ),
  r(
    'sessions-on-local-disk',
    'deployment',
    'warning',
    'manual',
    'file sessions in an application deployed to several (or short-lived) containers',
  ),
] as const satisfies readonly RuleMeta[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULE_IDS: readonly RuleId[] = RULES.map((x) => x.id);

export const DEFAULT_SEVERITY = Object.fromEntries(RULES.map((x) => [x.id, x.severity])) as Record<RuleId, Severity>;

const BY_ID = new Map<string, RuleMeta>(RULES.map((x) => [x.id, x]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return BY_ID.get(id);
}

export function isRuleId(id: string): id is RuleId {
  return BY_ID.has(id);
}
