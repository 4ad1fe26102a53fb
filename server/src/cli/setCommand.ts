// `php-redis-sessions set URL ID PATH JSON`: the safe edit of one session variable.
import { phpValueFromJson, JsonValueError } from '../sessions/edit/jsonValue.ts';
import { editSession, SessionEditRefused } from '../sessions/edit/safeEdit.ts';
import { parseDottedPath, SessionEditError } from '../sessions/edit/setVariable.ts';
import type { SessionCompression } from '../sessions/compression.ts';
import { parseConnectionTargets } from '../sessions/connectionTarget.ts';
import { openConnection } from '../sessions/redis/openConnection.ts';
import type { SessionSerializer } from '../sessions/sessionFormats.ts';
import { UsageError, type Io } from './io.ts';

export interface SetArgs {
  target: string;
  id: string;
  path: string;
  json: string;
  serializer?: SessionSerializer;
  compression?: SessionCompression;
  prefix?: string;
}

/** 0 written, 1 refused (nothing written, the reason on stderr); usage and connection errors throw. */
export async function setCommand(args: SetArgs, io: Io): Promise<number> {
  if (!args.target) throw new UsageError('give a Redis URL (redis://…) or a session.save_path');
  if (!args.id) throw new UsageError('give the session id');
  if (!args.path) throw new UsageError('give the dotted path of the variable (e.g. user.name)');
  if (args.json === undefined || args.json === '') throw new UsageError('give the new value as JSON (e.g. \'"Bob"\')');
  let path: string[];
  let value;
  try {
    path = parseDottedPath(args.path);
    value = phpValueFromJson(args.json);
  } catch (err) {
    if (err instanceof SessionEditError || err instanceof JsonValueError) throw new UsageError(err.message);
    throw err;
  }
  const targets = parseConnectionTargets(args.target, {
    env: io.env,
    ...(args.prefix !== undefined ? { prefix: args.prefix } : {}),
  });
  let refusal: SessionEditRefused | null = null;
  for (const target of targets) {
    const handle = await openConnection(target);
    try {
      const done = await editSession(handle, target.prefix, {
        id: args.id,
        path,
        value,
        ...(args.serializer ? { serializer: args.serializer } : {}),
        ...(args.compression ? { compression: args.compression } : {}),
      });
      const ttl = done.ttlMs < 0 ? 'no TTL' : `TTL ${Math.ceil(done.ttlMs / 1000)} s kept`;
      const envelope = done.compression === 'none' ? '' : ` + ${done.compression}`;
      io.stderr(`written: ${args.path} in ${args.id} (${done.serializer}${envelope}, ${done.bytes} bytes, ${ttl})\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof SessionEditRefused)) throw err;
      // A session lives on one host of a pool: look further only when it is not here.
      if (err.reason !== 'missing' || refusal === null) refusal = err;
      if (err.reason !== 'missing') break;
    } finally {
      handle.close();
    }
  }
  io.stderr(`php-redis-sessions: ${refusal?.message ?? 'not written'}\n`);
  return 1;
}
