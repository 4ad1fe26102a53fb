// phpredis's compression envelopes: zstd frames, lz4 with the 5-byte crc8/length header around a
// raw LZ4 block, bare lzf. Real phpredis output first, then hand-made blocks for the corner cases
// and hostile inputs (output caps are enforced before allocating).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionDecodeError } from '../../server/src/sessions/phpSerialize.ts';
import {
  crc8,
  decompress,
  detectCompression,
  lz4BlockDecompress,
  lz4Decompress,
  lzfDecompress,
  phpredisLz4Length,
  zstdContentSize,
  zstdDecompress,
} from '../../server/src/sessions/compression.ts';

/** phpredis envelopes of PAYLOAD (Redis::OPT_COMPRESSION), hex. */
const ENVELOPES = {
  lzf: '0d73657373696f6e2d646174612d73e0ff0ce1e91002656e64',
  zstd: '28b52ffd600b01bd00008073657373696f6e2d646174612d656e640100f8a0ce2f',
  lz4: 'db0b020000df73657373696f6e2d646174612d0d00ffe750612d656e64',
};
const PAYLOAD = `${'session-data-'.repeat(40)}end`;

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const refused = (f: () => unknown, message?: RegExp): void => {
  assert.throws(
    f,
    (err: unknown) => err instanceof SessionDecodeError && (message === undefined || message.test(err.message)),
  );
};

test('real phpredis envelopes decode to the payload', () => {
  assert.equal(text(zstdDecompress(hex(ENVELOPES.zstd))), PAYLOAD);
  assert.equal(text(lz4Decompress(hex(ENVELOPES.lz4))), PAYLOAD);
  assert.equal(text(lzfDecompress(hex(ENVELOPES.lzf))), PAYLOAD);
  for (const codec of ['zstd', 'lz4', 'lzf'] as const)
    assert.equal(text(decompress(hex(ENVELOPES[codec]), codec)), PAYLOAD);
  const raw = hex('00ff');
  assert.equal(decompress(raw, 'none'), raw);
});

test('detection: zstd magic, lz4 header crc; lzf has no signature', () => {
  assert.equal(detectCompression(hex(ENVELOPES.zstd)), 'zstd');
  assert.equal(detectCompression(hex(ENVELOPES.lz4)), 'lz4');
  assert.equal(detectCompression(hex(ENVELOPES.lzf)), null);
  assert.equal(detectCompression(Buffer.from('user|i:1;')), null);
  assert.equal(zstdContentSize(hex(ENVELOPES.zstd)), PAYLOAD.length);
});

test('crc8: polynomial 0x31, init 0xFF, over the little-endian length', () => {
  const h = hex(ENVELOPES.lz4);
  assert.equal(crc8(h, 1, 5), h[0]);
  assert.equal(phpredisLz4Length(h), PAYLOAD.length);
  assert.equal(crc8(new Uint8Array(0)), 0xff);
  assert.equal(crc8(hex('00')), 0xac); // 0xFF shifted through 0x31 eight times
  const bad = new Uint8Array(h);
  bad[0] = bad[0]! ^ 1;
  assert.equal(phpredisLz4Length(bad), null);
  refused(() => lz4Decompress(bad), /crc8/);
});

test('lz4 blocks: overlapping matches, extended lengths, last literals', () => {
  // 'a', then a match at distance 1 of 15+11+4 = 30 bytes (the pattern repeats), then 5 literals.
  const rle = hex('1f61010' + '00b' + '506262626262');
  assert.equal(text(lz4BlockDecompress(rle, 36)), `a${'a'.repeat(30)}bbbbb`);
  // 15 + 255 + 3 = 273 literals.
  const lits = Buffer.alloc(273, 0x7a);
  assert.equal(text(lz4BlockDecompress(new Uint8Array(Buffer.concat([hex('f0ff03'), lits])), 273)), 'z'.repeat(273));
  // A non-overlapping copy from further back.
  assert.equal(text(lz4BlockDecompress(hex('44616263640400'), 12)), 'abcdabcdabcd');
});

