// The user's view: `php-redis-sessions` as a whole process (node startup, the production bundle,
// connecting, the output), as a terminal user or a CI job runs it, each against a reference run as
// a process on the same server in the same run (peers/*.cjs, PHP), round-robin, ratios taken
// round by round. Wall time, CPU time and peak RSS of each.
//  - listing every session of 100k among 1M keys with TTL, size, serializer, lock (`sessions --json`)
//    against RedisInsight's algorithm (budget ≤ 0.5×) and a bare SCAN loop (budget ≤ 1.2×);
//  - the first page (`--limit 200`) against RedisInsight's algorithm stopped at 200;
//  - a search by contents (`--where`) against fetching every value (a pipelined GET; budget ≤ 2×),
//    on php sessions and on a store mixing every serializer and phpredis envelope;
//  - decoding an 18 MB session (`decode`) in each format against PHP decoding it + json_encode();
//  - a million sessions among ten million keys: time and peak RSS, to show memory stays flat.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phpAvailable } from '../helpers/php.ts';
import { startRedis } from '../helpers/redisServer.ts';
import { productionBuild } from './build.ts';
import { bigSessionValues } from './decode.bench.ts';
import { isMain, ms, printRows, ratio, type Row } from './common.ts';
import {
  PREFIX,
  SESSIONS,
  TOTAL,
  benchKeyspace,
  fillNoise,
  fillSessions,
  serverCpuMs,
  stopKeyspace,
} from './keyspace.ts';
import { PEERS, compare, mb, type Command, type Compared } from './process.ts';

const ROUNDS = Number(process.env.BENCH_CLI_RUNS ?? 5);
const BIG_KEYS = Number(process.env.BENCH_BIG_KEYS ?? 10_000_000);
const BIG_SESSIONS = Number(process.env.BENCH_BIG_SESSIONS ?? 1_000_000);

/** JSON rows of `sessions --json` (or the peer's array): at least `n` of them. */
const atLeastRows =
  (n: number) =>
  (stdout: Buffer): void => {
    const rows = (JSON.parse(stdout.toString()) as unknown[]).length;
    if (rows < n) throw new Error(`listed ${rows} of ${n}`);
  };
const lines =
  (n: number) =>
  (stdout: Buffer): void => {
    const count = stdout.toString().split('\n').filter(Boolean).length;
    if (count < n) throw new Error(`listed ${count} of ${n}`);
  };

function figure(c: Compared, i: number): string {
  const server = Number.isNaN(c.serverCpu[i]!) ? '' : `, redis-server CPU ${ms(c.serverCpu[i]!)}`;
  return `${ms(c.wall[i]!)} (CPU ${ms(c.cpu[i]!)}, peak RSS ${mb(c.rss[i]!)}${server})`;
}

