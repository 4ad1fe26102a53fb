// The scanner on a framework's layout, over sessions Laravel 8 and Symfony 5.4 wrote themselves:
// paging, search and delete-all touch the framework's sessions only (a Laravel cache store keeps
// its entries under the same prefix), and the layout is chosen from the keys as the CLI and the
// view do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseConnectionTarget,
  type ConnectionTarget,
  type TargetOverrides,
} from '../../server/src/sessions/connectionTarget.ts';
import { SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { chooseLayout } from '../../server/src/sessions/sessionLayout.ts';
import { FRAMEWORKS_AVAILABLE, laravelSession, projectDir, symfonySession } from '../helpers/frameworkWriters.ts';
import { redisForTests } from '../helpers/redisServer.ts';

const SKIP = !FRAMEWORKS_AVAILABLE && 'Laravel/Symfony/predis not installed';
const PREFIX = 'shop_database_shop_cache:';
const laravelIds: string[] = [];

const t = redisForTests(FRAMEWORKS_AVAILABLE, async (server) => {
  const dir = projectDir({ '.env': `APP_NAME=Shop\nSESSION_DRIVER=redis\nREDIS_PORT=${server.port}\n` });
  for (let i = 0; i < 7; i++) {
    const r = laravelSession(dir, i % 2 ? { user: i } : {});
    if (!r.ok) throw new Error(r.error);
    laravelIds.push(r.id);
  }
});

function target(overrides: TargetOverrides = {}): ConnectionTarget {
  return parseConnectionTarget(`redis://127.0.0.1:${t.server.port}`, overrides);
}

async function listAllPages(s: SessionScanner, pageSize: number): Promise<string[]> {
  const ids: string[] = [];
  let page = await s.listPage({ pageSize });
  ids.push(...page.sessions.map((x) => x.id));
  while (!page.done) {
    page = await s.listPage({ pageSize, state: page.state });
    ids.push(...page.sessions.map((x) => x.id));
  }
  return ids.sort();
}

test(
  'Laravel layout: pages, search and delete-all see its sessions, never its cache entries',
  { skip: SKIP },
  async () => {
    const lv = new SessionScanner(target({ prefix: PREFIX, framework: 'laravel' }), { scanCount: 2 });
    const plain = new SessionScanner(target({ prefix: PREFIX }), { scanCount: 2 });
    try {
      assert.equal(await t.redis.exists(`${PREFIX}settings`), 1);
      // Pages of 2 over keys that include the cache entry: every session once, the entry never.
      assert.deepEqual(await listAllPages(lv, 2), [...laravelIds].sort());
      assert.ok(
        (await listAllPages(plain, 2)).includes('settings'),
        'without the layout, the entry looks like a session',
      );
      const found = await lv.findSessionsContaining('dark');
      assert.deepEqual(found, [], 'the cache entry holds "dark", no session does');
      assert.equal((await lv.findSessionsContaining('shop.test/cart')).length, 7);
      assert.equal(await lv.deleteAllSessions(), 7);
      assert.deepEqual(await t.redis.keys('*'), [`${PREFIX}settings`], 'the cache entry stays');
    } finally {
      lv.close();
      plain.close();
    }
  },
);

test(
  'the layout chosen from the keys: phpredis first, then a framework, or what the user named',
  { skip: SKIP },
  async () => {
    await t.redis.flushall();
    const dir = projectDir({ '.env': `APP_NAME=Shop\nSESSION_DRIVER=redis\nREDIS_PORT=${t.server.port}\n` });
    laravelSession(dir);
    const choose = async (choice: Parameters<typeof chooseLayout>[1], base = target()): Promise<string> => {
      const s = new SessionScanner(base);
      try {
        const r = await chooseLayout(base, choice, (o) => s.sampleLayout(o));
        return `${r.target.framework ?? 'phpredis'} ${r.target.prefix}${r.detected ? ' detected' : ''}${r.notFound ? ' not-found' : ''}`;
      } finally {
        s.close();
      }
    };
    assert.equal(await choose({}), `laravel ${PREFIX} detected`);
    assert.equal(await choose({ framework: 'none' }), 'phpredis PHPREDIS_SESSION:');
    assert.equal(await choose({ framework: 'symfony' }), 'symfony sf_s');
    assert.equal(
      await choose({ prefix: PREFIX, prefixGiven: true } as never, target({ prefix: PREFIX })),
      `laravel ${PREFIX} detected`,
    );
    // A phpredis session beside them: phpredis's layout, unless Laravel is named.
    await t.redis.set('PHPREDIS_SESSION:abc', 'a|i:1;');
    assert.equal(await choose({}), 'phpredis PHPREDIS_SESSION:');
    assert.equal(await choose({ framework: 'laravel' }), `laravel ${PREFIX} detected`);
    // Symfony's default prefix is recognised too; a Laravel named where there is none is said.
    await t.redis.flushall();
    symfonySession('dsn', `redis://127.0.0.1:${t.server.port}`);
    assert.equal(await choose({}), 'symfony sf_s detected');
    assert.equal(await choose({ framework: 'laravel' }), 'laravel PHPREDIS_SESSION: not-found');
    // The look is bounded: past maxKeys without a framework's key, the answer is "phpredis".
    const s = new SessionScanner(target());
    try {
      const sample = await s.sampleLayout({ maxKeys: 1 });
      assert.equal(sample.keys, 1);
      assert.equal(sample.framework?.framework, 'symfony');
    } finally {
      s.close();
    }
  },
);
