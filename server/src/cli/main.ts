// The CLI's command dispatch, separate from the entry point so tests can call it in-process.
import { parseArgs } from 'node:util';
import { lintCommand } from './lintCommand.ts';
import { UsageError, type Io } from './io.ts';

declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

export const USAGE = `Usage: php-redis-sessions <command> [options]

Commands:
  lint [paths…]                 Lint composer.json / php.ini files (default: ./composer.json)
      --format stylish|json|sarif   Output format (default: stylish)
      --fix                         Apply the safe fixes and write the files
  help                          Show this help

Exit codes: 0 no error, 1 errors found, 2 bad usage or unreadable input.
`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { format: { type: 'string', short: 'f', default: 'stylish' }, fix: { type: 'boolean', default: false } },
        });
        return lintCommand({ paths: positionals, format: values.format ?? 'stylish', fix: !!values.fix }, io, VERSION);
      }
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return 0;
      case '--version':
      case '-v':
        io.stdout(VERSION + '\n');
        return 0;
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`php-redis-sessions: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`php-redis-sessions: ${(err as Error).message}\n`);
    return 2;
  }
}
