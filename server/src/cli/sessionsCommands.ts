// `sessions`, `show` and `decode`: the sessions core from a terminal. Connection and decode
// failures exit 2 with Redis's (or the decoder's) own words, the password masked; what PHP itself
// would refuse or do differently goes to stderr beside the JSON.
import { parseConnectionTargets, type ConnectionTarget } from '../sessions/connectionTarget.ts';
import { toCanonicalJson } from '../sessions/canonicalJson.ts';
import {
  SESSION_SERIALIZERS,
  decodeSession,
  type DecodedSession,
  type DecodeSessionOptions,
  type SessionSerializer,
} from '../sessions/sessionFormats.ts';
import type { SessionCompression } from '../sessions/compression.ts';
import type { PhpValue } from '../sessions/phpValue.ts';
import { formatTtl } from '../sessions/display.ts';
import { SessionScanner, readSessionHeads, type SessionInfo } from '../sessions/redis/index.ts';
import { SHAPE_BYTES, shapeOf, type SessionShape } from '../sessions/sessionShape.ts';
import { SESSION_FRAMEWORKS } from '../sessions/frameworkKeys.ts';
import { frameworkViewValue, presentSession } from '../sessions/frameworkView.ts';
import { chooseLayout, FRAMEWORK_LABELS, type FrameworkChoice } from '../sessions/sessionLayout.ts';
import { UsageError, type Io } from './io.ts';

const COMPRESSIONS: readonly SessionCompression[] = ['none', 'lzf', 'zstd', 'lz4'];

export interface SessionsArgs {
  target: string;
  match?: string;
  limit?: number;
  json: boolean;
  prefix?: string;
  framework?: FrameworkChoice;
}

function targetsOf(input: string | undefined, io: Io, prefix?: string): ConnectionTarget[] {
  if (!input) throw new UsageError('give a Redis URL (redis://…) or a session.save_path');
  return parseConnectionTargets(input, { env: io.env, ...(prefix !== undefined ? { prefix } : {}) });
}

export function serializerOption(value: string | undefined): SessionSerializer | undefined {
  if (value === undefined) return undefined;
  if (!(SESSION_SERIALIZERS as readonly string[]).includes(value))
    throw new UsageError(`unknown --serializer "${value}" (${SESSION_SERIALIZERS.join(', ')})`);
  return value as SessionSerializer;
}

export function frameworkOption(value: string | undefined): FrameworkChoice {
  if (value === undefined) return undefined;
  if (value !== 'none' && !(SESSION_FRAMEWORKS as readonly string[]).includes(value))
    throw new UsageError(`unknown --framework "${value}" (${SESSION_FRAMEWORKS.join(', ')} or none)`);
  return value as FrameworkChoice;
}

/**
 * A read-only scanner on the target with the sessions' key layout: the framework named, or the one
 * the keys show when no prefix was given (said on stderr, with how to choose otherwise).
 */
export async function layoutScanner(
  target: ConnectionTarget,
  args: { framework?: FrameworkChoice; prefix?: string },
  io: Io,
): Promise<SessionScanner> {
  let scanner = new SessionScanner(target, { readOnly: true });
  try {
    const chosen = await chooseLayout(
      target,
      { framework: args.framework, prefixGiven: args.prefix !== undefined },
      (o) => scanner.sampleLayout(o),
    );
    const t = chosen.target;
    if (chosen.notFound)
      io.stderr(
        `php-redis-sessions: no key looks like a Laravel session (<prefix>cache:<40 characters>) among the ${chosen.notFound.keys} keys looked at; --prefix names the store's prefix\n`,
      );
    else if (chosen.detected && t.framework)
      io.stderr(
        `php-redis-sessions: ${FRAMEWORK_LABELS[t.framework]} sessions under the prefix ${JSON.stringify(t.prefix)} (${
          args.framework
            ? 'the prefix read from the keys; --prefix names another'
            : "read from the keys; --framework none for phpredis's own"
        })\n`,
      );
    if (t !== target) {
      scanner.close();
      scanner = new SessionScanner(t, { readOnly: true });
    }
    return scanner;
  } catch (err) {
    scanner.close();
    throw err;
  }
}

export function compressionOption(value: string | undefined): SessionCompression | undefined {
  if (value === undefined) return undefined;
  if (!(COMPRESSIONS as readonly string[]).includes(value))
    throw new UsageError(`unknown --compression "${value}" (${COMPRESSIONS.join(', ')})`);
  return value as SessionCompression;
}

interface Row {
  id: string;
  key: string;
  ttl: number;
  size: number;
  serializer: string | null;
  locked: boolean;
  /** Laravel's or Symfony's session (their key layout). */
  framework?: string;
}

function row(s: SessionInfo, shape: SessionShape | undefined, framework: string | undefined): Row {
  const serializer = shape?.compression ? `${shape.compression}` : (shape?.serializer ?? null);
  return {
    id: s.id,
    key: s.key,
    ttl: s.ttl,
    size: s.size,
    serializer,
    locked: s.locked,
    ...(framework ? { framework } : {}),
  };
}

