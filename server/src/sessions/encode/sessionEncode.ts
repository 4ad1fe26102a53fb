// A session's variables → the bytes PHP's session serializer writes for them: `php` and
// `php_binary` (php-src ext/session/session.c, one slot table across variables), `php_serialize`
// (serialize($_SESSION)), igbinary and msgpack (their PS_SERIALIZER_ENCODE_FUNC), plus Laravel's
// cache-store envelope (serialize() of the serialized payload).
import type { SessionFramework, SessionSerializer } from '../sessionFormats.ts';
import { encodeUtf8, type PhpArray, type PhpValue } from '../phpValue.ts';
import { ByteWriter } from './byteWriter.ts';
import { IgbinaryWriter } from './igbinary.ts';
import { MsgpackWriter } from './msgpack.ts';
import { SerializeWriter, serialize } from './phpSerialize.ts';
import { referenceTargets, SessionEncodeError, variableKey, type Member } from './valueTree.ts';

/** What encodeSession needs of a decoded session. */
export interface SessionToEncode {
  readonly serializer: SessionSerializer;
  readonly framework?: SessionFramework;
  readonly variables: ReadonlyArray<readonly [string, PhpValue]>;
}

/** php_binary's PS_BIN_MAX: longer names are skipped by PHP, so they are refused here. */
const PS_BIN_MAX = 127;

function sessionMembers(variables: SessionToEncode['variables']): Member[] {
  return variables.map(([name, value]) => ({ key: variableKey(name), value }));
}

/** The session array as a value (php_serialize and Laravel write it with serialize()). */
function sessionArray(variables: SessionToEncode['variables']): PhpArray {
  return {
    kind: 'array',
    entries: sessionMembers(variables).map((m, i) => ({
      key: typeof m.key === 'bigint' ? m.key : variables[i]![0],
      value: m.value,
    })),
  };
}

/** Encodes the variables with the session's serializer. Throws SessionEncodeError when PHP could not store them. */
export function encodeSession(session: SessionToEncode): Uint8Array {
  const { variables } = session;
  const targets = referenceTargets(variables.map(([, v]) => v));
  if (session.framework === 'laravel') {
    const payload = variables.length === 1 && variables[0]![0] === 'payload' ? variables[0]![1] : null;
    if (payload?.kind === 'string')
      throw new SessionEncodeError('This Laravel session is encrypted or JSON-encoded: it cannot be re-encoded');
    const inner = serialize(sessionArray(variables), targets);
    return serialize({ kind: 'string', bytes: inner });
  }
  switch (session.serializer) {
    case 'php': {
      const w = new SerializeWriter(new ByteWriter(), targets);
      for (const [name, value] of variables) {
        if (name.includes('|'))
          throw new SessionEncodeError(
            `The php serializer cannot store a variable named ${JSON.stringify(name)} ('|')`,
          );
        w.out.bytes(encodeUtf8(name)).u8(0x7c);
        w.write(value);
      }
      return w.out.result();
    }
    case 'php_binary': {
      const w = new SerializeWriter(new ByteWriter(), targets);
      for (const [name, value] of variables) {
        const bytes = encodeUtf8(name);
        if (bytes.length > PS_BIN_MAX)
          throw new SessionEncodeError(
            `The php_binary serializer cannot store a variable name of ${bytes.length} bytes (max ${PS_BIN_MAX})`,
          );
        w.out.u8(bytes.length).bytes(bytes);
        w.write(value);
      }
      return w.out.result();
    }
    case 'php_serialize':
      return serialize(sessionArray(variables), targets);
    case 'igbinary': {
      const w = new IgbinaryWriter(new ByteWriter(), targets);
      w.writeRoot(sessionMembers(variables));
      return w.out.result();
    }
    case 'msgpack': {
      const w = new MsgpackWriter(new ByteWriter(), targets);
      w.writeSession(sessionMembers(variables));
      return w.out.result();
    }
  }
}
