// A hang detector for synchronous fuzz loops. The code under test runs on the main thread, where
// a timer can never fire during an endless loop; so a worker thread watches a heartbeat in shared
// memory, and when it stops for `stallMs` it writes the input being processed to stderr and kills
// the process (node --test then reports the file as failed, with the input in its output).
import { Worker } from 'node:worker_threads';

const MAX_INPUT = 1 << 18;

export interface Watchdog {
  /** Call before each case with its input (text or bytes); cheap. */
  beat(input: string | Uint8Array): void;
  stop(): Promise<void>;
}

const WORKER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const ctrl = new Int32Array(workerData.ctrl);
const data = new Uint8Array(workerData.data);
let last = Atomics.load(ctrl, 0);
let since = Date.now();
setInterval(() => {
  const now = Atomics.load(ctrl, 0);
  if (now !== last) { last = now; since = Date.now(); return; }
  if (Date.now() - since < workerData.stallMs) return;
  const len = Atomics.load(ctrl, 1);
  const kind = Atomics.load(ctrl, 2) === 1 ? 'bytes (hex)' : 'text (JSON)';
  const bytes = data.slice(0, len);
  const shown = kind.startsWith('bytes') ? Buffer.from(bytes).toString('hex') : JSON.stringify(Buffer.from(bytes).toString('utf8'));
  fs.writeSync(2, '\\n[fuzz watchdog] ' + workerData.label + ': case #' + now + ' has not finished after ' + workerData.stallMs + ' ms (a hang). Input ' + kind + ':\\n' + shown + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 250);
`;

export function startWatchdog(label: string, stallMs = 10_000): Watchdog {
  const ctrl = new SharedArrayBuffer(12);
  const data = new SharedArrayBuffer(MAX_INPUT);
  const c = new Int32Array(ctrl);
  const d = new Uint8Array(data);
  const enc = new TextEncoder();
  const worker = new Worker(WORKER, { eval: true, workerData: { ctrl, data, stallMs, label }, execArgv: [] });
  worker.unref();
  return {
    beat(input) {
      let n: number;
      if (typeof input === 'string') {
        n = enc.encodeInto(input.length > MAX_INPUT / 3 ? input.slice(0, MAX_INPUT / 3) : input, d).written;
        Atomics.store(c, 2, 0);
      } else {
        n = Math.min(input.length, MAX_INPUT);
        d.set(input.subarray(0, n));
        Atomics.store(c, 2, 1);
      }
      Atomics.store(c, 1, n);
      Atomics.add(c, 0, 1);
    },
    async stop() {
      await worker.terminate();
    },
  };
}

/** Runs per fuzz test: FUZZ_RUNS overrides the in-test count (e.g. `FUZZ_RUNS=2000000 npm run fuzz`). */
export function fuzzRuns(defaultRuns: number): number {
  const v = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : defaultRuns;
}

/** FUZZ_SEED replays a run; otherwise a fresh seed, printed so a failure can be reproduced. */
/**
 * The run's seed: FUZZ_SEED, a fresh random one with FUZZ_SEED=random (`npm run fuzz` explores),
 * else a fixed one, so `npm test` (and CI) checks the same 100k+ cases every time.
 */
export function fuzzSeed(): number {
  if (process.env.FUZZ_SEED === 'random') return (Math.random() * 2 ** 31) | 0;
  const v = Number(process.env.FUZZ_SEED);
  return Number.isInteger(v) && process.env.FUZZ_SEED !== undefined && process.env.FUZZ_SEED !== '' ? v : 20261125;
}
