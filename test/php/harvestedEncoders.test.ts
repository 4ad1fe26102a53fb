// The encoders against PHP's own test suites: every harvested value (php-src, igbinary and
// msgpack-php .phpt files; see harvested.test.ts) that real PHP 8.2 wrote as a session with each
// serialize_handler is decoded and encoded again. Where PHP reads the session, our bytes must be
// PHP's byte for byte, or — where the value tree does not keep what PHP's writer knew (see the
// tally) — real PHP must read our bytes exactly as it reads its own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { encodeSession } from '../../server/src/sessions/encode/sessionEncode.ts';
import { detachSharedScalars } from '../../server/src/sessions/encode/sharedScalars.ts';
import { SessionEncodeError } from '../../server/src/sessions/encode/valueTree.ts';
import { decodeSession, type SessionSerializer } from '../../server/src/sessions/sessionFormats.ts';
import { startRedis } from '../helpers/redisServer.ts';
import { judge, oracle, phpReady, worlds, type Case, type Declared } from './phpOracle.ts';

const SUITES = ['php-src-serialize', 'php-src-session', 'igbinary', 'msgpack'] as const;

interface Harvest extends Declared {
  cases: Case[];
}

function load(suite: string): Harvest {
  const gz = readFileSync(join(__dirname, '..', 'fixtures', 'harvested', `${suite}.json.gz`));
  return JSON.parse(gunzipSync(gz).toString('utf8')) as Harvest;
}

test(
  "the encoders write what PHP writes for the values of PHP's own test suites",
  { skip: !phpReady() && 'php (redis, igbinary, msgpack) or redis-server missing' },
  async (t) => {
    const redis = await startRedis();
    const tally = new Map<string, { compared: number; identical: number; samePhpReading: number }>();
    const failures: string[] = [];
    try {
      for (const suite of SUITES) {
        const h = load(suite);
        for (const world of worlds(h, h.cases)) {
          // 1. PHP writes each value as a session with every serialize_handler and reads it back.
          const retry: Array<{ handler: SessionSerializer; ours: Uint8Array; php: string; key: string }> = [];
          for (const reading of oracle(world, h.cases, redis.port)) {
            const [caseIndex, label, b64, reader, ok] = reading;
            if (!label.startsWith('session-') || !ok) continue;
            const verdict = judge(reading)[0]!;
            if (!verdict.agree) continue; // the decoder's own test reports those
            const handler = reader.slice('session:'.length) as SessionSerializer;
            const original = new Uint8Array(Buffer.from(b64, 'base64'));
            const decoded = decodeSession(original, { serializer: handler, serializerOnly: true });
            if (decoded.notes || !detachSharedScalars(decoded)) continue;
            let ours: Uint8Array;
            try {
              ours = encodeSession(decoded);
            } catch (err) {
              if (!(err instanceof SessionEncodeError)) throw err;
              failures.push(`${suite} ${handler} case ${caseIndex}: refused ${err.message}`);
              continue;
            }
            const key = `${suite}\t${handler}`;
            const row = tally.get(key) ?? { compared: 0, identical: 0, samePhpReading: 0 };
            tally.set(key, row);
            row.compared++;
            if (Buffer.from(ours).equals(original)) row.identical++;
            else retry.push({ handler, ours, php: verdict.php, key: `${key}\t${caseIndex}` });
          }
          if (retry.length === 0) continue;
          // 2. Where our bytes differ, PHP reads ours: it must see the same session.
          const cases: Case[] = retry.map((r) => ({
            op: 'payload',
            format: `session:${r.handler}`,
            data: Buffer.from(r.ours).toString('base64'),
            file: r.key,
          }));
          const readings = oracle({ classes: world.classes, cases: cases.map((_, i) => i) }, cases, redis.port);
          for (const reading of readings) {
            const r = retry[reading[0]]!;
            const v = judge(reading)[0]!;
            const [suite_, handler] = r.key.split('\t');
            if (v.phpReads && v.php === r.php) tally.get(`${suite_}\t${handler}`)!.samePhpReading++;
            else
              failures.push(
                `${r.key}: PHP reads ours as ${v.phpReads ? v.php.slice(0, 300) : `refused: ${v.php}`}\n  its own as ${r.php.slice(0, 300)}`,
              );
          }
        }
      }
    } finally {
      await redis.stop();
    }
    const rows = [...tally].map(([k, r]) => `${k}\t${r.compared}\t${r.identical}\t${r.samePhpReading}`);
    t.diagnostic(['suite\tserializer\tcompared\tbyte-identical\tsame PHP reading', ...rows].join('\n'));
    const compared = [...tally.values()].reduce((n, r) => n + r.compared, 0);
    const identical = [...tally.values()].reduce((n, r) => n + r.identical, 0);
    assert.ok(compared > 4000, `only ${compared} sessions compared`);
    assert.deepEqual(
      failures.slice(0, 8),
      [],
      `${failures.length} of ${compared} differ (${identical} byte-identical)`,
    );
  },
);
