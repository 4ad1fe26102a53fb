// `npm run bench`: every performance figure, each with the peer measured in the same run, printed as
// one markdown table (with the machine and its load) for the README: in-process figures, then the
// user's view (cli: whole processes). Heavy: run it alone on the machine.
//   node --import ./test/helpers/register.mjs test/bench/run.ts [lint] [listing] [search] [decode] [cli] [activation] [report]
// Env: BENCH_KEYS / BENCH_SESSIONS (the Redis keyspace), BENCH_RUNS (in-process repetitions),
// BENCH_CLI_RUNS (whole-process rounds), BENCH_BIG_KEYS / BENCH_BIG_SESSIONS (the flat-memory run;
// 0 sessions skips it), BENCH_SESSIONS_DECODE (decoded values). Exit code 1 when a budget is missed
// (the table says which).
import { loadavg } from 'node:os';
import { runActivationBench } from './activation.bench.ts';
import { runCliBench } from './cli.bench.ts';
import { machine, table, type Row } from './common.ts';
import { runDecodeBench } from './decode.bench.ts';
import { stopKeyspace } from './keyspace.ts';
import { runLintBench } from './lint.bench.ts';
import { runListingBench } from './listing.bench.ts';
import { runSearchBench } from './search.bench.ts';
import { runReportBench } from './report.bench.ts';

const BENCHES: Record<string, () => Promise<Row[]>> = {
  lint: runLintBench,
  listing: runListingBench,
  search: runSearchBench,
  decode: runDecodeBench,
  cli: runCliBench,
  activation: runActivationBench,
  report: runReportBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  const rows: Row[] = [];
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) throw new Error(`unknown bench "${name}" (${Object.keys(BENCHES).join(', ')})`);
    const t0 = performance.now();
    console.error(`[bench] ${name}…`);
    rows.push(...(await bench()));
    console.error(`[bench] ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await stopKeyspace();
  const date = new Date().toISOString().slice(0, 10);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`\n#### Performance (measured ${date} on ${machine()}; load average at the end ${load})\n`);
  console.log(table(rows));
  const missed = rows.filter((r) => r.met === false);
  if (missed.length) {
    console.log(`\nMissed budgets: ${missed.map((r) => `${r.what} — ${r.ours} (budget ${r.budget})`).join('; ')}`);
    process.exitCode = 1;
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
