// Whole processes, measured as a user meets them: wall time from spawn to exit, CPU time and peak
// RSS (reported by the process itself at exit: a --require'd probe for node, getrusage() for PHP),
// stdout to a file whose size is checked. Several commands are run round-robin, so a noisy
// neighbour on the machine hits them alike, and ratios are taken round by round.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './common.ts';

export const PEERS = join(__dirname, 'peers');
const PROBE = join(PEERS, 'probe.cjs');

export interface Run {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  stdoutBytes: number;
  stderr: string;
  /** CPU the Redis server spent during the run (ms), when the command names a server. */
  serverCpuMs?: number;
}

export interface Command {
  label: string;
  /** 'node' runs `args[0]` with the probe; 'php' runs php with `args`. */
  kind: 'node' | 'php';
  args: string[];
  stdinFile?: string;
  /** Throws when the run's output is not what it should be (too few rows, an error). */
  check?: (stdout: Buffer, run: Run) => void;
  /** Reads the Redis server's CPU time so far (ms): the run's share is measured around it. */
  serverCpuMs?: () => Promise<number>;
}

/** One run of a command. */
export async function runOnce(cmd: Command): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'prs-bench-run-'));
  const outFile = join(dir, 'stdout');
  const probeFile = join(dir, 'probe.json');
  const out = openSync(outFile, 'w');
  const input = cmd.stdinFile ? openSync(cmd.stdinFile, 'r') : 'ignore';
  try {
    const [exe, args] =
      cmd.kind === 'node'
        ? [process.execPath, ['--require', PROBE, ...cmd.args]]
        : ['php', ['-d', 'memory_limit=-1', '-d', `auto_prepend_file=${join(PEERS, 'probe.php')}`, ...cmd.args]];
    const server0 = await cmd.serverCpuMs?.();
    const t0 = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(exe, args, {
        stdio: [input, out, 'pipe'],
        env: { ...process.env, BENCH_PROBE_OUT: probeFile, REDIS_PASSWORD: '' },
      });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    const wallMs = performance.now() - t0;
    if (code !== 0) throw new Error(`${cmd.label} exited with ${code}: ${stderr.trim().slice(0, 500)}`);
    const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as { cpuMs: number; maxRssKb: number };
    const run: Run = { wallMs, ...probe, stdoutBytes: statSync(outFile).size, stderr };
    if (server0 !== undefined) run.serverCpuMs = (await cmd.serverCpuMs!()) - server0;
    cmd.check?.(readFileSync(outFile), run);
    return run;
  } finally {
    closeSync(out);
    if (typeof input === 'number') closeSync(input);
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Compared {
  runs: Run[][];
  /** Median of each command's wall times, CPU times, peak RSS. */
  wall: number[];
  cpu: number[];
  rss: number[];
  /** Median of the Redis server's CPU time during each command's runs (NaN when not measured). */
  serverCpu: number[];
  /** The median over rounds of command i's wall time / command j's in the same round. */
  ratio(i: number, j: number): number;
  /** The load average (1 min) before and after, for the record. */
  load: string;
}

/** `rounds` rounds of every command in turn (after one untimed warm-up round). */
export async function compare(commands: Command[], rounds: number): Promise<Compared> {
  const load0 = loadavg()[0]!;
  for (const c of commands) await runOnce(c);
  const runs: Run[][] = commands.map(() => []);
  for (let r = 0; r < rounds; r++) for (const [i, c] of commands.entries()) runs[i]!.push(await runOnce(c));
  const load1 = loadavg()[0]!;
  return {
    runs,
    wall: runs.map((rs) => median(rs.map((x) => x.wallMs))),
    cpu: runs.map((rs) => median(rs.map((x) => x.cpuMs))),
    rss: runs.map((rs) => median(rs.map((x) => x.maxRssKb))),
    serverCpu: runs.map((rs) => median(rs.map((x) => x.serverCpuMs ?? NaN))),
    ratio: (i, j) => median(runs[i]!.map((x, k) => x.wallMs / runs[j]![k]!.wallMs)),
    load: `${load0.toFixed(1)} → ${load1.toFixed(1)}`,
  };
}

export const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
