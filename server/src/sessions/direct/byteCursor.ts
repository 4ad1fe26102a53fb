// A position in a binary session format's bytes, for the direct readers of igbinary and msgpack
// (both big-endian): reading past the end gives up on the direct path (see directWriter.ts).
import { bail } from './directWriter.ts';

/** A float's bytes are copied here to be read (no DataView made per session or per value). */
const FLOAT_BYTES = new Uint8Array(8);
const FLOATS = new DataView(FLOAT_BYTES.buffer);

export class ByteCursor {
  protected readonly end: number;

  constructor(
    protected readonly b: Uint8Array,
    public p: number,
  ) {
    this.end = b.length;
  }

  /** An unsigned big-endian integer of 1, 2 or 4 bytes at `p`, which moves past it. */
  protected uint(size: number): number {
    const b = this.b;
    const p = this.p;
    if (this.end - p < size) bail();
    this.p = p + size;
    if (size === 1) return b[p]!;
    if (size === 2) return (b[p]! << 8) | b[p + 1]!;
    return b[p]! * 0x100_0000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  /** A big-endian IEEE float of 4 or 8 bytes at `p`, which moves past it. */
  protected float(size: 4 | 8): number {
    const b = this.b;
    const p = this.p;
    if (this.end - p < size) bail();
    for (let i = 0; i < size; i++) FLOAT_BYTES[i] = b[p + i]!;
    this.p = p + size;
    return size === 4 ? FLOATS.getFloat32(0) : FLOATS.getFloat64(0);
  }
}