export async function sessionsCommand(args: SessionsArgs, io: Io): Promise<number> {
  const limit = args.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new UsageError('--limit wants a whole number ≥ 1');
  const targets = targetsOf(args.target, io, args.prefix);
  let printed = 0;
  let first = true;
  let headed = false;
  const head = (): void => {
    // Printed once the server answered, so a connection error is the only output.
    if (headed) return;
    headed = true;
    io.stdout(
      args.json ? '[' : `${'ID'.padEnd(40)} ${'TTL'.padStart(8)} ${'SIZE'.padStart(9)}  SERIALIZER     LOCKED\n`,
    );
  };
  for (const target of targets) {
    const scanner = await layoutScanner(target, args, io);
    try {
      for await (const batch of scanner.listAll(args.match ? { pattern: args.match } : {})) {
        head();
        const take = limit === undefined ? batch : batch.slice(0, limit - printed);
        if (take.length === 0) break;
        const heads = await readSessionHeads(
          await scanner.connection(),
          take.filter((s) => !s.lockOnly).map((s) => s.key),
          SHAPE_BYTES,
        );
        for (const s of take) {
          const head = heads.get(s.key);
          const r = row(s, head && shapeOf(head), scanner.target.framework);
          if (args.json) {
            io.stdout(`${first ? '\n  ' : ',\n  '}${JSON.stringify(r)}`);
            first = false;
          } else {
            io.stdout(
              `${r.id.padEnd(40)} ${formatTtl(r.ttl).padStart(8)} ${String(r.size).padStart(9)}  ${(r.serializer ?? '?').padEnd(14)} ${r.locked ? 'locked' : ''}\n`,
            );
          }
        }
        printed += take.length;
        if (limit !== undefined && printed >= limit) break;
      }
    } finally {
      scanner.close();
    }
    if (limit !== undefined && printed >= limit) break;
  }
  head();
  if (args.json) io.stdout(first ? ']\n' : '\n]\n');
  else io.stderr(`${printed} session${printed === 1 ? '' : 's'}\n`);
  return 0;
}

export interface ShowArgs {
  target: string;
  id: string;
  raw: boolean;
  serializer?: SessionSerializer;
  compression?: SessionCompression;
  prefix?: string;
  framework?: FrameworkChoice;
}

export async function showCommand(args: ShowArgs, io: Io, writeRaw: (bytes: Uint8Array) => void): Promise<number> {
  if (!args.id) throw new UsageError('give the session id');
  const targets = targetsOf(args.target, io, args.prefix);
  let prefix = targets[0]?.prefix ?? '';
  for (const target of targets) {
    const scanner = await layoutScanner(target, args, io);
    try {
      const t = scanner.target;
      prefix = t.prefix;
      const value = await scanner.getSession(args.id);
      if (value === null) continue;
      if (args.raw) {
        writeRaw(value);
        return 0;
      }
      const decoded = decodeSession(value, { ...decodeOptions(args), key: t.prefix + args.id });
      // The session the way its framework sees it (its layout's, or its bytes say whose it is).
      const framework = args.framework === 'none' ? undefined : (t.framework ?? decoded.framework);
      const view = framework ? presentSession(framework, decoded.variables) : undefined;
      printDecoded(decoded, io, view && frameworkViewValue(view));
      return 0;
    } finally {
      scanner.close();
    }
  }
  io.stderr(`php-redis-sessions: no session "${args.id}" (prefix ${JSON.stringify(prefix)})\n`);
  return 2;
}

/** A serializer the user names is the one used, alone: detection only when none is named. */
function decodeOptions(args: {
  serializer?: SessionSerializer;
  compression?: SessionCompression;
}): DecodeSessionOptions {
  return {
    ...(args.serializer ? { serializer: args.serializer, serializerOnly: true } : {}),
    ...(args.compression ? { compression: args.compression } : {}),
  };
}

/** The canonical JSON (or a framework's view of it) on stdout; what PHP would make of the session on stderr. */
function printDecoded(decoded: DecodedSession, io: Io, view?: PhpValue): void {
  io.stdout(toCanonicalJson(view ?? decoded, 2) + '\n');
  if (decoded.phpUnreadable)
    io.stderr(`php-redis-sessions: PHP cannot read this back: ${decoded.phpUnreadable.reason}\n`);
  for (const note of decoded.notes ?? []) io.stderr(`php-redis-sessions: note: ${note}\n`);
}

export async function decodeCommand(
  args: { serializer?: SessionSerializer; compression?: SessionCompression },
  io: Io,
): Promise<number> {
  const bytes = await io.readStdin();
  const options = decodeOptions(args);
  let decoded;
  try {
    decoded = decodeSession(bytes, options);
  } catch (err) {
    // `redis-cli GET` ends its output with a newline that is not part of the value.
    if (bytes[bytes.length - 1] !== 0x0a) throw err;
    decoded = decodeSession(bytes.subarray(0, bytes.length - 1), options);
  }
  printDecoded(decoded, io);
  return 0;
}