test('lz4 blocks: malformed input is refused', () => {
  refused(() => lz4BlockDecompress(hex('1061000000'), 10), /offset 0/);
  refused(() => lz4BlockDecompress(hex('106105000000'), 10), /points before the start/);
  refused(() => lz4BlockDecompress(hex('1061'), 10), /decoded 1 bytes, header announced 10/);
  refused(() => lz4BlockDecompress(hex('50616263'), 5), /past the end of the input/);
  refused(() => lz4BlockDecompress(hex('106101'), 10), /truncated match offset/);
  refused(() => lz4BlockDecompress(hex('f0ff'), 300), /runs past the end/);
  refused(() => lz4BlockDecompress(hex('1f6101000b'), 10), /overflows the announced size/);
});

test('lz4 envelope: lengths are checked before allocating', () => {
  const header = (len: number): Uint8Array => {
    const b = new Uint8Array(5);
    new DataView(b.buffer).setInt32(1, len, true);
    b[0] = crc8(b, 1, 5);
    return b;
  };
  refused(() => lz4Decompress(new Uint8Array([...header(0x7fffffff), 0x10, 0x61])), /exceeds the 67108864-byte limit/);
  refused(() => lz4Decompress(new Uint8Array([...header(100), 0x10, 0x61]), { maxOutputBytes: 50 }), /limit/);
  assert.equal(phpredisLz4Length(header(-5)), null, 'a negative C int is no length');
});

test('lzf: literal runs and back references, refused when out of bounds or too large', () => {
  // 3 literals "abc", then a back reference of 2+1 bytes at distance 3 → "abcabc".
  assert.equal(text(lzfDecompress(hex('02616263' + '2002'))), 'abcabc');
  // len 7 + extension byte.
  assert.equal(text(lzfDecompress(hex('0061' + 'e00000'))), 'a'.repeat(10));
  refused(() => lzfDecompress(hex('0061' + '2005')), /before the start/);
  refused(() => lzfDecompress(hex('0561')), /past the end/);
  refused(() => lzfDecompress(hex('0061e0')), /truncated/);
  refused(() => lzfDecompress(new Uint8Array(0)), /Empty/);
  // A bomb: every 3 input bytes add 264 output bytes.
  const bomb = new Uint8Array([0, 0x61, ...new Array(30_000).fill([0xe0, 0xff, 0x00]).flat()]);
  refused(() => lzfDecompress(bomb, { maxOutputBytes: 1_000_000 }), /exceeds the 1000000-byte limit/);
  assert.equal(lzfDecompress(bomb).length, 1 + 30_000 * 264);
});

test('zstd: content size required and capped, corrupt frames refused', () => {
  refused(() => zstdDecompress(hex('00112233')), /Not a zstd frame/);
  refused(() => zstdDecompress(hex(ENVELOPES.zstd), { maxOutputBytes: 100 }), /exceeds the 100-byte limit/);
  // Frame header with an 8-byte content size of 2^40: refused before any allocation.
  refused(() => zstdDecompress(hex('28b52ffdc000' + '0000000000010000')), /exceeds/);
  // No content size (flag 0, not single segment).
  refused(() => zstdDecompress(hex('28b52ffd0058')), /without a content size/);
  const corrupt = hex(ENVELOPES.zstd);
  corrupt[corrupt.length - 6] = corrupt[corrupt.length - 6]! ^ 0xff;
  assert.throws(() => zstdDecompress(corrupt));
});

test('every truncation of every envelope is refused cleanly or decodes', () => {
  for (const codec of ['zstd', 'lz4', 'lzf'] as const) {
    const b = hex(ENVELOPES[codec]);
    for (let i = 0; i < b.length; i++) {
      try {
        decompress(b.subarray(0, i), codec);
      } catch (err) {
        assert.ok(err instanceof SessionDecodeError, `${codec} prefix ${i}: ${String(err)}`);
      }
    }
  }
});
