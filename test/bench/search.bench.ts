// Finding a session by its contents, in-process: the search (`sessions --where`'s engine) over
// 100k sessions among 1M keys (keyspace.ts), against fetching every session value with ioredis (a
// SCAN loop with one pipelined GET per batch, nothing decoded) on the same server, alternated.
// On php sessions (database 0) and on a store mixing every serializer and envelope (database 1).
// cli.bench.ts has the same as whole processes.
import { Redis } from 'ioredis';
import { parseConnectionTarget } from '../../server/src/sessions/connectionTarget.ts';
import { SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { SessionQuery, parseCondition } from '../../server/src/sessions/sessionQuery.ts';
import { searchSessions } from '../../server/src/sessions/sessionSearch.ts';
import { phpAvailable } from '../helpers/php.ts';
import { isMain, median, ms, printRows, ratio, type Row } from './common.ts';
import { PREFIX, SESSIONS, TOTAL, benchKeyspace, stopKeyspace } from './keyspace.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function getAll(r: Redis): Promise<number> {
  let n = 0;
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) {
      const p = r.pipeline();
      for (const k of keys) p.getBuffer(k);
      n += ((await p.exec()) ?? []).length;
    }
  } while (cursor !== '0');
  return n;
}

async function search(scanner: SessionScanner, query: SessionQuery): Promise<{ ids: string[]; scanned: number }> {
  const ids: string[] = [];
  let scanned = 0;
  for await (const { matches, progress } of searchSessions(scanner.listAll({ headBytes: Infinity }), query)) {
    ids.push(...matches.map((m) => m.id));
    scanned = progress.scanned;
  }
  return { ids, scanned };
}

export async function runSearchBench(): Promise<Row[]> {
  if (!phpAvailable()) return [{ what: 'search', ours: 'skipped: no php binary' }];
  const ks = await benchKeyspace();
  const rows: Row[] = [];
  for (const db of [0, 1]) {
    const r = new Redis({ port: ks.server.port, db });
    const scanner = new SessionScanner(parseConnectionTarget(ks.url(db), { env: {} }), { readOnly: true });
    try {
      const queries = [ks.needle.where, ks.needle.text].map((c) => new SessionQuery([parseCondition(c)]));
      const times: number[][] = [[], [], []];
      const once = async (): Promise<number[]> => {
        const out: number[] = [];
        let t0 = performance.now();
        if ((await getAll(r)) < SESSIONS) throw new Error('GET all missed sessions');
        out.push(performance.now() - t0);
        for (const q of queries) {
          t0 = performance.now();
          const { ids, scanned } = await search(scanner, q);
          out.push(performance.now() - t0);
          if (ids.length !== 1 || ids[0] !== ks.needle.id || scanned < SESSIONS)
            throw new Error(`search found ${ids.join(', ')} of ${scanned}`);
        }
        return out;
      };
      await once();
      for (let k = 0; k < RUNS; k++) (await once()).forEach((t, i) => times[i]!.push(t));
      const ratios = [1, 2].map((i) => median(times[i]!.map((t, k) => t / times[0]![k]!)));
      const store = db === 0 ? 'php sessions' : 'every serializer × none/lzf/zstd/lz4';
      for (const [i, what] of [
        [1, `\`${ks.needle.where}\` (every session decoded)`],
        [2, `\`${ks.needle.text}\` (sessions without the text not decoded)`],
      ] as const) {
        rows.push({
          what: `search ${what} over ${SESSIONS / 1000}k sessions among ${TOTAL / 1e6}M keys, ${store}, in-process (median of ${RUNS})`,
          ours: ms(median(times[i]!)),
          peer: 'SCAN + pipelined GET of every session (ioredis, nothing decoded)',
          peerValue: ms(median(times[0]!)),
          ratio: ratio(ratios[i - 1]!, 1),
          budget: '≤ 2× peer',
          met: ratios[i - 1]! <= 2,
        });
      }
    } finally {
      scanner.close();
      r.disconnect();
    }
  }
  return rows;
}

if (isMain(__filename)) {
  void runSearchBench()
    .then((rows) => printRows('Search', rows))
    .finally(() => stopKeyspace());
}
