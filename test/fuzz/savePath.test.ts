// The save_path model round-trips (the save_path fixes rewrite save_paths through it): a generated
// valid save_path → savePathToModel → printSavePath → savePathToModel gives the same model, and
// printing that model again gives the same text (the printer is stable). Also: a save_path of any
// shape never makes the parser throw, and what it prints for a parsed model parses back the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { printSavePath, savePathToModel } from '../../server/src/core/savePath.ts';
import { iniLine, validSavePath } from './arbitraries.ts';
import { fuzzRuns, fuzzSeed, startWatchdog } from './watchdog.ts';

const RUNS = fuzzRuns(10_000);

function roundTrip(text: string): void {
  const model = savePathToModel(text);
  assert.ok(model.servers.length > 0, `no server parsed from ${JSON.stringify(text)}`);
  let printed: string;
  try {
    printed = printSavePath(model);
  } catch (err) {
    assert.fail(`printSavePath threw on the model of ${JSON.stringify(text)}: ${(err as Error).message}`);
  }
  const again = savePathToModel(printed);
  assert.deepEqual(
    again,
    model,
    `parse → print → parse changed the model:\n  input   ${JSON.stringify(text)}\n  printed ${JSON.stringify(printed)}`,
  );
  assert.equal(printSavePath(again), printed, `printing is not stable for ${JSON.stringify(printed)}`);
}

test(`save_path: ${RUNS} generated valid save_paths survive parse → print → parse`, { timeout: 600_000 }, async () => {
  const seed = fuzzSeed();
  const dog = startWatchdog('savePath');
  const t0 = performance.now();
  try {
    fc.assert(
      fc.property(validSavePath, (text) => {
        dog.beat(text);
        roundTrip(text);
      }),
      { numRuns: RUNS, seed, includeErrorInReport: true },
    );
  } catch (err) {
    console.error(`\n[fuzz savePath] FAILED: replay with FUZZ_SEED=${seed} FUZZ_RUNS=${RUNS}`);
    throw err;
  } finally {
    await dog.stop();
  }
  console.log(`[fuzz savePath] ${RUNS} round trips in ${((performance.now() - t0) / 1000).toFixed(1)} s, seed ${seed}`);
});

test(
  `save_path: ${RUNS} arbitrary save_paths parse without throwing; what parses prints back to the same model`,
  { timeout: 600_000 },
  async () => {
    const seed = fuzzSeed();
    const dog = startWatchdog('savePath-any');
    // Values of generated `session.save_path = …` lines, quotes stripped, plus raw strings.
    const anyPath = fc.oneof(
      iniLine.map((l) => l.replace(/^[^=]*=\s*/, '').replace(/^['"]|['"]$/g, '')),
      fc.string({ maxLength: 40, unit: 'binary' }),
    );
    let printedCount = 0;
    try {
      fc.assert(
        fc.property(anyPath, (text) => {
          dog.beat(text);
          const model = savePathToModel(text);
          if (model.servers.length === 0) return;
          let printed: string;
          try {
            printed = printSavePath(model);
          } catch {
            // Documented: a model no spelling can reproduce (e.g. a host containing '/') is refused.
            return;
          }
          printedCount++;
          assert.deepEqual(
            savePathToModel(printed),
            model,
            `printed ${JSON.stringify(printed)} for ${JSON.stringify(text)}`,
          );
        }),
        { numRuns: RUNS, seed, includeErrorInReport: true },
      );
    } catch (err) {
      console.error(`\n[fuzz savePath-any] FAILED: replay with FUZZ_SEED=${seed} FUZZ_RUNS=${RUNS}`);
      throw err;
    } finally {
      await dog.stop();
    }
    console.log(`[fuzz savePath-any] ${RUNS} save_paths, ${printedCount} printed and re-parsed, seed ${seed}`);
  },
);
