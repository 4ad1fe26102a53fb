// What a CLI command may touch: streams, cwd, environment. Tests pass their own.
import { fstatSync, readFileSync } from 'node:fs';

export interface Io {
  /** False when the text was queued behind a slow reader: wait for `drained` before writing more. */
  stdout(text: string): boolean | void;
  /** Resolves once stdout has taken what was queued. */
  drained?(): Promise<void>;
  stdoutBytes(bytes: Uint8Array): boolean | void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  color: boolean;
  readStdin(): Promise<Buffer>;
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export function processIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    drained: () => new Promise((resolve) => process.stdout.once('drain', resolve)),
    stdoutBytes: (b) => process.stdout.write(b),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
    readStdin: async () => {
      // A file redirected to stdin is read at once: the stream's 64 KiB chunks took five times as
      // long for a large session. Pipes and terminals are streamed (a pipe may be non-blocking).
      if (isFile(0)) return readFileSync(0);
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

function isFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}
