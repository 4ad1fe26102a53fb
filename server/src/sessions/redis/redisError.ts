// Error translation: whatever ioredis, Node or Redis threw becomes a RedisSessionError with a
// code, Redis's (or the OS's) own words, and the target's secrets masked.
import { maskCredentials, maskSecrets } from '../../core/mask.ts';
import { targetSecrets, type ConnectionTarget } from '../connectionTarget.ts';
import { DEFAULT_BOUNDS, type ConnectionBounds } from './redisHandle.ts';

export type RedisErrorCode =
  | 'WRONGPASS'
  | 'NOAUTH'
  | 'NOPERM'
  | 'ECONNREFUSED'
  | 'ETIMEDOUT'
  | 'COMMAND_TIMEOUT'
  | 'TLS'
  | 'CLOSED'
  | 'NOT_FOUND'
  | 'ABORTED'
  | 'READ_ONLY'
  | 'INVALID'
  | 'SERVER'
  | 'UNKNOWN';

/** A failure with Redis's (or the OS's) own words, never carrying a secret nor the failed command. */
export class RedisSessionError extends Error {
  override name = 'RedisSessionError';
  constructor(
    message: string,
    readonly code: RedisErrorCode,
  ) {
    super(message);
  }
}

function isClosedMessage(err: unknown): boolean {
  return err instanceof Error && /^Connection is closed\.?$/.test(err.message);
}

/** Turns whatever ioredis, Node or Redis threw into a RedisSessionError with the secrets masked. */
export function toSessionError(
  err: unknown,
  target: ConnectionTarget,
  bounds: ConnectionBounds = DEFAULT_BOUNDS,
): RedisSessionError {
  if (err instanceof RedisSessionError) return new RedisSessionError(masked(err.message, target), err.code);
  const e = unwrap(err);
  const raw = e instanceof Error ? e.message : String(e);
  const sysCode = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  let code: RedisErrorCode = 'UNKNOWN';
  let message = raw.replace(/^Ready check failed: /, '');
  if (/^WRONGPASS\b/.test(message) || /^ERR invalid password/.test(message)) code = 'WRONGPASS';
  else if (/^NOAUTH\b/.test(message)) code = 'NOAUTH';
  else if (/^NOPERM\b/.test(message)) code = 'NOPERM';
  else if (sysCode === 'ECONNREFUSED') code = 'ECONNREFUSED';
  else if (sysCode === 'ENOENT' || sysCode === 'ENOTFOUND' || sysCode === 'EAI_AGAIN') code = 'NOT_FOUND';
  else if (sysCode === 'ETIMEDOUT') {
    code = 'ETIMEDOUT';
    message = target.tls
      ? `${message}: no TLS connection within ${bounds.connectTimeoutMs} ms (is the server speaking TLS on this port?)`
      : `${message}: no answer within ${bounds.connectTimeoutMs} ms`;
  } else if (message === 'Command timed out') {
    code = 'COMMAND_TIMEOUT';
    message = `Command timed out: no reply within ${bounds.commandTimeoutMs} ms`;
  } else if (isTlsError(e)) {
    code = 'TLS';
    message = `TLS error: ${message}${/wrong version number|packet length too long|unexpected eof/i.test(message) ? ' (is the server speaking TLS on this port?)' : ''}`;
  } else if (
    isClosedMessage(e) ||
    /Connection is closed|Command aborted due to connection close|Stream isn't writeable|ECONNRESET|EPIPE/.test(message)
  ) {
    code = 'CLOSED';
    message = `Connection lost: ${message}`;
  } else if (e instanceof Error && e.name === 'AbortError' && !/connection/i.test(message)) {
    code = 'ABORTED';
  } else if (e instanceof Error && (e.name === 'ReplyError' || /^[A-Z]+ /.test(message))) {
    code = 'SERVER';
  }
  return new RedisSessionError(masked(message, target), code);
}

/** The target's own secrets (in any encoding) and any address's credentials, masked. */
function masked(message: string, target: ConnectionTarget): string {
  return maskCredentials(maskSecrets(message, targetSecrets(target)));
}

/** ioredis wraps node failures of a cluster ("Failed to refresh slots cache.") around the real one. */
function unwrap(err: unknown): unknown {
  let e = err;
  for (
    let i = 0;
    i < 3 && e && typeof e === 'object' && 'lastNodeError' in e && (e as { lastNodeError?: unknown }).lastNodeError;
    i++
  ) {
    e = (e as { lastNodeError: unknown }).lastNodeError;
  }
  return e;
}

function isTlsError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = String((e as NodeJS.ErrnoException).code ?? '');
  return (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    code === 'EPROTO' ||
    /CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|DEPTH_ZERO/.test(code) ||
    /SSL routines|certificate|self[- ]signed|TLS/i.test(e.message)
  );
}

/** A cancelled listing, search or bulk delete. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RedisSessionError('Cancelled.', 'ABORTED');
}
