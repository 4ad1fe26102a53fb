// phpredis's compression envelopes (library.c redis_pack/redis_unpack): a standard zstd frame, lz4
// as [crc8][int32 LE length][raw LZ4 block], and bare liblzf. Every decoder caps its output before
// allocating, so a tiny hostile value cannot claim gigabytes.
import { decompress as zstdFrameDecompress } from 'fzstd';
import { SessionDecodeError } from './decodeCommon.ts';

export type SessionCompression = 'none' | 'lzf' | 'zstd' | 'lz4';

/** Default cap on a decompressed value; sessions are small, a viewer needs no more. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export interface DecompressOptions {
  /** Refuse output larger than this many bytes. Default 64 MiB. */
  maxOutputBytes?: number;
}

function cap(options: DecompressOptions): number {
  return options.maxOutputBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
}

// ---------------------------------------------------------------------------------------------
// zstd

/** True when the bytes start with the zstd frame magic 28 B5 2F FD. */
export function isZstdFrame(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;
}

/** Frame_Content_Size from a zstd frame header, or null when the frame does not record it. */
export function zstdContentSize(b: Uint8Array): number | null {
  if (!isZstdFrame(b) || b.length < 5) return null;
  const fhd = b[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const didSize = [0, 1, 2, 4][fhd & 3]!;
  const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (fcsSize === 0) return null;
  const at = 5 + (singleSegment ? 0 : 1) + didSize;
  if (b.length < at + fcsSize) return null;
  let v = 0;
  for (let i = fcsSize - 1; i >= 0; i--) v = v * 256 + b[at + i]!;
  return fcsSize === 2 ? v + 256 : v;
}

/**
 * Decompresses a zstd frame the way phpredis does: the frame must state its content size (every
 * ZSTD_compress() frame does) and decode to exactly that many bytes.
 */
export function zstdDecompress(b: Uint8Array, options: DecompressOptions = {}): Uint8Array {
  if (!isZstdFrame(b)) throw new SessionDecodeError('Not a zstd frame (magic 28 B5 2F FD missing)', 0);
  const size = zstdContentSize(b);
  if (size === null) throw new SessionDecodeError('zstd frame without a content size (phpredis never writes those)', 4);
  if (size > cap(options))
    throw new SessionDecodeError(`zstd content size ${size} exceeds the ${cap(options)}-byte limit`, 4);
  // zstd expands at most ~32768:1 (an RLE block of 128 KiB in 4 bytes): a header declaring more
  // than that for its input is lying, and is refused before the declared size is allocated.
  if (size > b.length * 40_000)
    throw new SessionDecodeError(`zstd content size ${size} is impossible for a ${b.length}-byte frame`, 4);
  let out: Uint8Array;
  try {
    out = zstdFrameDecompress(b, new Uint8Array(size));
  } catch (err) {
    throw new SessionDecodeError(`Invalid zstd data: ${(err as Error).message}`, 0);
  }
  if (out.length !== size)
    throw new SessionDecodeError(`zstd frame decoded to ${out.length} bytes, header says ${size}`, 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// lz4 (phpredis envelope around a raw LZ4 block)

/** phpredis's crc8: polynomial 0x31, init 0xFF, no reflection. */
export function crc8(b: Uint8Array, start = 0, end = b.length): number {
  let crc = 0xff;
  for (let i = start; i < end; i++) {
    crc ^= b[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

const LZ4_HEADER = 5;

/** The decompressed length a phpredis lz4 header announces, or null when the header does not check out. */
export function phpredisLz4Length(b: Uint8Array): number | null {
  if (b.length < LZ4_HEADER || crc8(b, 1, 5) !== b[0]) return null;
  const len = (b[1]! | (b[2]! << 8) | (b[3]! << 16) | (b[4]! << 24)) >> 0; // a C int, little-endian
  return len > 0 ? len : null;
}

/** Decodes one raw LZ4 block into exactly `size` bytes. */
export function lz4BlockDecompress(src: Uint8Array, size: number, offset = 0): Uint8Array {
  const dst = new Uint8Array(size);
  let s = 0;
  let d = 0;
  const end = src.length;
  const bad = (what: string): never => {
    throw new SessionDecodeError(`Invalid LZ4 block: ${what}`, offset + s);
  };
  while (s < end) {
    const token = src[s++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let add: number;
      do {
        if (s >= end) bad('literal length runs past the end');
        add = src[s++]!;
        lit += add;
      } while (add === 255);
    }
    if (lit > end - s) bad('literals run past the end of the input');
    if (lit > size - d) bad('literals overflow the announced size');
    dst.set(src.subarray(s, s + lit), d);
    s += lit;
    d += lit;
    if (s >= end) break; // the last sequence has literals only
    if (end - s < 2) bad('truncated match offset');
    const dist = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (dist === 0 || dist > d) bad(`match offset ${dist} points before the start`);
    let len = token & 15;
    if (len === 15) {
      let add: number;
      do {
        if (s >= end) bad('match length runs past the end');
        add = src[s++]!;
        len += add;
      } while (add === 255);
    }
    len += 4;
    if (len > size - d) bad('match overflows the announced size');
    let m = d - dist;
    if (dist >= len) {
      dst.copyWithin(d, m, m + len);
      d += len;
    } else {
      for (const stop = d + len; d < stop;) dst[d++] = dst[m++]!; // overlapping copy repeats the pattern
    }
  }
  if (d !== size) bad(`decoded ${d} bytes, header announced ${size}`);
  return dst;
}

/** Decompresses phpredis's lz4 envelope: crc8 of the length, int32 LE length, raw LZ4 block. */
export function lz4Decompress(b: Uint8Array, options: DecompressOptions = {}): Uint8Array {
  const size = phpredisLz4Length(b);
  if (size === null)
    throw new SessionDecodeError('Not a phpredis lz4 value (crc8 of the length header does not match)', 0);
  if (size > cap(options)) throw new SessionDecodeError(`lz4 length ${size} exceeds the ${cap(options)}-byte limit`, 1);
  return lz4BlockDecompress(b.subarray(LZ4_HEADER), size, LZ4_HEADER);
}

// ---------------------------------------------------------------------------------------------
// lzf (liblzf lzf_d.c, no header: the output size is unknown, so the buffer grows up to the cap)

export function lzfDecompress(b: Uint8Array, options: DecompressOptions = {}): Uint8Array {
  const limit = cap(options);
  if (b.length === 0) throw new SessionDecodeError('Empty lzf data', 0);
  let out = new Uint8Array(Math.min(limit, Math.max(64, b.length * 2)));
  let op = 0;
  let ip = 0;
  const end = b.length;
  const room = (need: number): void => {
    if (op + need <= out.length) return;
    if (op + need > limit) throw new SessionDecodeError(`lzf output exceeds the ${limit}-byte limit`, ip);
    let n = out.length * 2;
    while (n < op + need) n *= 2;
    const grown = new Uint8Array(Math.min(limit, n));
    grown.set(out.subarray(0, op));
    out = grown;
  };
  while (ip < end) {
    const ctrl = b[ip++]!;
    if (ctrl < 32) {
      const len = ctrl + 1; // literal run
      if (ip + len > end) throw new SessionDecodeError('lzf literal run past the end of the input', ip);
      room(len);
      out.set(b.subarray(ip, ip + len), op);
      op += len;
      ip += len;
    } else {
      let len = ctrl >> 5; // back reference
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= end) throw new SessionDecodeError('lzf back reference truncated', ip);
      if (len === 7) {
        len += b[ip++]!;
        if (ip >= end) throw new SessionDecodeError('lzf back reference truncated', ip);
      }
      ref -= b[ip++]!;
      len += 2;
      if (ref < 0) throw new SessionDecodeError('lzf back reference before the start of the output', ip);
      room(len);
      for (const stop = op + len; op < stop;) out[op++] = out[ref++]!;
    }
  }
  return out.subarray(0, op);
}

// ---------------------------------------------------------------------------------------------

/** The envelope recognisable from the bytes alone (lzf has no signature). */
export function detectCompression(b: Uint8Array): 'zstd' | 'lz4' | null {
  if (isZstdFrame(b)) return 'zstd';
  if (phpredisLz4Length(b) !== null) return 'lz4';
  return null;
}

/** Undoes one envelope; throws SessionDecodeError when the bytes are not valid for it. */
export function decompress(
  b: Uint8Array,
  compression: SessionCompression,
  options: DecompressOptions = {},
): Uint8Array {
  switch (compression) {
    case 'none':
      return b;
    case 'zstd':
      return zstdDecompress(b, options);
    case 'lz4':
      return lz4Decompress(b, options);
    case 'lzf':
      return lzfDecompress(b, options);
  }
}
