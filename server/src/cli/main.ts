// The CLI's command dispatch, separate from the entry point so tests can call it in-process.
import { parseArgs } from 'node:util';
import { lintCommand } from './lintCommand.ts';
import {
  compressionOption,
  decodeCommand,
  serializerOption,
  sessionsCommand,
  showCommand,
} from './sessionsCommands.ts';
import { UsageError, type Io } from './io.ts';

declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

export const USAGE = `Usage: php-redis-sessions <command> [options]

Commands:
  lint [paths…]                 Lint composer.json / php.ini / framework files (default: ./composer.json);
                                a directory is linted as a project: composer.json, .env*, Laravel
                                config/*.php, Symfony config/packages/*.yaml, php.ini-style files
      --format stylish|json|sarif   Output format (default: stylish)
      --fix                         Apply the safe fixes and write the files
  sessions <url|save_path>      List the PHP sessions stored in Redis (all of them unless --limit)
      --match PATTERN               Only ids matching this glob (a * is appended)
      --limit N                     At most N sessions
      --prefix PREFIX               Key prefix (default: the save_path's, else PHPREDIS_SESSION:)
      --json                        One JSON array of { id, key, ttl, size, serializer, locked }
  show <url|save_path> <id>     Print one session as canonical JSON
      --raw                         The stored bytes instead
      --serializer NAME             php, php_binary, php_serialize, igbinary, msgpack (default: detected)
      --compression NAME            none, lzf, zstd, lz4 (default: zstd and lz4 detected)
  decode                        Decode a raw session value from stdin to canonical JSON
      --serializer NAME, --compression NAME
  help                          Show this help

The address is a redis:// or rediss:// URL or a phpredis session.save_path (tcp://, tls://,
unix://, several hosts, or the rediscluster seed[]= form). A password comes from the address or
from REDIS_PASSWORD; it is never printed.

Exit codes: 0 no error, 1 lint errors found, 2 bad usage, unreadable input, connection or decode failure.
`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            format: { type: 'string', short: 'f', default: 'stylish' },
            fix: { type: 'boolean', default: false },
          },
        });
        return lintCommand({ paths: positionals, format: values.format ?? 'stylish', fix: !!values.fix }, io, VERSION);
      }
      case 'sessions': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            match: { type: 'string' },
            limit: { type: 'string' },
            json: { type: 'boolean', default: false },
            prefix: { type: 'string' },
          },
        });
        return await sessionsCommand(
          {
            target: positionals[0] ?? '',
            json: !!values.json,
            ...(values.match !== undefined ? { match: values.match } : {}),
            ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
            ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
          },
          io,
        );
      }
      case 'show': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            raw: { type: 'boolean', default: false },
            serializer: { type: 'string' },
            compression: { type: 'string' },
            prefix: { type: 'string' },
          },
        });
        return await showCommand(
          {
            target: positionals[0] ?? '',
            id: positionals[1] ?? '',
            raw: !!values.raw,
            serializer: serializerOption(values.serializer),
            compression: compressionOption(values.compression),
            ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
          },
          io,
          (bytes) => io.stdoutBytes(bytes),
        );
      }
      case 'decode': {
        const { values } = parseArgs({
          args: rest,
          options: { serializer: { type: 'string' }, compression: { type: 'string' } },
        });
        return await decodeCommand(
          { serializer: serializerOption(values.serializer), compression: compressionOption(values.compression) },
          io,
        );
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
