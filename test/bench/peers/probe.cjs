// Required into every measured node process (test/bench/process.ts): at exit, writes its CPU time
// and peak RSS where BENCH_PROBE_OUT says.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const u = process.resourceUsage();
  if (process.env.BENCH_PROBE_OUT)
    writeFileSync(
      process.env.BENCH_PROBE_OUT,
      JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }),
    );
});
