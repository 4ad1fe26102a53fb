// The decoder against PHP's own test suites: the values and payloads that php-src's serialize and
// session tests, igbinary's and msgpack-php's .phpt files hand to PHP's serializers (harvested by
// scripts/harvest-phpt, kept in test/fixtures/harvested, sources in its SOURCES file), plus values
// PHP builds around each format's depth limit. Real PHP 8.2 writes every value with serialize(),
// igbinary_serialize(), msgpack_serialize() and every session serialize_handler (those sessions
// also in phpredis's lzf, zstd and lz4 envelopes), and reads back each value and payload
// (harvestedOracle.php). Wherever PHP reads a payload the decoder must print the same canonical
// JSON and find nothing PHP refuses; wherever PHP refuses it, the decoder must refuse it too or say
// "PHP cannot read this back".
//
// Classes: PHP's own are PHP's; an application class is given to PHP as the data uses it (O: a
// plain class, C: a Serializable one, E: an enum with that case; for igbinary and msgpack the
// decoder's reading says which, and msgpack's __serialize() data needs the __unserialize() the
// harvested test declared). That is the decoder's assumption about application classes: it reads
// them as plain data.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { SessionDecodeError } from '../../server/src/sessions/decodeCommon.ts';
import { readIgbinary } from '../../server/src/sessions/igbinary.ts';
import { readMsgpack } from '../../server/src/sessions/msgpack.ts';
import { PhpUnserializer } from '../../server/src/sessions/phpSerialize.ts';
import { deref, type PhpValue } from '../../server/src/sessions/phpValue.ts';
import {
  decodeSession,
  type SessionCompression,
  type SessionSerializer,
} from '../../server/src/sessions/sessionFormats.ts';
import { startRedis } from '../helpers/redisServer.ts';

const SUITES = ['php-src-serialize', 'php-src-session', 'igbinary', 'msgpack'] as const;
type Suite = (typeof SUITES)[number];

interface Case {
  op: 'value' | 'payload';
  /** php | igbinary | msgpack (what wrote or reads it), session:<handler>, session (a $_SESSION), synthetic. */
  format: string;
  data: string;
  file: string;
}

interface Harvest {
  suite: Suite;
  commit: string;
  enums: Record<string, Record<string, string[]>>;
  serializable: Record<string, string[]>;
  unserialize: Record<string, string[]>;
  cases: Case[];
}

/** [case, label, bytes, reader, ok, json, PHP's reason, compressed envelopes] from harvestedOracle.php. */
type Reading = [number, string, string, string, boolean, string | null, string | null, Record<string, string> | null];

/** How PHP must know a class: plain, Serializable, with __unserialize(), or an enum with these cases. */
type Kind = ['plain'] | ['serializable'] | ['unserialize'] | ['enum', string[]];

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

