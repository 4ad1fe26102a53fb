// The session encoders without PHP (the differential test against real PHP is test/php/encoders):
// every serializer's output decodes back to the same document and re-encodes to the same bytes;
// the compressors round-trip through the decompressors; what PHP cannot store is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { decompress } from '../../server/src/sessions/compression.ts';
import { compress, lzfCompress } from '../../server/src/sessions/encode/compress.ts';
import { encodeSession } from '../../server/src/sessions/encode/sessionEncode.ts';
import { detachSharedScalars } from '../../server/src/sessions/encode/sharedScalars.ts';
import { SessionEncodeError } from '../../server/src/sessions/encode/valueTree.ts';
import { php, type PhpValue } from '../../server/src/sessions/phpValue.ts';
import { decodeSession, SESSION_SERIALIZERS } from '../../server/src/sessions/sessionFormats.ts';
import { generateSession } from '../helpers/phpValueGen.ts';
import { rng } from '../helpers/random.ts';

for (const serializer of SESSION_SERIALIZERS) {
  test(`${serializer}: decode(encode(session)) is the same document, and encodes to the same bytes`, () => {
    let ambiguous = 0;
    for (let i = 0; i < 120; i++) {
      const variables = generateSession(1000 + i, {
        serializer,
        enumsAndCustom: serializer !== 'msgpack',
        refRate: 0.1,
        maxDepth: 3,
      });
      const bytes = encodeSession({ serializer, variables });
      const decoded = decodeSession(bytes, { serializer });
      assert.equal(decoded.serializer, serializer);
      assert.equal(toCanonicalJson(decoded), toCanonicalJson({ variables }), `#${i}`);
      if (!detachSharedScalars(decoded)) {
        ambiguous++;
        continue;
      }
      assert.ok(Buffer.from(encodeSession(decoded)).equals(bytes), `#${i}: re-encoding the decoded session`);
    }
    // Only igbinary can leave a referenced true/false/null/small int ambiguous, and rarely.
    assert.ok(serializer === 'igbinary' ? ambiguous <= 20 : ambiguous === 0, `${ambiguous} ambiguous`);
  });
}

test('an empty session is what each serializer writes for $_SESSION = []', () => {
  for (const serializer of SESSION_SERIALIZERS) {
    const bytes = encodeSession({ serializer, variables: [] });
    assert.deepEqual(decodeSession(bytes, { serializer }).variables, [], serializer);
  }
  assert.equal(encodeSession({ serializer: 'php', variables: [] }).length, 0);
});

test('what PHP cannot store is refused, not written differently', () => {
  const one: Array<[string, PhpValue]> = [['a|b', php.int(1)]];
  assert.throws(() => encodeSession({ serializer: 'php', variables: one }), SessionEncodeError);
  assert.throws(
    () => encodeSession({ serializer: 'php_binary', variables: [['x'.repeat(128), php.int(1)]] }),
    SessionEncodeError,
  );
  assert.throws(
    () =>
      encodeSession({
        serializer: 'msgpack',
        variables: [['suit', { kind: 'enum', className: 'Suit', caseName: 'Hearts' }]],
      }),
    /msgpack cannot store the enum Suit::Hearts/,
  );
  // The same names are fine where the format has no such limit.
  assert.ok(encodeSession({ serializer: 'php_serialize', variables: one }).length > 0);
});

test('deep nesting is written without recursion', () => {
  let v: PhpValue = php.string('bottom');
  for (let i = 0; i < 100_000; i++) v = php.array([[0, v]]);
  for (const serializer of SESSION_SERIALIZERS) {
    const bytes = encodeSession({ serializer, variables: [['deep', v]] });
    assert.ok(bytes.length > 100_000, serializer);
  }
});

test('lzf: the same bytes as phpredis for its own sample, and every input round-trips', () => {
  // phpredis 5.3.7's Redis::_compress() of this payload (OPT_COMPRESSION = LZF), as in compression.test.ts.
  const payload = new TextEncoder().encode(`${'session-data-'.repeat(40)}end`);
  const theirs = '0d73657373696f6e2d646174612d73e0ff0ce1e91002656e64';
  assert.equal(Buffer.from(lzfCompress(payload, payload.length + 128)!).toString('hex'), theirs);
  assert.equal(lzfCompress(new Uint8Array(0), 10), null);
});

test('compressors round-trip through the decompressors (lzf, lz4, zstd)', () => {
  const r = rng(42);
  const inputs: Uint8Array[] = [new Uint8Array(0), new Uint8Array([7]), new Uint8Array(12).fill(1)];
  for (const size of [13, 100, 4096, 70_000, 300_000]) {
    inputs.push(Uint8Array.from({ length: size }, () => Math.floor(r() * 256))); // incompressible
    inputs.push(Uint8Array.from({ length: size }, (_, i) => 97 + ((i * 7) % 13) + (r() < 0.02 ? 1 : 0)));
    inputs.push(new Uint8Array(size).fill(0x2a));
  }
  for (const codec of ['lzf', 'lz4', 'zstd'] as const) {
    for (const input of inputs) {
      const packed = compress(input, codec);
      if (packed === input) {
        // phpredis stores the raw bytes when lz4 has nothing to do or lzf's output does not fit.
        assert.ok(input.length === 0 || codec === 'lzf', `${codec} kept ${input.length} bytes raw`);
        continue;
      }
      const back = decompress(packed, codec);
      assert.ok(Buffer.from(back).equals(input), `${codec} round trip of ${input.length} bytes`);
      if (codec !== 'zstd' && input.length >= 4096 && input[0] === input[1])
        assert.ok(packed.length < input.length / 4, `${codec} compresses a run of ${input.length} bytes`);
    }
  }
});
