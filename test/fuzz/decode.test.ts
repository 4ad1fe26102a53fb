// Fuzzing the session decoder: valid PHP session values in every format (php,
// php_binary, php_serialize, Laravel), their byte-level mutations aimed at lengths, counts and
// delimiters, hostile values (huge declared lengths and counts, deep nesting, bad references,
// compression headers that lie) and random bytes, with every serializer/compression option.
// Properties: decodeSession returns or throws SessionDecodeError, nothing else; the canonical JSON
// of what it returns is produced (or refused with its documented size RangeError); no case takes
// more than CASE_MS (a hang is caught by the watchdog); the heap stays bounded during the run and
// returns to its baseline after it (no leak).
// Longer run: FUZZ_RUNS=2000000 npm run fuzz; replay: FUZZ_SEED=<seed printed on failure>.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { zstdDecompress } from '../../server/src/sessions/compression.ts';
import { toCanonicalJson, toCanonicalJsonBytes } from '../../server/src/sessions/canonicalJson.ts';
import { directSessionJson } from '../../server/src/sessions/direct/sessionJson.ts';
import {
  SESSION_SERIALIZERS,
  SessionDecodeError,
  decodeSession,
  type DecodeSessionOptions,
} from '../../server/src/sessions/sessionFormats.ts';
import { sessionCase } from './arbitraries.ts';
import { fuzzRuns, fuzzSeed, startWatchdog } from './watchdog.ts';

const RUNS = fuzzRuns(100_000);
/** One decode + canonical JSON of a fuzz value (≤ a few KB) must be fast; generous for a loaded CI. */
const CASE_MS = 250;
/**
 * Heap growth allowed while running (sampled every 1000 cases: includes garbage not yet collected
 * and the decompressors' buffers, capped at 64 MiB each) and left after a GC (a leak).
 */
const PEAK_GROWTH = 512 * 1024 * 1024;
const LEAK_GROWTH = 32 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const options: fc.Arbitrary<DecodeSessionOptions> = fc.record(
  {
    serializer: fc.constantFrom(...SESSION_SERIALIZERS),
    compression: fc.constantFrom('none', 'lzf', 'zstd', 'lz4' as const),
    maxDepth: fc.constantFrom(1, 4, 64, 512),
    key: fc.constantFrom('PHPREDIS_SESSION:abc', 'sf_sabc'),
    maxDecompressedBytes: fc.constantFrom(1024, 1 << 20),
  },
  { requiredKeys: [] },
);

export const counts = { ok: 0, refused: 0, jsonRefused: 0, direct: 0, slowest: 0 };

