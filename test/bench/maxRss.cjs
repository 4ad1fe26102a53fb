// Preloaded into a measured child process (node --require): prints its peak memory on exit.
process.on('exit', () => {
  process.stderr.write(`\n[maxRSS] ${process.resourceUsage().maxRSS}\n`);
});
