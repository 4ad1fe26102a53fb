// Shared bits of the benchmarks: timing, statistics, the machine, and the result rows that
// run.ts prints as the README's markdown table.
import { cpus, totalmem } from 'node:os';

export interface Row {
  /** What was measured. */
  what: string;
  /** Our figure, formatted with its unit. */
  ours: string;
  /** The peer measured in the same run, and its figure. */
  peer?: string;
  peerValue?: string;
  /** ours / peer (time ratio: lower is better; throughput ratio: higher is better). */
  ratio?: string;
  budget?: string;
  /** true / false against the budget; undefined when the row only reports. */
  met?: boolean;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function ms(x: number): string {
  if (x < 1) return `${x.toFixed(3)} ms`;
  if (x < 100) return `${x.toFixed(2)} ms`;
  return `${x.toFixed(0)} ms`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1048576).toFixed(2)} MB`;
}

export const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

/** Times `fn` `n` times, returning each call's milliseconds. */
export function timeSync(fn: () => unknown, n: number): number[] {
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out[i] = performance.now() - t0;
  }
  return out;
}

export async function timeAsync(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out[i] = performance.now() - t0;
  }
  return out;
}

export function machine(): string {
  const cs = cpus();
  const model = (cs[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${model}, ${cs.length} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function table(rows: readonly Row[]): string {
  const lines = ['| what | ours | peer (same run) | ratio | budget | met |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    const peer = r.peer ? `${r.peer}: ${r.peerValue ?? ''}` : '—';
    lines.push(
      `| ${r.what} | ${r.ours} | ${peer} | ${r.ratio ?? '—'} | ${r.budget ?? '—'} | ${r.met === undefined ? '—' : r.met ? '✅ yes' : '❌ **no**'} |`,
    );
  }
  return lines.join('\n');
}

export function printRows(title: string, rows: readonly Row[]): void {
  console.log(`\n### ${title}\n`);
  console.log(table(rows));
}

/** True when this module is the script node was started with (bench files run alone too). */
export function isMain(moduleFilename: string): boolean {
  return process.argv[1] !== undefined && moduleFilename.endsWith(process.argv[1].replace(/^.*[\\/]/, ''));
}
