// A connection of our own for a whole-keyspace loop, spoken to in raw RESP (resp.ts): ioredis opens
// it (TLS, AUTH, SELECT, its time bounds and error words), then lends us its socket until the loop
// ends. Nothing else uses that connection meanwhile, so replies come back in the order commands
// were written, and a group of commands resolves with its group of replies.
import type { Redis } from 'ioredis';
import { RespReader, type RespValue } from './resp.ts';
import { RedisSessionError } from './redisError.ts';
import type { RedisHandle } from './redisHandle.ts';

interface Waiting {
  replies: RespValue[];
  count: number;
  done: (replies: RespValue[] | Error) => void;
}

export class RespLane {
  private readonly waiting: Waiting[] = [];
  private failure: Error | undefined;
  private readonly socket: Redis['stream'];
  private readonly onData = (chunk: Buffer): void => {
    try {
      this.reader.feed(chunk);
    } catch (err) {
      this.fail(err as Error);
      this.socket.destroy();
    }
  };
  private readonly onClose = (): void => this.fail(new Error('Connection is closed.'));
  private readonly onTimeout = (): void => {
    if (this.waiting.length === 0) return;
    this.fail(new Error('Command timed out'));
    this.socket.destroy();
  };
  private readonly reader = new RespReader((value) => {
    const w = this.waiting[0];
    // A reply nobody waits for means the lane is out of step: nothing after it can be trusted.
    if (!w) throw new Error('Protocol error: a reply nobody asked for');
    w.replies.push(value);
    if (w.replies.length === w.count) {
      this.waiting.shift();
      w.done(w.replies);
    }
  });

  private constructor(
    private readonly handle: RedisHandle,
    node: Redis,
  ) {
    this.socket = node.stream;
    // ioredis reads the socket through its 'data' listener: from now on we do. The connection is
    // closed with the lane, so ioredis never reads from it again.
    this.socket.removeAllListeners('data');
    this.socket.on('data', this.onData);
    this.socket.on('close', this.onClose);
    // The command bound: no byte for that long while replies are awaited.
    this.socket.setTimeout(handle.bounds.commandTimeoutMs);
    this.socket.on('timeout', this.onTimeout);
  }

  get bounds(): RedisHandle['bounds'] {
    return this.handle.bounds;
  }

  /** Takes over an open standalone connection, once ioredis has nothing in flight on it. */
  static async borrow(handle: RedisHandle): Promise<RespLane> {
    const node = handle.client as Redis;
    // Replies come in order: once this PING is answered, ioredis waits for nothing more.
    await node.ping();
    return new RespLane(handle, node);
  }

  /**
   * Writes `commands` (RESP, see RespWriter) and calls `done` with their `count` replies, or with
   * the error that lost the connection. `done` runs as soon as the last reply is read, before the
   * rest of the chunk: a loop can have its next command on the wire at once.
   */
  send(commands: Uint8Array, count: number, done: (replies: RespValue[] | Error) => void): void {
    if (this.failure) {
      done(this.failure);
      return;
    }
    this.waiting.push({ replies: [], count, done });
    this.socket.write(commands);
  }

  /** `send` as a promise; an error reply is a value, a lost connection a rejection. */
  call(commands: Uint8Array, count: number): Promise<RespValue[]> {
    return new Promise((resolve, reject) =>
      this.send(commands, count, (r) => (r instanceof Error ? reject(r) : resolve(r))),
    );
  }

  /** Closes the connection; whatever still waits fails as cancelled. */
  close(): void {
    this.socket.removeListener('close', this.onClose);
    this.socket.removeListener('timeout', this.onTimeout);
    this.socket.setTimeout(0);
    this.fail(new RedisSessionError('Cancelled.', 'ABORTED'));
    this.handle.close();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.done(this.failure);
  }
}
