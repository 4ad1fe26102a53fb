// In-process: listing every session with TTL and size in a Redis of 1,000,000 keys (100,000
// of them sessions, keyspace.ts), against two references run on the same server in the same process
// (cli.bench.ts has the same as whole processes):
//  - the peer: RedisInsight's listing algorithm (the engine of Redis for VS Code, reference A2/C3),
//    reproduced with ioredis: SCAN cursor MATCH p COUNT 2000, then per batch one pipeline of
//    TTL key + MEMORY USAGE key SAMPLES 0;
//  - the floor: a bare SCAN … COUNT 1000 loop that only collects the key names.
// Plus the time to the first page of 200 sessions (cold: a new scanner, connection included; and
// warm), and a check that the server never saw KEYS (INFO commandstats).
import { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { isMain, median, ms, printRows, ratio, type Row } from './common.ts';
import { PREFIX, SESSIONS, TOTAL, benchKeyspace, stopKeyspace } from './keyspace.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** RedisInsight's standalone scanner strategy + getKeysTtl + getKeysSize, for a full listing. */
async function redisInsightListing(r: Redis): Promise<number> {
  const rows: { key: string; ttl: number; size: number }[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length) {
      const p = r.pipeline();
      for (const k of keys) p.ttl(k);
      for (const k of keys) p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
      const replies = (await p.exec()) ?? [];
      keys.forEach((key, j) =>
        rows.push({ key, ttl: Number(replies[j]![1]), size: Number(replies[keys.length + j]![1]) }),
      );
    }
  } while (cursor !== '0');
  return rows.length;
}

/** The floor: names only. */
async function bareScan(r: Redis): Promise<number> {
  const ids: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) ids.push(k.slice(PREFIX.length));
  } while (cursor !== '0');
  return ids.length;
}

async function oursListing(scanner: SessionScanner): Promise<number> {
  const seen = new Set<string>();
  for await (const batch of scanner.listAll()) for (const s of batch) seen.add(s.id);
  return seen.size;
}

async function timed(fn: () => Promise<number>, expected: number, what: string): Promise<number> {
  const t0 = performance.now();
  const n = await fn();
  const t = performance.now() - t0;
  // RedisInsight does not drop SCAN's duplicates: allow them there, never fewer.
  if (n < expected) throw new Error(`${what} listed ${n} of ${expected}`);
  return t;
}

export async function runListingBench(): Promise<Row[]> {
  const rows: Row[] = [];
  const ks = await benchKeyspace();
  const server = ks.server;
  {
    const r = new Redis({ host: server.host, port: server.port, lazyConnect: false });
    const target = parseConnectionTarget(`tcp://127.0.0.1:${server.port}`, { env: {} });
    const scanner = new SessionScanner(target, { readOnly: true });
    await scanner.connection();

    const ours: number[] = [];
    const peer: number[] = [];
    const floor: number[] = [];
    // Alternate the three so a noisy neighbour hits them alike; one untimed warm-up each.
    await oursListing(scanner);
    await redisInsightListing(r);
    await bareScan(r);
    for (let k = 0; k < RUNS; k++) {
      ours.push(await timed(() => oursListing(scanner), SESSIONS, 'ours'));
      peer.push(await timed(() => redisInsightListing(r), SESSIONS, 'RedisInsight'));
      floor.push(await timed(() => bareScan(r), SESSIONS, 'bare SCAN'));
    }
    const o = median(ours);
    const p = median(peer);
    const f = median(floor);
    rows.push({
      what: `list all ${SESSIONS / 1000}k sessions with TTL and size among ${TOTAL / 1e6}M keys (median of ${RUNS})`,
      ours: ms(o),
      peer: "RedisInsight's algorithm (SCAN COUNT 2000 + pipelined TTL, MEMORY USAGE SAMPLES 0)",
      peerValue: ms(p),
      ratio: ratio(o, p),
      budget: '≤ 0.7× peer (in-process)',
      met: o <= 0.7 * p,
    });
    rows.push({
      what: 'same listing against the floor (names only)',
      ours: ms(o),
      peer: 'bare SCAN COUNT 1000 loop, ids only',
      peerValue: ms(f),
      ratio: ratio(o, f),
      budget: 'report',
    });

    // First page of 200: cold (a new scanner: connect + first SCAN pages + one pipeline) and warm.
    const cold: number[] = [];
    const warm: number[] = [];
    for (let k = 0; k < 7; k++) {
      const s = new SessionScanner(target, { readOnly: true });
      let t0 = performance.now();
      const page = await s.listPage();
      cold.push(performance.now() - t0);
      if (page.sessions.length !== 200) throw new Error(`first page has ${page.sessions.length} sessions`);
      t0 = performance.now();
      await s.listPage();
      warm.push(performance.now() - t0);
      s.close();
    }
    const c = median(cold);
    rows.push({
      what: 'first page of 200 sessions (new scanner, connection included), median of 7',
      ours: `${ms(c)} (warm connection: ${ms(median(warm))})`,
      budget: '< 100 ms',
      met: c < 100,
    });

    const stats = await r.info('commandstats');
    const keysCalls = /cmdstat_keys:calls=(\d+)/.exec(stats)?.[1] ?? '0';
    const used = Array.from(stats.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g), (m) => `${m[1]} ${m[2]}`).join(', ');
    rows.push({
      what: 'KEYS calls seen by the server (INFO commandstats)',
      ours: `${keysCalls} (commands: ${used})`,
      budget: '0',
      met: keysCalls === '0',
    });
    scanner.close();
    r.disconnect();
  }
  return rows;
}

if (isMain(__filename)) {
  void runListingBench()
    .then((rows) => printRows('Listing', rows))
    .finally(() => stopKeyspace());
}
