// The decoder against PHP's own test suites: the values and payloads that php-src's serialize and
// session tests, igbinary's and msgpack-php's .phpt files hand to PHP's serializers (harvested by
// scripts/harvest-phpt, kept in test/fixtures/harvested, sources in its SOURCES file), plus values
// PHP builds around each format's depth limit. Real PHP 8.2 writes every value with serialize(),
// igbinary_serialize(), msgpack_serialize() and every session serialize_handler (those sessions
// also in phpredis's lzf, zstd and lz4 envelopes), and reads back each value and payload
// (harvestedOracle.php). Wherever PHP reads a payload the decoder must print the same canonical
// JSON and find nothing PHP refuses; wherever PHP refuses it, the decoder must refuse it too or say
// "PHP cannot read this back". (How PHP is given the application classes: phpOracle.ts.)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startRedis } from '../helpers/redisServer.ts';
import { describe, directTally, judge, oracle, phpReady, worlds, type Case, type Declared } from './phpOracle.ts';

const SUITES = ['php-src-serialize', 'php-src-session', 'igbinary', 'msgpack'] as const;
type Suite = (typeof SUITES)[number];

interface Harvest extends Declared {
  suite: Suite;
  commit: string;
  cases: Case[];
}

/** Values PHP builds itself: around each format's depth limit, and past 65,535 elements. */
const SYNTHETIC: Case[] = [
  'depth:1023',
  'depth:1024',
  'depth:1025',
  'depth:4095',
  'depth:4096',
  'depth:4097',
  'range:70000',
].map((what) => ({
  op: 'value',
  format: 'synthetic',
  data: Buffer.from(what).toString('base64'),
  file: '(built by PHP)',
}));

function load(suite: Suite): Harvest {
  const gz = readFileSync(join(__dirname, '..', 'fixtures', 'harvested', `${suite}.json.gz`));
  return JSON.parse(gunzipSync(gz).toString('utf8')) as Harvest;
}

interface Tally {
  readings: number;
  agree: number;
  phpRefused: number;
  weRefused: number;
  weMarked: number;
}

test(
  "the decoder reads what PHP reads in PHP's own test suites",
  { skip: !phpReady() && 'php (redis, igbinary, msgpack) or redis-server missing' },
  async () => {
    const tallies = new Map<string, Tally>();
    const failures: string[] = [];
    const redis = await startRedis();
    try {
      for (const suite of SUITES) {
        const h = load(suite);
        const cases = suite === 'php-src-serialize' ? [...h.cases, ...SYNTHETIC] : h.cases;
        for (const world of worlds(h, cases)) {
          for (const reading of oracle(world, cases, redis.port)) {
            for (const v of judge(reading)) {
              const key = `${suite}\t${v.reader}${v.envelope}`;
              let t = tallies.get(key);
              if (!t) tallies.set(key, (t = { readings: 0, agree: 0, phpRefused: 0, weRefused: 0, weMarked: 0 }));
              t.readings++;
              if (!v.phpReads) {
                t.phpRefused++;
                if (v.ours.refused !== null) t.weRefused++;
                else if (v.ours.unreadable !== null) t.weMarked++;
              }
              if (v.agree) t.agree++;
              else failures.push(`${suite} ${describe(v, `${reading[1]} of ${cases[reading[0]]!.file}`)}`);
            }
          }
        }
      }
    } finally {
      await redis.stop();
    }

    const rows = [...tallies].map(
      ([key, t]) => `${key}\t${t.readings}\t${t.agree}\t${t.phpRefused}\t${t.weRefused}\t${t.weMarked}`,
    );
    console.log(['suite\treader\treadings\tagree\tPHP refuses\twe refuse\twe mark', ...rows].join('\n'));
    console.log(`direct JSON: ${directTally.direct} of ${directTally.sessions} session readings`);
    // Each one was compared with the tree's JSON (phpOracle.ts); most sessions PHP writes are plain.
    assert.ok(directTally.direct > directTally.sessions / 3, 'the direct path was hardly ever taken');
    const total = [...tallies.values()].reduce((n, t) => n + t.readings, 0);
    // The harvest is fixed: a run that compared far fewer readings lost its oracle, not its bugs.
    assert.ok(total > 20_000, `only ${total} readings compared`);
    if (process.env.HARVEST_DUMP) writeFileSync(process.env.HARVEST_DUMP, failures.join('\n'));
    assert.deepEqual(failures.slice(0, 12), [], `${failures.length} of ${total} readings differ from PHP`);
  },
);
