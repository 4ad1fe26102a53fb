// The Redis protocol (RESP2) spoken directly, for the whole-keyspace loops (every session listed,
// every value searched): commands are written byte by byte into one buffer per batch, a key read
// from a SCAN reply going back to the server as the bytes it came in; replies are read
// incrementally from the socket's chunks. ioredis makes an object, a promise and a timer per
// command and encodes each argument: for 100k sessions that was most of the CLI's CPU
// (writeUtf8String, GC), while the server needs about 1 µs per command.

/** A reply as read: integer, bulk string (bytes; null when absent), status, error, or array. */
export type RespValue = number | Buffer | string | RespError | null | RespValue[];

/** An error reply (`-ERR …`, `-WRONGTYPE …`, `-NOPERM …`). */
export class RespError extends Error {
  override name = 'ReplyError';
}

const CR = 13;
const LF = 10;
const PLUS = 43;
const MINUS = 45;
const COLON = 58;
const DOLLAR = 36;
const STAR = 42;
const EMPTY = Buffer.alloc(0);

/** Size of the writer's slabs. */
const SLAB = 64 * 1024;

/**
 * Commands written into slabs of memory, each `take()` handing out what was written since the last
 * one (the socket may hold it until sent: it is never written over). Short pieces are copied byte
 * by byte: for the ~50-byte keys of a listing that beats a native copy call, and building a string
 * to encode at the end cost three times as much (measured on 100k sessions).
 */
export class RespWriter {
  private buf = Buffer.allocUnsafe(SLAB);
  private start = 0;
  private len = 0;

  /** The commands written since the last take. */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.len);
    this.start = this.len;
    return out;
  }

  /** `*n` then the command name: the start of a command of `n` parts. */
  head(n: number, name: Uint8Array): this {
    this.room(name.length + 16);
    this.buf[this.len++] = STAR;
    this.digits(n);
    return this.raw(name);
  }

  /** One argument (a bulk string): `bytes`, then `suffix` when given. */
  arg(bytes: Uint8Array, suffix?: Uint8Array): this {
    const n = bytes.length + (suffix?.length ?? 0);
    this.room(n + 16);
    this.copy(bulkHeader(n));
    this.copy(bytes);
    if (suffix) this.copy(suffix);
    this.buf[this.len++] = CR;
    this.buf[this.len++] = LF;
    return this;
  }

  /** A whole command about one key: `command`'s name, the key, then its fixed arguments. */
  keyed(command: KeyCommand, key: Uint8Array): this {
    const head = command.head(key.length);
    this.room(head.length + key.length + command.tail.length);
    this.copy(head);
    this.copy(key);
    this.copy(command.tail);
    return this;
  }

  /** A whole command of string arguments (UTF-8). */
  command(...args: string[]): this {
    this.head(args.length, NO_NAME);
    for (const a of args) this.arg(Buffer.from(a, 'utf8'));
    return this;
  }

  /** Bytes already in RESP form (a precomputed command name: see `name`). */
  raw(bytes: Uint8Array): this {
    this.room(bytes.length);
    this.copy(bytes);
    return this;
  }

  private digits(n: number): void {
    const s = String(n);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
    this.buf[this.len++] = CR;
    this.buf[this.len++] = LF;
  }

  private copy(bytes: Uint8Array): void {
    const b = this.buf;
    let at = this.len;
    if (bytes.length > 64) b.set(bytes, at);
    else for (let i = 0; i < bytes.length; i++) b[at++] = bytes[i]!;
    this.len += bytes.length;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    // A new slab, with what was written since the last take.
    const pending = this.len - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB, 2 * (pending + n)));
    this.buf.copy(next, 0, this.start, this.len);
    this.buf = next;
    this.start = 0;
    this.len = pending;
  }
}

/** A command name as written after the `*n` line: `$6\r\nSTRLEN\r\n`. */
export function name(command: string): Uint8Array {
  return Buffer.from(`$${command.length}\r\n${command}\r\n`, 'latin1');
}

const BULK_HEADERS: Uint8Array[] = [];

/** `$n\r\n`, made once per length. */
function bulkHeader(n: number): Uint8Array {
  return (BULK_HEADERS[n] ??= Buffer.from(`$${n}\r\n`, 'latin1'));
}

