// Reconnect handling: one target's connection, opened on first use and again on the next call
// after it was lost (there is no silent reconnect loop); every failure leaves as a RedisSessionError.
import type { ConnectionTarget } from '../connectionTarget.ts';
import { openConnection } from './openConnection.ts';
import { toSessionError } from './redisError.ts';
import type { OpenOptions, RedisHandle } from './redisHandle.ts';

export class LiveConnection {
  private opening: Promise<RedisHandle> | undefined;

  constructor(
    readonly target: ConnectionTarget,
    private readonly options: OpenOptions = {},
  ) {}

  /** The open connection, opened (again) when there is none or it was lost. */
  async connection(): Promise<RedisHandle> {
    for (;;) {
      const previous = this.opening;
      if (previous) {
        const current = await previous.catch(() => undefined);
        // Another caller replaced it while we waited: use theirs.
        if (this.opening !== previous) continue;
        if (current?.alive) return current;
        current?.close();
      }
      const opening = openConnection(this.target, this.options);
      this.opening = opening;
      opening.catch(() => {
        if (this.opening === opening) this.opening = undefined;
      });
      return opening;
    }
  }

  /** Closes the connection (the next call opens a new one). */
  close(): void {
    const opening = this.opening;
    this.opening = undefined;
    void opening?.then(
      (h) => h.close(),
      () => undefined,
    );
  }

  /** Runs `fn` on the connection; every failure leaves as a RedisSessionError with secrets masked. */
  async guard<T>(fn: (h: RedisHandle) => Promise<T>): Promise<T> {
    let h: RedisHandle;
    try {
      h = await this.connection();
    } catch (err) {
      throw toSessionError(err, this.target);
    }
    return this.settle(h, fn(h));
  }

  /** Awaits work on an open connection; a lost connection is dropped so the next call reopens. */
  async settle<T>(h: RedisHandle, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      const e = toSessionError(err, this.target, h.bounds);
      // ioredis may still say "ready" right after the server dropped the socket: a CLOSED error
      // is proof enough that this connection is gone.
      if ((!h.alive || e.code === 'CLOSED') && this.opening) {
        const mine = await this.opening.catch(() => undefined);
        if (mine === h) this.close();
      }
      throw e;
    }
  }
}
