// The health report of 100k sessions (php, igbinary, php_serialize, msgpack; 100..900 bytes; a few
// leaks and stuck locks)
// among other keys: `php-redis-sessions report --json` as a whole process (dist/cli.js, run
// `npm run build` first), its time and peak memory, against the floor any report must pay on the same server in the same run: SCAN the
// session keys and GET every value (pipelined), decoding nothing.
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { startRedis } from '../helpers/redisServer.ts';
import { isMain, median, ms, printRows, ratio, type Row } from './common.ts';
import { encodeSession } from '../../server/src/sessions/encode/sessionEncode.ts';
import { phpValueFromJson } from '../../server/src/sessions/edit/jsonValue.ts';
import type { SessionSerializer } from '../../server/src/sessions/sessionFormats.ts';

const PREFIX = 'PHPREDIS_SESSION:';
const SESSIONS = Number(process.env.BENCH_REPORT_SESSIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const sid = (i: number): string => i.toString(16).padStart(32, '0');

/** A realistic session (user, cart, flash, 100..900 bytes) in a mix of serializers, as PHP writes them. */
function sessionValue(i: number): Uint8Array {
  const serializer: SessionSerializer = (
    ['php', 'php', 'php', 'php', 'php', 'php', 'php', 'igbinary', 'php_serialize', 'msgpack'] as const
  )[i % 10]!;
  const cart = Array.from({ length: i % 6 }, (_, k) => ({
    sku: `SKU-${(i * 7 + k) % 99999}`,
    qty: 1 + (k % 3),
    price: 9.99 + k,
  }));
  const value = phpValueFromJson(
    JSON.stringify({
      _token: i.toString(36).padStart(40, 'x'),
      user: { id: i, email: `user${i}@example.com`, roles: ['ROLE_USER'] },
      cart,
      last_activity: 1700000000 + i,
      flash: [],
      note: 'x'.repeat(i % 300),
    }),
  );
  const variables =
    value.kind === 'array' ? value.entries.map((e) => [String(e.key), e.value] as [string, typeof e.value]) : [];
  return encodeSession({ serializer, variables });
}

async function scanAndGet(r: Redis): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    const sessions = keys.filter((k) => !k.endsWith('_LOCK'));
    if (sessions.length) {
      const values = await r.mgetBuffer(...sessions);
      n += values.filter(Boolean).length;
    }
  } while (cursor !== '0');
  return n;
}

export async function runReportBench(): Promise<Row[]> {
  const server = await startRedis({ args: ['--enable-debug-command', 'yes', '--maxmemory', '0'] });
  const r = new Redis({ port: server.port, host: '127.0.0.1' });
  try {
    await r.call('DEBUG', 'POPULATE', String(SESSIONS), 'cache:item', '64');
    for (let start = 0; start < SESSIONS; start += 5000) {
      const p = r.pipeline();
      for (let i = start; i < Math.min(SESSIONS, start + 5000); i++) {
        const v = Buffer.from(sessionValue(i));
        if (i % 1000 === 7)
          p.set(PREFIX + sid(i), v); // a leak
        else p.setex(PREFIX + sid(i), 1440 + (i % 600), v);
        if (i % 5000 === 11) p.set(`${PREFIX}${sid(i)}_LOCK`, `web-1|${i}`); // a stuck lock
      }
      await p.exec();
    }
    const url = `redis://127.0.0.1:${server.port}`;
    const ours: Array<{ ms: number; maxRssKb: number; sessions: number }> = [];
    const floor: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // The CLI as a whole process (the built bundle), as a user runs it.
      const started = performance.now();
      const child = spawnSync(
        process.execPath,
        ['--require', './test/bench/maxRss.cjs', 'dist/cli.js', 'report', url, '--json'],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      const elapsed = performance.now() - started;
      if (child.status !== 0) throw new Error(`report failed: ${child.stderr}`);
      const out = JSON.parse(child.stdout) as { sessions: number; undecodable: number };
      if (out.undecodable !== 0) throw new Error(`${out.undecodable} sessions undecodable`);
      const sessions = out.sessions;
      const rss = Number(/\[maxRSS\] (\d+)/.exec(child.stderr)?.[1]);
      const m = { ms: elapsed, maxRssKb: rss, sessions };
      if (m.sessions !== SESSIONS) throw new Error(`the report counted ${m.sessions} sessions, not ${SESSIONS}`);
      ours.push(m);
      const t0 = performance.now();
      const n = await scanAndGet(r);
      floor.push(performance.now() - t0);
      if (n !== SESSIONS) throw new Error(`the floor read ${n} sessions`);
    }
    const t = median(ours.map((o) => o.ms));
    const f = median(floor);
    const rss = Math.max(...ours.map((o) => o.maxRssKb));
    return [
      {
        what: `report --json of ${SESSIONS / 1000}k sessions, whole CLI process (every value decoded; median of ${RUNS})`,
        ours: ms(t),
        peer: 'SCAN + pipelined GET of every session (no decoding)',
        peerValue: ms(f),
        ratio: ratio(t, f),
      },
      { what: `peak memory of that report process`, ours: `${(rss / 1024).toFixed(0)} MB` },
    ];
  } finally {
    r.disconnect();
    await server.stop();
  }
}

if (isMain(__filename)) {
  void runReportBench().then((rows) => printRows('Health report', rows));
}