/**
 * A command of one key and fixed arguments (`STRLEN key`, `GETRANGE key 0 255`): everything before
 * the key is made once per key length, so writing one is three copies.
 */
export class KeyCommand {
  private readonly heads: Uint8Array[] = [];
  /** What follows the key: its CRLF, then the fixed arguments. */
  readonly tail: Uint8Array;
  private readonly start: string;

  constructor(command: string, ...args: string[]) {
    this.start = `*${2 + args.length}\r\n$${command.length}\r\n${command}\r\n`;
    this.tail = Buffer.from(`\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, 'latin1');
  }

  head(keyLength: number): Uint8Array {
    return (this.heads[keyLength] ??= Buffer.from(`${this.start}$${keyLength}\r\n`, 'latin1'));
  }
}

const NO_NAME = new Uint8Array(0);

/** The integer written in b[start, end) (RESP integers and lengths: an optional '-', digits). */
function intAt(b: Buffer, start: number, end: number): number {
  let i = start;
  const negative = b[i] === MINUS;
  if (negative) i++;
  let n = 0;
  for (; i < end; i++) n = n * 10 + (b[i]! - 48);
  return negative ? -n : n;
}

interface OpenArray {
  items: RespValue[];
  filled: number;
}

/**
 * Reads replies from the chunks a socket delivers, calling `onReply` for each top-level reply in
 * order. Arrays are resumed where a chunk ended (a SCAN reply spans many chunks); a large bulk
 * string is gathered once all its bytes have arrived, so a big value costs one copy, not one per
 * chunk. Bulk strings are views into the chunk they arrived in (no copy).
 */
export class RespReader {
  private buf: Buffer = EMPTY;
  private pos = 0;
  private readonly open: OpenArray[] = [];
  /** Bytes from `pos` the element being read needs; chunks wait in `held` until they are there. */
  private need = 0;
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly onReply: (value: RespValue) => void) {}

  /** Throws on bytes that are not RESP (the connection is then unusable). */
  feed(chunk: Buffer): void {
    if (this.need > 0) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes < this.need) return;
      this.buf = Buffer.concat(this.held, this.heldBytes);
      this.held = [];
      this.heldBytes = 0;
      this.need = 0;
    } else {
      this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    }
    this.pos = 0;
    this.read();
    if (this.need > 0) {
      this.held = [this.buf.subarray(this.pos)];
      this.heldBytes = this.held[0]!.length;
      this.buf = EMPTY;
      this.pos = 0;
    }
  }

  private read(): void {
    const b = this.buf;
    const len = b.length;
    let pos = this.pos;
    while (pos < len) {
      // The header line: short, so a loop beats a native indexOf call.
      let eol = pos + 1;
      while (eol < len && b[eol] !== CR) eol++;
      if (eol + 1 >= len) break;
      let next = eol + 2;
      let value: RespValue;
      switch (b[pos]) {
        case COLON:
          value = intAt(b, pos + 1, eol);
          break;
        case DOLLAR: {
          const n = intAt(b, pos + 1, eol);
          if (n < 0) {
            value = null;
            break;
          }
          if (next + n + 2 > len) {
            this.need = next + n + 2 - pos;
            this.pos = pos;
            return;
          }
          value = b.subarray(next, next + n);
          next += n + 2;
          break;
        }
        case STAR: {
          const n = intAt(b, pos + 1, eol);
          if (n > 0) {
            this.open.push({ items: new Array<RespValue>(n), filled: 0 });
            pos = next;
            continue;
          }
          value = n < 0 ? null : [];
          break;
        }
        case PLUS:
          value = b.toString('latin1', pos + 1, eol);
          break;
        case MINUS:
          value = new RespError(b.toString('utf8', pos + 1, eol));
          break;
        default:
          throw new Error(`Protocol error: unexpected byte ${b[pos]} in a reply`);
      }
      pos = next;
      // Into the arrays it completes, innermost first; a complete top-level reply goes out.
      for (;;) {
        const top = this.open[this.open.length - 1];
        if (!top) {
          this.pos = pos;
          this.onReply(value);
          break;
        }
        top.items[top.filled++] = value;
        if (top.filled < top.items.length) break;
        this.open.pop();
        value = top.items;
      }
    }
    this.pos = pos;
  }
}
