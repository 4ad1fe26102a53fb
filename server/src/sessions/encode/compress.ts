// phpredis's compression envelopes for writing a value back (phpredis library.c redis_compress):
// lzf (a port of liblzf 3.6's lzf_compress, byte for byte), lz4 (crc8 + int32 LE length + one
// raw LZ4 block from a greedy hash-chain compressor) and zstd (a valid frame of raw blocks with the
// content size phpredis requires: no small npm package compresses zstd without a native or
// WebAssembly build, so this one stores the bytes uncompressed inside the frame).
import { crc8, type SessionCompression } from '../compression.ts';
import { ByteWriter } from './byteWriter.ts';

// ---------------------------------------------------------------------------------------------
// lzf (liblzf lzf_c.c with HLOG=16, VERY_FAST, a zeroed hash table, as Debian builds it)

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
/** phpredis LZF_MARGIN: the output may exceed the input by max(128, len/25). */
const LZF_MARGIN = 128;

const idx = (h: number): number => ((h >>> (24 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);

/** lzf_compress(in, out_len): the compressed bytes, or null when they do not fit in outLen (liblzf returns 0). */
export function lzfCompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const inEnd = input.length;
  if (inEnd === 0 || outLen === 0) return null;
  const htab = new Int32Array(HSIZE);
  const out = new Uint8Array(outLen + 4);
  const outEnd = outLen;
  let ip = 0;
  let op = 1; // start run
  let lit = 0;
  let hval = ((input[0]! << 8) | (input[1] ?? 0)) >>> 0;
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]!) >>> 0;
    const slot = idx(hval);
    const ref = htab[slot]!;
    htab[slot] = ip;
    const off = ip - ref - 1;
    if (
      off < MAX_OFF &&
      ref > 0 &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit ? 0 : 1) + 3 + 1 >= outEnd) return null;
      out[op - lit - 1] = (lit - 1) & 0xff; // stop run
      if (!lit) op--; // undo run if length is zero
      match: {
        if (maxlen > 16) {
          for (let k = 0; k < 16; k++) {
            len++;
            if (input[ref + len] !== input[ip + len]) break match;
          }
        }
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // len is now #octets - 1
      ip++;
      if (len < 7) out[op++] = ((off >> 8) + (len << 5)) & 0xff;
      else {
        out[op++] = ((off >> 8) + (7 << 5)) & 0xff;
        out[op++] = (len - 7) & 0xff;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      ip -= 2;
      hval = ((input[ip]! << 8) | input[ip + 1]!) >>> 0;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[idx(hval)] = ip;
      ip++;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[idx(hval)] = ip;
      ip++;
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }
  if (op + 3 > outEnd) return null; // at most 3 bytes can be missing here
  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = (lit - 1) & 0xff; // end run
  if (!lit) op--; // undo run if length is zero
  return out.slice(0, op);
}

// ---------------------------------------------------------------------------------------------
// lz4 block (lz4_Block_format.md: 4-byte minimum match, the last 5 bytes are literals, no match
// starts in the last 12 bytes, offsets up to 65535)

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;

function lz4Length(out: ByteWriter, n: number): void {
  while (n >= 255) {
    out.u8(255);
    n -= 255;
  }
  out.u8(n);
}

function lz4Sequence(
  out: ByteWriter,
  src: Uint8Array,
  anchor: number,
  litLen: number,
  offset: number,
  matchLen: number,
): void {
  const ml = matchLen - MIN_MATCH;
  out.u8((Math.min(litLen, 15) << 4) | (matchLen ? Math.min(ml, 15) : 0));
  if (litLen >= 15) lz4Length(out, litLen - 15);
  out.bytes(src.subarray(anchor, anchor + litLen));
  if (!matchLen) return;
  out.u8(offset & 0xff).u8(offset >> 8);
  if (ml >= 15) lz4Length(out, ml - 15);
}

/** One raw LZ4 block holding `src`. */
export function lz4BlockCompress(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new ByteWriter(Math.max(16, n + (n >> 8) + 16));
  const table = new Int32Array(1 << 16).fill(-1);
  const read32 = (i: number): number =>
    (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
  let anchor = 0;
  let ip = 0;
  const matchStartLimit = n - MF_LIMIT;
  const matchEndLimit = n - LAST_LITERALS;
  while (ip < matchStartLimit) {
    const seq = read32(ip);
    const h = Math.imul(seq, 2654435761) >>> 16;
    const ref = table[h]!;
    table[h] = ip;
    if (ref >= 0 && ip - ref <= 0xffff && read32(ref) === seq) {
      let len = MIN_MATCH;
      while (ip + len < matchEndLimit && src[ref + len] === src[ip + len]) len++;
      lz4Sequence(out, src, anchor, ip - anchor, ip - ref, len);
      ip += len;
      anchor = ip;
    } else ip++;
  }
  lz4Sequence(out, src, anchor, n - anchor, 0, 0);
  return out.result();
}

/** phpredis's lz4 envelope: crc8 of the length, the length as a little-endian int32, the block. */
export function lz4Compress(src: Uint8Array): Uint8Array {
  const header = new Uint8Array(5);
  new DataView(header.buffer).setInt32(1, src.length, true);
  header[0] = crc8(header, 1, 5);
  const block = lz4BlockCompress(src);
  const out = new Uint8Array(5 + block.length);
  out.set(header);
  out.set(block, 5);
  return out;
}

// ---------------------------------------------------------------------------------------------
// zstd frame of raw blocks (RFC 8878 §3.1.1)

const ZSTD_BLOCK_MAX = 128 * 1024;

/** A single-segment zstd frame with Frame_Content_Size, holding `src` in raw blocks. */
export function zstdRawFrame(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new ByteWriter(n + 16 + 3 * Math.ceil(n / ZSTD_BLOCK_MAX));
  out.u8(0x28).u8(0xb5).u8(0x2f).u8(0xfd);
  // Frame_Header_Descriptor: Single_Segment (bit 5), FCS_Field_Size flag (bits 7-6), no checksum, no dictionary.
  if (n < 256) out.u8(0x20).u8(n);
  else if (n < 65536 + 256) {
    const v = n - 256;
    out
      .u8(0x60)
      .u8(v & 0xff)
      .u8(v >> 8);
  } else {
    out.u8(0xa0);
    for (let i = 0; i < 4; i++) out.u8(Math.floor(n / 2 ** (8 * i)) & 0xff);
  }
  let at = 0;
  do {
    const size = Math.min(ZSTD_BLOCK_MAX, n - at);
    const last = at + size >= n ? 1 : 0;
    const header = size * 8 + last; // Block_Size << 3 | Block_Type 0 (raw) << 1 | Last_Block
    out
      .u8(header & 0xff)
      .u8((header >> 8) & 0xff)
      .u8((header >> 16) & 0xff);
    out.bytes(src.subarray(at, at + size));
    at += size;
  } while (at < n);
  return out.result();
}

// ---------------------------------------------------------------------------------------------

/**
 * Wraps a serialized value the way phpredis stores it with `compression`: when lzf cannot fit the
 * output in its margin, or lz4 is given nothing to compress, phpredis keeps the bytes as they are.
 */
export function compress(src: Uint8Array, compression: SessionCompression): Uint8Array {
  switch (compression) {
    case 'none':
      return src;
    case 'lzf': {
      const room = src.length + Math.max(LZF_MARGIN, Math.floor(src.length / 25));
      return lzfCompress(src, room) ?? src;
    }
    case 'lz4':
      return src.length === 0 ? src : lz4Compress(src);
    case 'zstd':
      return zstdRawFrame(src);
  }
}
