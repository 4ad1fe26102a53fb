// The health report of 100k sessions (php-format, 150..900 bytes, a few leaks and stuck locks)
// among other keys: the whole `report --json` code path in its own process, its time and peak
// memory, against the floor any report must pay on the same server in the same run: SCAN the
// session keys and GET every value (pipelined), decoding nothing.
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { startRedis } from '../helpers/redisServer.ts';
import { isMain, median, ms, printRows, ratio, type Row } from './common.ts';
import { sessionValue } from './listing.bench.ts';

const PREFIX = 'PHPREDIS_SESSION:';
const SESSIONS = Number(process.env.BENCH_REPORT_SESSIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const sid = (i: number): string => i.toString(16).padStart(32, '0');

async function scanAndGet(r: Redis): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) {
      const values = await r.mgetBuffer(...keys);
      n += values.filter(Boolean).length;
    }
  } while (cursor !== '0');
  return n;
}

export async function runReportBench(): Promise<Row[]> {
  const server = await startRedis();
  const r = new Redis({ port: server.port, host: '127.0.0.1' });
  try {
    await r.call('DEBUG', 'POPULATE', String(SESSIONS), 'cache:item', '64');
    for (let start = 0; start < SESSIONS; start += 5000) {
      const p = r.pipeline();
      for (let i = start; i < Math.min(SESSIONS, start + 5000); i++) {
        if (i % 1000 === 7)
          p.set(PREFIX + sid(i), sessionValue(i)); // a leak
        else p.setex(PREFIX + sid(i), 1440 + (i % 600), sessionValue(i));
        if (i % 5000 === 11) p.set(`${PREFIX}${sid(i)}_LOCK`, `web-1|${i}`); // a stuck lock
      }
      await p.exec();
    }
    const url = `redis://127.0.0.1:${server.port}`;
    const ours: Array<{ ms: number; maxRssKb: number; sessions: number }> = [];
    const floor: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const child = spawnSync(
        process.execPath,
        ['--import', './test/helpers/register.mjs', 'test/bench/reportChild.ts', url],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      if (child.status !== 0) throw new Error(`report child failed: ${child.stderr}`);
      const m = JSON.parse(child.stdout) as { ms: number; maxRssKb: number; sessions: number };
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
        what: `health report of ${SESSIONS / 1000}k sessions (every value decoded; median of ${RUNS})`,
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
