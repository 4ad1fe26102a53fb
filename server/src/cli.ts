// The `php-redis-sessions` command-line tool: the same core as the extension, for CI and terminals.
import { processIo } from './cli/io.ts';
import { main } from './cli/main.ts';

// `… | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