export async function runCliBench(): Promise<Row[]> {
  if (!phpAvailable()) return [{ what: 'whole-process figures', ours: 'skipped: no php binary' }];
  const rows: Row[] = [];
  const cli = join(productionBuild(), 'dist', 'cli.js');
  const ks = await benchKeyspace();
  const port = String(ks.server.port);
  // The server's CPU beside each process's: a listing's floor is the server's own SCAN work.
  const server = (): Promise<number> => serverCpuMs(ks.server.port);
  const ours = (label: string, args: string[], check?: Command['check']): Command => ({
    label,
    kind: 'node',
    args: [cli, ...args],
    serverCpuMs: server,
    ...(check ? { check } : {}),
  });
  const peer = (label: string, script: string, args: string[], check?: Command['check']): Command => ({
    label,
    kind: 'node',
    args: [join(PEERS, script), ...args],
    serverCpuMs: server,
    ...(check ? { check } : {}),
  });
  const scale = `${SESSIONS / 1000}k sessions among ${TOTAL / 1e6}M keys`;

  // Listing.
  const listing = await compare(
    [
      ours('ours', ['sessions', ks.url(0), '--json'], atLeastRows(SESSIONS)),
      peer('RedisInsight', 'redisinsight.cjs', [port, '0', PREFIX], atLeastRows(SESSIONS)),
      peer('bare SCAN', 'bare-scan.cjs', [port, '0', PREFIX], lines(SESSIONS)),
    ],
    ROUNDS,
  );
  rows.push({
    what: `CLI \`sessions URL --json\`, whole process: ${scale}, TTL + size + serializer + lock (median of ${ROUNDS}; load ${listing.load})`,
    ours: figure(listing, 0),
    peer: "RedisInsight's algorithm (SCAN COUNT 2000 + pipelined TTL, MEMORY USAGE) as an ioredis script",
    peerValue: figure(listing, 1),
    ratio: ratio(listing.ratio(0, 1), 1),
    budget: '≤ 0.5× peer',
    met: listing.ratio(0, 1) <= 0.5,
  });
  rows.push({
    what: 'same listing against the floor (names only), whole process',
    ours: ms(listing.wall[0]!),
    peer: 'bare SCAN COUNT 1000 loop, ids only, as an ioredis script',
    peerValue: figure(listing, 2),
    ratio: ratio(listing.ratio(0, 2), 1),
    budget: '≤ 1.2× floor',
    met: listing.ratio(0, 2) <= 1.2,
  });

  // First page.
  const page = await compare(
    [
      ours('ours', ['sessions', ks.url(0), '--json', '--limit', '200'], atLeastRows(200)),
      peer('RedisInsight', 'redisinsight.cjs', [port, '0', PREFIX, '200'], atLeastRows(200)),
    ],
    ROUNDS,
  );
  rows.push({
    what: `CLI first page (\`--limit 200 --json\`), whole process (load ${page.load})`,
    ours: figure(page, 0),
    peer: "RedisInsight's algorithm until 200 sessions",
    peerValue: figure(page, 1),
    ratio: ratio(page.ratio(0, 1), 1),
    budget: 'report',
  });

  // Search by contents, on php sessions (db 0) and on the mixed store (db 1).
  for (const db of [0, 1]) {
    const store = db === 0 ? 'php sessions' : 'every serializer × none/lzf/zstd/lz4';
    const oneMatch = (stdout: Buffer): void => {
      const found = JSON.parse(stdout.toString()) as { id: string }[];
      if (found.length !== 1 || found[0]!.id !== ks.needle.id) throw new Error(`found ${JSON.stringify(found)}`);
    };
    const search = await compare(
      [
        peer('GET all', 'get-all.cjs', [port, String(db), PREFIX], (out) => {
          if (!out.toString().startsWith(`${SESSIONS} values`)) throw new Error(out.toString());
        }),
        ours('number', ['sessions', ks.url(db), '--json', '--where', ks.needle.where], oneMatch),
        ours('text', ['sessions', ks.url(db), '--json', '--where', ks.needle.text], oneMatch),
      ],
      ROUNDS,
    );
    for (const [i, what] of [
      [1, `\`--where ${ks.needle.where}\` (every session decoded)`],
      [2, `\`--where '${ks.needle.text}'\` (a text: sessions without it are not decoded)`],
    ] as const) {
      rows.push({
        what: `CLI search ${what}, whole process: ${scale}, ${store} (load ${search.load})`,
        ours: figure(search, i),
        peer: 'SCAN + a pipelined GET of every session (ioredis script, nothing decoded)',
        peerValue: figure(search, 0),
        ratio: ratio(search.ratio(i, 0), 1),
        budget: '≤ 2× peer',
        met: search.ratio(i, 0) <= 2,
      });
    }
  }

  rows.push(...(await decodeRows(cli)));
  if (BIG_SESSIONS > 0) rows.push(...(await bigKeyspaceRows(cli, listing)));
  return rows;
}