function php(args: string[], input?: string): ReturnType<typeof spawnSync> {
  return spawnSync('php', args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
}

function phpReady(): boolean {
  const r = php([
    '-r',
    'echo extension_loaded("redis") && extension_loaded("igbinary") && extension_loaded("msgpack") ? "ok" : "no";',
  ]);
  return r.stdout === 'ok' && spawnSync('redis-server', ['--version']).status === 0;
}

/** The classes a value uses, as the decoder read them (for binary formats). */
function classesInTree(value: PhpValue, out: Map<string, Kind>): void {
  const seen = new Set<PhpValue>();
  const stack = [value];
  while (stack.length) {
    const v = deref(stack.pop()!);
    if (seen.has(v)) continue;
    seen.add(v);
    if (v.kind === 'enum') {
      const prev = out.get(v.className.toLowerCase());
      out.set(v.className.toLowerCase(), [
        'enum',
        [...new Set([...(prev?.[0] === 'enum' ? prev[1] : []), v.caseName])],
      ]);
    } else if (v.kind === 'custom') out.set(v.className.toLowerCase(), ['serializable']);
    else if (v.kind === 'array') stack.push(...v.entries.map((e) => e.value));
    else if (v.kind === 'object') stack.push(...v.properties.map((p) => p.value));
  }
}

/** The application classes a case needs PHP to know, by lowercased name (see the header). */
function classesOf(c: Case, h: Harvest): Map<string, Kind> {
  const out = new Map<string, Kind>();
  const bytes = Buffer.from(c.data, 'base64');
  const text = bytes.toString('latin1');
  if (c.op === 'value' || c.format === 'php' || c.format.startsWith('session:php')) {
    const re = /([OCE]):(\d+):"/g;
    for (let m; (m = re.exec(text));) {
      const name = text.slice(m.index + m[0].length, m.index + m[0].length + Number(m[2]));
      if (m[1] === 'E') {
        const [cls, kase] = name.split(':');
        if (!cls || !kase) continue;
        const prev = out.get(cls.toLowerCase());
        out.set(cls.toLowerCase(), ['enum', [...new Set([...(prev?.[0] === 'enum' ? prev[1] : []), kase])]]);
      } else if (!out.has(name.toLowerCase())) out.set(name.toLowerCase(), m[1] === 'C' ? ['serializable'] : ['plain']);
    }
    return out;
  }
  try {
    const b = new Uint8Array(bytes);
    classesInTree(c.format.endsWith('igbinary') ? readIgbinary(b).value : readMsgpack(b).value, out);
  } catch {
    // The decoder refuses it: PHP is given the classes the test declared.
    for (const [cls, cases] of Object.entries(h.enums[c.file] ?? {})) out.set(cls.toLowerCase(), ['enum', cases]);
    for (const cls of h.serializable[c.file] ?? []) out.set(cls.toLowerCase(), ['serializable']);
  }
  const lower = text.toLowerCase();
  if (c.format.endsWith('msgpack'))
    for (const cls of h.unserialize[c.file] ?? [])
      if (lower.includes(cls.toLowerCase()) && !out.has(cls.toLowerCase())) out.set(cls.toLowerCase(), ['unserialize']);
  return out;
}

/** Splits the cases into batches whose classes agree: one PHP process each, as classes are global. */
function worlds(h: Harvest, cases: Case[]): Array<{ classes: Map<string, Kind>; cases: number[] }> {
  const out: Array<{ classes: Map<string, Kind>; cases: number[] }> = [];
  cases.forEach((c, i) => {
    const need = classesOf(c, h);
    let w = out.find((x) => [...need].every(([k, kind]) => (x.classes.get(k)?.[0] ?? kind[0]) === kind[0]));
    if (!w) out.push((w = { classes: new Map(), cases: [] }));
    for (const [k, kind] of need) {
      const prev = w.classes.get(k);
      w.classes.set(
        k,
        kind[0] === 'enum' && prev?.[0] === 'enum' ? ['enum', [...new Set([...prev[1], ...kind[1]])]] : kind,
      );
    }
    w.cases.push(i);
  });
  return out;
}

/** Runs the oracle on one batch; a payload that crashes PHP is retried without, as refused. */
function oracle(world: ReturnType<typeof worlds>[number], cases: Case[], redisPort: number): Reading[] {
  const crashed: string[] = [];
  for (;;) {
    const input = {
      redisPort,
      classes: Object.fromEntries(world.classes),
      crashed,
      cases: world.cases.map((i) => [i, cases[i]!.op, cases[i]!.format, cases[i]!.data]),
    };
    const r = php([join(__dirname, 'harvestedOracle.php')], JSON.stringify(input));
    const stderr = String(r.stderr);
    const last = /@reading (.*)\n(?![\s\S]*@reading)/.exec(stderr)?.[1];
    if (r.status !== 0 && r.signal !== null && last !== undefined && crashed.length < 20) {
      crashed.push(last);
      continue;
    }
    assert.equal(r.status, 0, stderr.replace(/@reading .*\n/g, '').slice(-2000));
    return JSON.parse(String(r.stdout)) as Reading[];
  }
}

/** What the decoder makes of one reading: canonical JSON, or its refusal, and what it marks. */
interface Ours {
  json: string | null;
  refused: string | null;
  unreadable: string | null;
}

function ours(reader: string, bytes: Uint8Array, compression?: SessionCompression): Ours {
  try {
    if (reader.startsWith('session:')) {
      const serializer = reader.slice('session:'.length) as SessionSerializer;
      const decoded = decodeSession(bytes, {
        serializer,
        serializerOnly: true,
        ...(compression ? { compression } : {}),
      });
      return { json: toCanonicalJson(decoded), refused: null, unreadable: decoded.phpUnreadable?.reason ?? null };
    }
    let value: PhpValue;
    let unreadable: string | null;
    if (reader === 'php') {
      // PHP 8.2's unserialize() ignores bytes after the value.
      const r = new PhpUnserializer(bytes);
      value = r.readValue();
      unreadable = r.phpUnreadable;
    } else if (reader === 'igbinary') {
      const r = readIgbinary(bytes);
      if (r.end !== bytes.length) throw new SessionDecodeError('igbinary: bytes after the value', r.end);
      ({ value, phpUnreadable: unreadable } = r);
    } else {
      // msgpack_unserialize() warns about bytes after the value and returns it.
      ({ value, phpUnreadable: unreadable } = readMsgpack(bytes));
    }
    // As a variable, the way PHP's canonical JSON sees a plain (non-reference) value.
    const json = toCanonicalJson({ variables: [['v', value]] });
    return { json: json.slice('{"v":'.length, -1), refused: null, unreadable };
  } catch (err) {
    if (!(err instanceof SessionDecodeError)) throw err;
    return { json: null, refused: err.message, unreadable: null };
  }
}

/** PHP's view of a session: [name, canonical JSON] pairs → the canonical JSON object. */
function sessionJson(parts: Array<[string, string]>): string {
  return `{${parts.map(([name, json]) => `${JSON.stringify(name)}:${json}`).join(',')}}`;
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
    // Class names are case-insensitive: PHP prints its own classes as declared (compared exactly)
    // and an application class as first defined here, the decoder as stored (compared folded).
    const internal = new Set(
      (JSON.parse(String(php(['-r', 'echo json_encode(get_declared_classes());']).stdout)) as string[]).map((c) =>
        c.toLowerCase(),
      ),
    );
    const fold = (json: string | null): string | null =>
      json?.replace(/"__(class|enum)":"((?:[^"\\]|\\.)*?)(::|")/g, (m, kind: string, name: string, end: string) =>
        internal.has(name.toLowerCase()) ? m : `"__${kind}":"${name.toLowerCase()}${end}`,
      ) ?? null;

    const tallies = new Map<string, Tally>();
    const failures: string[] = [];
    const redis = await startRedis();
    try {
      for (const suite of SUITES) {
        const h = load(suite);
        const cases = suite === 'php-src-serialize' ? [...h.cases, ...SYNTHETIC] : h.cases;
        for (const world of worlds(h, cases)) {
          for (const [i, label, b64, reader, ok, json, reason, compressed] of oracle(world, cases, redis.port)) {
            const expected =
              ok && json !== null && reader.startsWith('session:') ? sessionJson(JSON.parse(json)) : json;
            const variants: Array<[string, Uint8Array, SessionCompression | undefined]> = [
              ['', new Uint8Array(Buffer.from(b64, 'base64')), undefined],
              ...Object.entries(compressed ?? {}).map(([codec, c]): [string, Uint8Array, SessionCompression] => [
                `+${codec}`,
                new Uint8Array(Buffer.from(c, 'base64')),
                codec as SessionCompression,
              ]),
            ];
            for (const [envelope, bytes, codec] of variants) {
              const key = `${suite}\t${reader}${envelope}`;
              let t = tallies.get(key);
              if (!t) tallies.set(key, (t = { readings: 0, agree: 0, phpRefused: 0, weRefused: 0, weMarked: 0 }));
              t.readings++;
              const got = ours(reader, bytes, codec);
              let agree: boolean;
              if (ok) agree = got.unreadable === null && fold(got.json) === fold(expected);
              else {
                t.phpRefused++;
                if (got.refused !== null) t.weRefused++;
                else if (got.unreadable !== null) t.weMarked++;
                agree = got.refused !== null || got.unreadable !== null;
              }
              if (agree) t.agree++;
              else
                failures.push(
                  [
                    `${suite} ${reader}${envelope} (${label} of ${cases[i]!.file})`,
                    `  bytes: ${Buffer.from(bytes).toString('hex').slice(0, 400)}`,
                    `  php:   ${ok ? expected?.slice(0, 600) : `refuses: ${reason}`}`,
                    `  ours:  ${got.json?.slice(0, 600) ?? `refuses: ${got.refused}`}${got.unreadable ? ` [PHP cannot read this back: ${got.unreadable}]` : ''}`,
                  ].join('\n'),
                );
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
    const total = [...tallies.values()].reduce((n, t) => n + t.readings, 0);
    // The harvest is fixed: a run that compared far fewer readings lost its oracle, not its bugs.
    assert.ok(total > 20_000, `only ${total} readings compared`);
    if (process.env.HARVEST_DUMP) writeFileSync(process.env.HARVEST_DUMP, failures.join('\n'));
    assert.deepEqual(failures.slice(0, 12), [], `${failures.length} of ${total} readings differ from PHP`);
  },
);