export function checkValue(bytes: Uint8Array, opts: DecodeSessionOptions): void {
  const t0 = performance.now();
  // The direct path (JSON straight from the bytes) must write the tree's JSON or leave it to the tree.
  const spaces = bytes.length % 3;
  let direct: Buffer | null;
  try {
    direct = directSessionJson(bytes, opts, spaces)?.json ?? null;
  } catch (err) {
    throw new Error(`directSessionJson threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
  }
  if (direct !== null) counts.direct++;
  let decoded;
  try {
    decoded = decodeSession(bytes, opts);
  } catch (err) {
    assert.equal(direct, null, 'the direct path wrote JSON for a value the decoder refuses');
    if (err instanceof SessionDecodeError) {
      counts.refused++;
      assert.ok(
        err.message.length > 0 && Number.isInteger(err.offset) && err.offset >= 0,
        `a SessionDecodeError without message/offset: ${err.message}`,
      );
      return;
    }
    throw new Error(`decodeSession threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
  }
  counts.ok++;
  try {
    const json = toCanonicalJsonBytes(decoded, spaces);
    if (direct !== null) {
      assert.ok(direct.equals(json), `direct JSON ${direct.toString()} differs from the tree's ${json.toString()}`);
      assert.ok(!decoded.phpUnreadable && !decoded.notes, 'the direct path wrote a session PHP refuses or notes');
    }
  } catch (err) {
    // The one documented refusal: shared references blowing the output past its cap.
    if (!(err instanceof RangeError && /Canonical JSON exceeds/.test(err.message))) {
      throw new Error(`toCanonicalJson threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
    }
    assert.equal(direct, null, 'the direct path wrote JSON past the size the tree refuses');
    counts.jsonRefused++;
  }
  const ms = performance.now() - t0;
  counts.slowest = Math.max(counts.slowest, ms);
  assert.ok(ms < CASE_MS, `one value took ${ms.toFixed(0)} ms`);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test(`decoder: ${RUNS} generated, mutated, hostile and random session values`, { timeout: 3_600_000 }, async () => {
  const seed = fuzzSeed();
  const dog = startWatchdog('decode');
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let n = 0;
  const t0 = performance.now();
  try {
    fc.assert(
      fc.property(sessionCase, fc.option(options, { nil: undefined, freq: 2 }), (bytes, opts) => {
        dog.beat(bytes);
        if (++n % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
        try {
          checkValue(bytes, opts ?? {});
        } catch (err) {
          throw new Error(`${(err as Error).message}\n--- value (hex) ${hex(bytes)} options ${JSON.stringify(opts)}`, {
            cause: err,
          });
        }
      }),
      { numRuns: RUNS, seed, includeErrorInReport: true },
    );
  } catch (err) {
    console.error(`\n[fuzz decode] FAILED: replay with FUZZ_SEED=${seed} FUZZ_RUNS=${RUNS}`);
    throw err;
  } finally {
    await dog.stop();
  }
  const s = (performance.now() - t0) / 1000;
  gc();
  const after = process.memoryUsage().heapUsed;
  const mb = (x: number): string => `${(x / 1048576).toFixed(1)} MB`;
  console.log(
    `[fuzz decode] ${n} values in ${s.toFixed(1)} s, seed ${seed}: ${counts.ok} decoded, ${counts.refused} refused (SessionDecodeError), ` +
      `${counts.jsonRefused} JSON size refusals, ${counts.direct} written directly, slowest ${counts.slowest.toFixed(1)} ms; heap ${mb(base)} → peak ${mb(peak)} → ${mb(after)} after GC`,
  );
  // The direct path's checks above ran on a fair number of values (most fuzz values are not plain).
  assert.ok(counts.direct > RUNS / 1000, `only ${counts.direct} values were written directly`);
  assert.ok(peak - base < PEAK_GROWTH, `heap grew by ${mb(peak - base)} during the run`);
  assert.ok(after - base < LEAK_GROWTH, `heap kept ${mb(after - base)} after the run`);
});

/** Nested arrays whose second element is a reference (R:) to the first: 2^depth leaves in canonical JSON. */
function referenceBomb(depth: number): Uint8Array {
  let out = 'v|';
  for (let d = 0; d < depth; d++) out += 'a:2:{i:0;';
  out += 's:10:"xxxxxxxxxx";';
  for (let d = depth - 1; d >= 0; d--) out += `i:1;R:${d + 2};}`;
  return new TextEncoder().encode(out);
}

// A 487-byte value (depth 25) stands for 2^25 nodes once its shared references are printed in full:
// canonical JSON refuses it by its node budget, before the output grows (a bug this test found).
test('reference bomb: canonical JSON of a 487-byte value is refused with bounded memory', () => {
  const bytes = referenceBomb(25);
  gc();
  const base = process.memoryUsage().rss;
  const t0 = performance.now();
  let refused = false;
  try {
    toCanonicalJson(decodeSession(bytes));
  } catch (err) {
    refused = true;
    assert.ok(err instanceof RangeError || err instanceof SessionDecodeError, String(err));
  }
  const ms = performance.now() - t0;
  const grew = process.memoryUsage().rss - base;
  console.log(
    `[fuzz decode] reference bomb (${bytes.length} bytes): ${refused ? 'refused' : 'printed'} after ${ms.toFixed(0)} ms, rss +${(grew / 1048576).toFixed(0)} MB`,
  );
  assert.ok(refused, 'the bomb is refused');
  assert.ok(grew < 256 * 1024 * 1024, `rss grew ${(grew / 1048576).toFixed(0)} MB`);
});

// A 12-byte zstd frame whose header declares 64 MiB: refused from its header, before the declared
// size is allocated and filled (a bug this test found).
test('a zstd frame that declares 64 MiB but holds nothing is refused from its header', () => {
  const frame = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0xa4, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00]);
  const t0 = performance.now();
  assert.throws(() => decodeSession(frame), SessionDecodeError);
  const ms = performance.now() - t0;
  console.log(`[fuzz decode] 12-byte zstd frame declaring 64 MiB: refused after ${ms.toFixed(0)} ms`);
  assert.throws(() => zstdDecompress(frame), /impossible for a 12-byte frame/);
});
