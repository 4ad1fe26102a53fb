// Preloaded into a measured child process (node --require): prints its peak memory on exit.
process.on('exit', () => {
  require('node:fs').writeSync(2, `\n[maxRSS] ${process.resourceUsage().maxRSS}\n`);
});
