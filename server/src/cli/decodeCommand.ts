// `decode`: a raw session value from stdin to canonical JSON, with what PHP would make of it on
// stderr. No Redis here: the command loads the decoders only.
import { toCanonicalJsonBytes } from '../sessions/canonicalJson.ts';
import type { SessionCompression } from '../sessions/compression.ts';
import type { PhpValue } from '../sessions/phpValue.ts';
import { sessionJson } from '../sessions/direct/sessionJson.ts';
import type { DecodedSession, DecodeSessionOptions, SessionSerializer } from '../sessions/sessionFormats.ts';
import type { Io } from './io.ts';

/** A serializer the user names is the one used, alone: detection only when none is named. */
export function decodeOptions(args: {
  serializer?: SessionSerializer;
  compression?: SessionCompression;
}): DecodeSessionOptions {
  return {
    ...(args.serializer ? { serializer: args.serializer, serializerOnly: true } : {}),
    ...(args.compression ? { compression: args.compression } : {}),
  };
}

/** The canonical JSON (or a framework's view of it) on stdout; what PHP would make of the session on stderr. */
export function printDecoded(decoded: DecodedSession, io: Io, view?: PhpValue): void {
  printJson(toCanonicalJsonBytes(view ?? decoded, 2), decoded, io);
}

/** JSON already written, and what PHP would make of the session (nothing to say when it was read directly). */
function printJson(json: Uint8Array, decoded: DecodedSession | undefined, io: Io): void {
  io.stdoutBytes(json);
  io.stdout('\n');
  if (decoded?.phpUnreadable)
    io.stderr(`php-redis-sessions: PHP cannot read this back: ${decoded.phpUnreadable.reason}\n`);
  for (const note of decoded?.notes ?? []) io.stderr(`php-redis-sessions: note: ${note}\n`);
}

export async function decodeCommand(
  args: { serializer?: SessionSerializer; compression?: SessionCompression },
  io: Io,
): Promise<number> {
  const bytes = await io.readStdin();
  const options = decodeOptions(args);
  let out;
  try {
    out = sessionJson(bytes, options, 2);
  } catch (err) {
    // `redis-cli GET` ends its output with a newline that is not part of the value.
    if (bytes[bytes.length - 1] !== 0x0a) throw err;
    out = sessionJson(bytes.subarray(0, bytes.length - 1), options, 2);
  }
  printJson(out.json, out.decoded, io);
  return 0;
}
