// The `php-redis-sessions` command-line tool: the same core as the extension, for CI and terminals.
import { processIo } from './cli/io.ts';
import { main } from './cli/main.ts';

void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
