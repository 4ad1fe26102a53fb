// One `php-redis-sessions report --json` in this process (the CLI's own code path), then its time
// and peak memory on stdout: run as a child so the measure is the whole process's.
import { resourceUsage } from 'node:process';
import { main } from '../../server/src/cli/main.ts';

const url = process.argv[2]!;
let out = '';
const t0 = performance.now();
void main(['report', url, '--json'], {
  stdout: (t) => void (out += t),
  stdoutBytes: () => undefined,
  stderr: (t) => void process.stderr.write(t),
  cwd: process.cwd(),
  env: {},
  color: false,
  readStdin: async () => Buffer.alloc(0),
}).then((code) => {
  const ms = performance.now() - t0;
  const report = JSON.parse(out) as { sessions: number };
  process.stdout.write(JSON.stringify({ code, ms, maxRssKb: resourceUsage().maxRSS, sessions: report.sessions }));
});
