// The Laravel rules against Laravel itself (Debian's php-laravel-framework 8.83 with the laravel/
// laravel 8.x skeleton configs and phpdotenv loading the .env): for generated .env files, real
// Laravel saves a session into a test redis-server or fails. The linter must report an error
// exactly when Laravel fails or keeps the session for at most a second, and its REDIS_URL /
// REDIS_DB warnings exactly when the session lands elsewhere than the variable says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lint } from '../../../server/src/core/lint.ts';
import { FRAMEWORKS_AVAILABLE, projectDir, laravelSession } from '../../helpers/frameworkWriters.ts';
import { rng } from '../../helpers/random.ts';
import { redisForTests } from '../../helpers/redisServer.ts';

const HAVE = FRAMEWORKS_AVAILABLE;
const COMPOSER =
  '{"require": {"php": "^8.1", "ext-redis": "*", "predis/predis": "^1.1", "laravel/framework": "^8.75"}}';

const t = redisForTests(HAVE);

function variants(port: number, n: number): string[] {
  const r = rng(0x1a7a);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const lines = ['APP_NAME=Laravel', 'SESSION_DRIVER=redis'];
    const ok = r() < 0.5; // about half the files get one likely-broken setting
    const sometimes = <T>(good: T[], bad: T[]): T => pick(ok || r() < 0.6 ? good : bad);
    lines.push(
      sometimes(
        ['', 'SESSION_LIFETIME=120', 'SESSION_LIFETIME=1.5', 'SESSION_LIFETIME=120min'],
        ['SESSION_LIFETIME=0', 'SESSION_LIFETIME=abc', 'SESSION_LIFETIME=-5', 'SESSION_LIFETIME='],
      ),
    );
    lines.push(
      sometimes(['', 'REDIS_CLIENT=phpredis', 'REDIS_CLIENT=predis'], ['REDIS_CLIENT=PhpRedis', 'REDIS_CLIENT=redis']),
    );
    lines.push(
      sometimes(['', '', 'SESSION_CONNECTION=default', 'SESSION_CONNECTION=cache'], ['SESSION_CONNECTION=sessions']),
    );
    const url = sometimes(
      ['', '', `REDIS_URL=redis://127.0.0.1:${port}`, `REDIS_URL=redis://127.0.0.1:${port}/3`],
      ['REDIS_URL=redis://127.0.0.1:port'],
    );
    lines.push(url);
    lines.push(
      sometimes(
        [`REDIS_PORT=${port}`, url.includes(`:${port}`) ? 'REDIS_PORT=1' : `REDIS_PORT=${port}`],
        ['REDIS_PORT=abc'],
      ),
    );
    lines.push(pick(['', 'REDIS_DB=0', 'REDIS_DB=2', 'REDIS_DB=abc']));
    out.push(lines.filter(Boolean).join('\n') + '\n');
  }
  return out;
}

test(
  'Laravel 8 fails (or keeps the session ≤ 1 s) exactly where the linter reports an error',
  { skip: !HAVE && 'Laravel not installed' },
  async () => {
    let failures = 0;
    let shortLived = 0;
    for (const env of variants(t.server.port, 120)) {
      await t.redis.flushall();
      const php = laravelSession(projectDir({ '.env': env }));
      let ttl = Infinity;
      let db: number | undefined;
      if (php.ok) {
        for (let i = 0; i < 16 && db === undefined; i++) {
          await t.redis.select(i);
          const keys = await t.redis.keys(`*${php.id}`);
          if (keys.length) {
            db = i;
            ttl = await t.redis.ttl(keys[0]!);
          }
        }
        await t.redis.select(0);
        // Not found in any database: it expired already (a one-second TTL).
        if (db === undefined) ttl = 0;
      }
      const broken = !php.ok || ttl <= 1;
      if (!php.ok) failures++;
      else if (ttl <= 1) shortLived++;
      const findings = lint(env, '.env', {
        project: {
          files: new Map([
            ['composer.json', COMPOSER],
            ['.env', env],
          ]),
          path: '.env',
        },
      });
      const errors = findings
        .filter((f) => f.severity === 'error')
        .map((f) => `${f.rule}@${env.slice(f.start, f.end)}`);
      assert.equal(
        errors.length > 0,
        broken,
        `${env}PHP: ${JSON.stringify(php)} ttl ${ttl}\nlinter errors: ${errors.join(', ')}`,
      );
      // REDIS_DB says one database, the session is in another: the linter warns on REDIS_DB (or REDIS_URL shadows it).
      // (REDIS_DB is the `default` connection's; SESSION_CONNECTION=cache reads REDIS_CACHE_DB.)
      const dbVar = /^REDIS_DB=(.*)$/m.exec(env)?.[1];
      const onDefault = !/^SESSION_CONNECTION=(?!default$)/m.test(env);
      if (db !== undefined && onDefault && dbVar !== undefined && String(db) !== dbVar) {
        assert.ok(
          findings.some(
            (f) =>
              (f.rule === 'laravel-invalid-redis-setting' || f.rule === 'laravel-redis-url-shadows') &&
              env.slice(f.start, f.end) === dbVar,
          ),
          `${env}session in db ${db}, REDIS_DB=${dbVar}: no warning`,
        );
      }
    }
    // The generation exercises both outcomes.
    assert.ok(failures > 25 && failures < 95, `failures ${failures}`);
    assert.ok(shortLived > 0, 'some variants keep sessions for a second');
    console.log(`120 variants: ${failures} failed in Laravel, ${shortLived} kept sessions ≤ 1 s`);
  },
);
