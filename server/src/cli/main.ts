// The CLI's command dispatch, separate from the entry point so tests can call it in-process.
import { parseArgs } from 'node:util';
import { maskCredentials } from '../core/mask.ts';
import { UsageError, type Io } from './io.ts';

declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

/** Each command's usage lines: the first names it and its arguments, the rest its options. */
const COMMANDS: Record<string, string> = {
  lint: `  lint [paths…]                 Lint composer.json / php.ini / framework files (default: ./composer.json);
                                a directory is linted as a project: composer.json, .env*, Laravel
                                config/*.php, Symfony config/packages/*.yaml, php.ini-style files
      --format stylish|json|sarif   Output format (default: stylish)
      --fix                         Apply the safe fixes and write the files
      --phpredis-version 5.3|6.0|6.1|6.2|6.3
                                    The phpredis release judged for (default: 6.3, or what
                                    composer.json's ext-redis constraint pins)`,
  sessions: `  sessions <url|save_path>      List the PHP sessions stored in Redis (all of them unless --limit)
      --match PATTERN               Only ids matching this glob (a * is appended)
      --limit N                     At most N sessions
      --prefix PREFIX               Key prefix (default: the save_path's, else PHPREDIS_SESSION:)
      --framework NAME              laravel, symfony: their key layout (default: read from the keys
                                    when no prefix is given and no phpredis session is there; none:
                                    phpredis's only)
      --json                        One JSON array of { id, key, ttl, size, serializer, locked }
      --where PATH=VALUE            Only sessions whose decoded contents match (repeatable: all must hold);
                                    also PATH!=VALUE and PATH~TEXT (substring, or a glob with * and ?).
                                    PATH: variable.key.key…, * for any key, __class for a class name
      --serializer NAME, --compression NAME   How to decode for --where (default: detected)`,
  show: `  show <url|save_path> <id>     Print one session as canonical JSON
      --raw                         The stored bytes instead
      --serializer NAME             php, php_binary, php_serialize, igbinary, msgpack: decode with it
                                    alone, as PHP configured with it (default: detected)
      --compression NAME            none, lzf, zstd, lz4 (default: zstd and lz4 detected)
      --prefix PREFIX               Key prefix (default: the save_path's, else PHPREDIS_SESSION:)
      --framework NAME              laravel, symfony, none: as for sessions; a framework's session is
                                    printed the way it sees it ({framework, summary, fields,
                                    attributes}); none prints the variables as stored`,
  decode: `  decode                        Decode a raw session value from stdin to canonical JSON
      --serializer NAME             php, php_binary, php_serialize, igbinary, msgpack: decode with it
                                    alone, as PHP configured with it (default: detected)
      --compression NAME            none, lzf, zstd, lz4 (default: zstd and lz4 detected)`,
  report: `  report <url|save_path>        The sessions' health: counts per serializer and compression, size and
                                TTL distributions, leaks (no expiry), stuck locks, the largest
                                sessions, undecodable ones and ones PHP cannot read back (read-only)
      --json                        The report as JSON (sessions, withoutExpiry, locksWithoutExpiry,
                                    undecodable, unreadableByPhp, bySerializer, … and their lists)
      --sample N                    Look at N sessions only (the report says it is a sample)
      --gc-maxlifetime S            session.gc_maxlifetime to compare TTLs with (default 1440)
      --lock-expire S               redis.session.lock_expire to compare locks with
      --serializer NAME             The configured serializer: sessions stored otherwise are
                                    reported as unreadable by PHP
      --compression NAME            As for show
      --prefix PREFIX               Key prefix (default: the save_path's, else PHPREDIS_SESSION:)
      --framework NAME              As for sessions`,
  set: `  set <url|save_path> <id> <path> <json>
                                Set one variable (dotted path, e.g. user.name) to a JSON value,
                                re-encoded with the session's serializer and compression, TTL
                                kept; written only if the session did not change meanwhile and
                                no request holds its lock (exit 1 when refused; put -- before a
                                negative number)
      --serializer NAME, --compression NAME, --prefix PREFIX`,
};

const ADDRESS = `The address is a redis:// or rediss:// URL or a phpredis session.save_path (tcp://, tls://,
unix://, several hosts, or the rediscluster seed[]= form). A password comes from the address or
from REDIS_PASSWORD; it is never printed.`;

const DECODING = `A session PHP itself cannot read back is still printed, and "PHP cannot read this back: <PHP's
reason>" goes to stderr; so does what PHP does with the bytes when the JSON alone does not say.`;

const EXIT =
  'Exit codes: 0 no error, 1 lint errors found or edit refused, 2 bad usage, unreadable input, connection or decode failure.';

export const USAGE = `Usage: php-redis-sessions <command> [options]

Commands:
${Object.values(COMMANDS).join('\n')}
  help [command]                Show this help (or one command's); every command also takes --help

${ADDRESS}

${EXIT}
`;

