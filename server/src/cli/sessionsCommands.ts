// `sessions` and `show`: the sessions core from a terminal. Connection and decode
// failures exit 2 with Redis's (or the decoder's) own words, the password masked; what PHP itself
// would refuse or do differently goes to stderr beside the JSON.
import { parseConnectionTargets, type ConnectionTarget } from '../sessions/connectionTarget.ts';
import { decodeSession, type SessionSerializer } from '../sessions/sessionFormats.ts';
import type { SessionCompression } from '../sessions/compression.ts';
import { formatTtl } from '../sessions/display.ts';
import { SessionScanner } from '../sessions/redis/sessionScanner.ts';
import type { SessionInfo } from '../sessions/redis/sessionInfo.ts';
import { QueryError, SessionQuery, parseCondition } from '../sessions/sessionQuery.ts';
import { searchSessions, type SearchProgress } from '../sessions/sessionSearch.ts';
import { SHAPE_BYTES, shapeOf } from '../sessions/sessionShape.ts';
import { frameworkViewValue, presentSession } from '../sessions/frameworkView.ts';
import { chooseLayout, FRAMEWORK_LABELS, type FrameworkChoice } from '../sessions/sessionLayout.ts';
import { UsageError, type Io } from './io.ts';
import { JsonRowWriter } from './jsonRows.ts';
import { decodeOptions, printDecoded } from './decodeCommand.ts';

export interface SessionsArgs {
  target: string;
  match?: string;
  limit?: number;
  json: boolean;
  prefix?: string;
  /** Conditions on the decoded contents (`--where`), all of which must hold. */
  where?: string[];
  serializer?: SessionSerializer;
  compression?: SessionCompression;
  framework?: FrameworkChoice;
}

function targetsOf(input: string | undefined, io: Io, prefix?: string): ConnectionTarget[] {
  if (!input) throw new UsageError('give a Redis URL (redis://…) or a session.save_path');
  return parseConnectionTargets(input, { env: io.env, ...(prefix !== undefined ? { prefix } : {}) });
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

function tableRow(s: SessionInfo, serializer: string | null): string {
  return `${s.id.padEnd(40)} ${formatTtl(s.ttl).padStart(8)} ${String(s.size).padStart(9)}  ${(serializer ?? '?').padEnd(14)} ${s.locked ? 'locked' : ''}\n`;
}

/** The serializer column: the compression envelope when there is one, else the detected serializer. */
function serializerOf(s: SessionInfo): string | null {
  if (!s.head) return null;
  const shape = shapeOf(s.head);
  return shape.compression ?? shape.serializer;
}

/** The listing's batches, or with `--where` the matching sessions of each batch (counts in `found`). */
async function* rows(
  scanner: SessionScanner,
  args: SessionsArgs,
  query: SessionQuery | undefined,
  found: SearchProgress,
): AsyncGenerator<SessionInfo[]> {
  const pattern = args.match ? { pattern: args.match } : {};
  if (!query) {
    const limit = args.limit !== undefined ? { limit: args.limit } : {};
    yield* scanner.listAll({ headBytes: SHAPE_BYTES, ...pattern, ...limit });
    return;
  }
  const start = { ...found };
  const batches = scanner.listAll({ headBytes: Infinity, ...pattern });
  const decode = { serializer: args.serializer, compression: args.compression };
  for await (const { matches, progress } of searchSessions(batches, query, decode)) {
    found.scanned = start.scanned + progress.scanned;
    found.matched = start.matched + progress.matched;
    found.undecodable = start.undecodable + progress.undecodable;
    if (matches.length) yield matches;
  }
}

/**
 * Streams the listing: one write per batch (a SCAN's worth of sessions), after the previous one
 * drained, so memory stays flat however many sessions there are and however slow the reader.
 */
export async function sessionsCommand(args: SessionsArgs, io: Io): Promise<number> {
  const limit = args.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new UsageError('--limit wants a whole number ≥ 1');
  let query: SessionQuery | undefined;
  try {
    query = args.where?.length ? new SessionQuery(args.where.map(parseCondition)) : undefined;
  } catch (err) {
    if (err instanceof QueryError) throw new UsageError(`--where ${err.message}`);
    throw err;
  }
  const targets = targetsOf(args.target, io, args.prefix);
  const found: SearchProgress = { scanned: 0, matched: 0, undecodable: 0 };
  let printed = 0;
  let headed = false;
  const write = async (out: string | Buffer): Promise<void> => {
    if ((typeof out === 'string' ? io.stdout(out) : io.stdoutBytes(out)) === false) await io.drained?.();
  };
  const head = (): string => {
    // Printed once the server answered, so a connection error is the only output.
    if (headed) return '';
    headed = true;
    return args.json ? '[' : `${'ID'.padEnd(40)} ${'TTL'.padStart(8)} ${'SIZE'.padStart(9)}  SERIALIZER     LOCKED\n`;
  };
  for (const target of targets) {
    const scanner = await layoutScanner(target, args, io);
    const json = new JsonRowWriter(scanner.target.prefix);
    const framework = scanner.target.framework;
    try {
      for await (const batch of rows(scanner, args, query, found)) {
        const take = limit === undefined ? batch.length : Math.min(batch.length, limit - printed);
        if (take <= 0) break;
        let text = head();
        if (args.json) {
          json.text(text);
          for (let i = 0; i < take; i++) {
            const s = batch[i]!;
            json.text(printed + i === 0 ? '\n  ' : ',\n  ');
            json.row(s, serializerOf(s), framework);
          }
        } else for (let i = 0; i < take; i++) text += tableRow(batch[i]!, serializerOf(batch[i]!));
        printed += take;
        await write(args.json ? json.take() : text);
        if (limit !== undefined && printed >= limit) break;
      }
    } finally {
      scanner.close();
    }
    if (limit !== undefined && printed >= limit) break;
  }
  const tail = head();
  if (args.json) await write(tail + (printed === 0 ? ']\n' : '\n]\n'));
  else if (tail) await write(tail);
  const s = (n: number): string => (n === 1 ? '' : 's');
  if (query) {
    // Counted among the sessions that had to be decoded (the others cannot hold a match).
    const skipped = found.undecodable
      ? `; ${found.undecodable} could not be decoded, so whether ${found.undecodable === 1 ? 'it matches' : 'they match'} is unknown`
      : '';
    io.stderr(`${printed} of ${found.scanned} session${s(found.scanned)} match${skipped}\n`);
  } else if (!args.json) io.stderr(`${printed} session${s(printed)}\n`);
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
