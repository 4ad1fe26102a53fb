// A minimal RESP client (node:net only) for the tests to look at the test redis-server directly:
// independent from the extension's own Redis code.
import * as net from 'node:net';
import { redisPort } from './helpers.ts';

type Reply = string | number | null | Reply[];

function encode(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
  return Buffer.from(parts.join(''));
}

/** Parses one reply at `pos`; returns undefined while the buffer holds only part of it. */
function parse(buf: Buffer, pos: number): { value: Reply; end: number } | undefined {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('utf8', pos + 1, eol);
  switch (type) {
    case '+':
      return { value: line, end: eol + 2 };
    case '-':
      throw new Error(`redis: ${line}`);
    case ':':
      return { value: Number(line), end: eol + 2 };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, end: eol + 2 };
      if (buf.length < eol + 2 + n + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + n), end: eol + 2 + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: eol + 2 };
      const items: Reply[] = [];
      let at = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, at);
        if (!r) return undefined;
        items.push(r.value);
        at = r.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`redis: unexpected reply type ${JSON.stringify(type)}`);
  }
}

/**
 * Sends one command to the test redis-server (127.0.0.1:E2E_REDIS_PORT) and resolves its reply;
 * with `db`, in that database (a SELECT first).
 */
export function redisCommand(args: readonly string[], port = redisPort(), db?: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`redis ${args[0]}: no reply within 5 s`));
    }, 5000);
    sock.on('connect', () =>
      sock.write(db === undefined ? encode(args) : Buffer.concat([encode(['SELECT', String(db)]), encode(args)])),
    );
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      try {
        let r = parse(buf, 0);
        if (r && db !== undefined) r = parse(buf, r.end);
        if (!r) return;
        clearTimeout(timer);
        sock.end();
        resolve(r.value);
      } catch (err) {
        clearTimeout(timer);
        sock.destroy();
        reject(err);
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Number of clients connected to the test redis-server besides the one asking. */
export async function otherClients(): Promise<number> {
  const list = String(await redisCommand(['CLIENT', 'LIST']))
    .trim()
    .split('\n')
    .filter(Boolean);
  return list.length - 1;
}