/** `decode` of the big session in each format, against PHP decoding the same bytes (peers/decode.php). */
async function decodeRows(cli: string): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'prs-bench-decode-'));
  try {
    // A cart of 60,000 lines, as in the report (18 MB in php_serialize).
    const values = await bigSessionValues(60_000);
    const rows: Row[] = [];
    for (const [format, value] of Object.entries(values)) {
      const file = join(dir, `session.${format}`);
      writeFileSync(file, value);
      // The JSON is larger than a binary format's bytes, and about the size of a text one.
      const nonEmpty = (out: Buffer): void => {
        if (out.length < value.length / 4) throw new Error(`printed ${out.length} bytes`);
      };
      const c = await compare(
        [
          { label: 'php', kind: 'php', args: [join(PEERS, 'decode.php'), format], stdinFile: file, check: nonEmpty },
          { label: 'ours', kind: 'node', args: [cli, 'decode'], stdinFile: file, check: nonEmpty },
        ],
        ROUNDS,
      );
      rows.push({
        what: `CLI \`decode\` of a ${(value.length / 1048576).toFixed(1)} MB ${format} session to JSON, whole process (load ${c.load})`,
        ours: figure(c, 1),
        peer: `PHP decoding it (${PEER_DECODER[format]}) + json_encode() as a php process`,
        peerValue: figure(c, 0),
        ratio: ratio(c.ratio(1, 0), 1),
        budget: '≤ 2× peer',
        met: c.ratio(1, 0) <= 2,
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PEER_DECODER: Record<string, string> = {
  php_serialize: 'unserialize()',
  php: 'session_decode()',
  igbinary: 'igbinary_unserialize()',
  msgpack: 'msgpack_unserialize()',
};

/** A million sessions among ten million keys: the listing's time and peak RSS, beside the 100k run's. */
async function bigKeyspaceRows(cli: string, small: Compared): Promise<Row[]> {
  const server = await startRedis({ args: ['--enable-debug-command', 'yes', '--maxmemory', '0'] });
  try {
    const t0 = performance.now();
    await fillNoise(server.port, 0, BIG_KEYS - BIG_SESSIONS);
    // PHP in two processes: it is single-threaded and the machine has two cores.
    const half = Math.floor(BIG_SESSIONS / 2);
    await Promise.all([
      fillSessions(server.port, 0, 0, half, false),
      fillSessions(server.port, 0, half, BIG_SESSIONS, false),
    ]);
    console.error(`[bench] ${BIG_KEYS / 1e6}M keys filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const url = `tcp://127.0.0.1:${server.port}`;
    const c = await compare(
      [
        {
          label: 'ours',
          kind: 'node',
          args: [cli, 'sessions', url, '--json'],
          check: (out) => {
            // "[\n", then one row a line, then "\n]\n".
            let n = -2;
            for (let i = out.indexOf(10); i >= 0; i = out.indexOf(10, i + 1)) n++;
            if (n < BIG_SESSIONS) throw new Error(`listed ${n} of ${BIG_SESSIONS}`);
          },
        },
        { label: 'bare', kind: 'node', args: [join(PEERS, 'bare-scan.cjs'), String(server.port), '0', PREFIX] },
      ],
      1,
    );
    return [
      {
        what: `CLI \`sessions URL --json\`, whole process: ${BIG_SESSIONS / 1e6}M sessions among ${BIG_KEYS / 1e6}M keys (load ${c.load})`,
        ours: `${figure(c, 0)}; with ${SESSIONS / 1000}k sessions: peak RSS ${mb(small.rss[0]!)}`,
        peer: 'bare SCAN COUNT 1000 loop, ids only',
        peerValue: figure(c, 1),
        ratio: ratio(c.ratio(0, 1), 1),
        budget: 'memory flat: report',
      },
    ];
  } finally {
    await server.stop();
  }
}

if (isMain(__filename)) {
  void runCliBench()
    .then((rows) => printRows('Whole processes', rows))
    .finally(() => stopKeyspace());
}