/** One command's help: its usage lines, and what applies to it. */
export function commandUsage(command: string): string {
  const notes = [
    ...(['sessions', 'show', 'report', 'set'].includes(command) ? [ADDRESS] : []),
    ...(command === 'show' || command === 'decode' ? [DECODING] : []),
  ];
  return `Usage: php-redis-sessions ${COMMANDS[command]!.trimStart()}\n\n${notes.map((n) => `${n}\n\n`).join('')}${EXIT}\n`;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  // Every command answers --help (anywhere among its arguments) before reading any other.
  if (command !== undefined && command in COMMANDS && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(commandUsage(command));
    return 0;
  }
  try {
    // Each command's modules load when it runs (a dynamic import): `decode` does not evaluate the
    // Redis client nor `lint` the decoders, and a CI job's start-up is the command's alone.
    switch (command) {
      case 'lint': {
        const { lintCommand } = await import('./lintCommand.ts');
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            format: { type: 'string', short: 'f', default: 'stylish' },
            fix: { type: 'boolean', default: false },
            'phpredis-version': { type: 'string' },
          },
        });
        return await lintCommand(
          {
            paths: positionals,
            format: values.format ?? 'stylish',
            fix: !!values.fix,
            ...(values['phpredis-version'] !== undefined ? { phpredisVersion: values['phpredis-version'] } : {}),
          },
          io,
          VERSION,
        );
      }
      case 'sessions': {
        const { serializerOption, compressionOption, frameworkOption } = await import('./options.ts');
        const { sessionsCommand } = await import('./sessionsCommands.ts');
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            match: { type: 'string' },
            limit: { type: 'string' },
            json: { type: 'boolean', default: false },
            prefix: { type: 'string' },
            where: { type: 'string', multiple: true },
            serializer: { type: 'string' },
            compression: { type: 'string' },
            framework: { type: 'string' },
          },
        });
        return await sessionsCommand(
          {
            target: positionals[0] ?? '',
            json: !!values.json,
            ...(values.where?.length ? { where: values.where } : {}),
            serializer: serializerOption(values.serializer),
            compression: compressionOption(values.compression),
            ...(values.match !== undefined ? { match: values.match } : {}),
            ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
            ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
            framework: frameworkOption(values.framework),
          },
          io,
        );
      }
      case 'show': {
        const { serializerOption, compressionOption, frameworkOption } = await import('./options.ts');
        const { showCommand } = await import('./sessionsCommands.ts');
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            raw: { type: 'boolean', default: false },
            serializer: { type: 'string' },
            compression: { type: 'string' },
            prefix: { type: 'string' },
            framework: { type: 'string' },
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
            framework: frameworkOption(values.framework),
          },
          io,
          (bytes) => io.stdoutBytes(bytes),
        );
      }
      case 'decode': {
        const { serializerOption, compressionOption } = await import('./options.ts');
        const { decodeCommand } = await import('./decodeCommand.ts');
        const { values } = parseArgs({
          args: rest,
          options: { serializer: { type: 'string' }, compression: { type: 'string' } },
        });
        return await decodeCommand(
          { serializer: serializerOption(values.serializer), compression: compressionOption(values.compression) },
          io,
        );
      }
      case 'report': {
        const { serializerOption, compressionOption, frameworkOption } = await import('./options.ts');
        const { reportCommand } = await import('./reportCommand.ts');
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            json: { type: 'boolean', default: false },
            sample: { type: 'string' },
            'gc-maxlifetime': { type: 'string' },
            'lock-expire': { type: 'string' },
            serializer: { type: 'string' },
            compression: { type: 'string' },
            prefix: { type: 'string' },
            framework: { type: 'string' },
          },
        });
        const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
        return await reportCommand(
          {
            target: positionals[0] ?? '',
            json: !!values.json,
            sample: num(values.sample),
            gcMaxlifetime: num(values['gc-maxlifetime']),
            lockExpire: num(values['lock-expire']),
            serializer: serializerOption(values.serializer),
            compression: compressionOption(values.compression),
            ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
            framework: frameworkOption(values.framework),
          },
          io,
        );
      }
      case 'set': {
        const { serializerOption, compressionOption } = await import('./options.ts');
        const { setCommand } = await import('./setCommand.ts');
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { serializer: { type: 'string' }, compression: { type: 'string' }, prefix: { type: 'string' } },
        });
        const [target = '', id = '', path = '', json = ''] = positionals;
        return await setCommand(
          {
            target,
            id,
            path,
            json,
            serializer: serializerOption(values.serializer),
            compression: compressionOption(values.compression),
            ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
          },
          io,
        );
      }
      case 'help':
      case '--help':
      case '-h':
        io.stdout(rest[0] !== undefined && rest[0] in COMMANDS ? commandUsage(rest[0]) : USAGE);
        return 0;
      case '--version':
      case '-v':
        io.stdout(VERSION + '\n');
        return 0;
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
    }
  } catch (err) {
    // Messages are built without secrets; the masker is the last guard before the terminal.
    const message = maskCredentials((err as Error).message);
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`php-redis-sessions: ${message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`php-redis-sessions: ${message}\n`);
    return 2;
  }
}
