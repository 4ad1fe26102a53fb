// Real PHP as the oracle for the session decoder: harvestedOracle.php reads payloads (and writes
// values with every serializer and session handler, then reads them back); these helpers give it
// the classes a batch needs, run it, and read the same bytes with the decoder.
//
// Classes: PHP's own are PHP's; an application class is given to PHP as the data uses it (O: a
// plain class, C: a Serializable one, E: an enum with that case; for igbinary and msgpack the
// decoder's reading says which, and msgpack's __serialize() data needs the __unserialize() the
// harvested test declared). That is the decoder's assumption about application classes: it reads
// them as plain data.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { directSessionJson, sessionJson as sessionJsonOf } from '../../server/src/sessions/direct/sessionJson.ts';
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

export interface Case {
  op: 'value' | 'payload';
  /** php | igbinary | msgpack (what wrote or reads it), session:<handler>, session (a $_SESSION), synthetic. */
  format: string;
  data: string;
  file: string;
}

/** What the harvested tests declared, per test file: enums (with their cases), Serializable classes, classes with __unserialize(). */
export interface Declared {
  enums: Record<string, Record<string, string[]>>;
  serializable: Record<string, string[]>;
  unserialize: Record<string, string[]>;
}

/** [case, label, bytes, reader, ok, json, PHP's reason, compressed envelopes] from harvestedOracle.php. */
export type Reading = [
  number,
  string,
  string,
  string,
  boolean,
  string | null,
  string | null,
  Record<string, string> | null,
];

/** How PHP must know a class: plain, Serializable, with __unserialize(), or an enum with these cases. */
type Kind = ['plain'] | ['serializable'] | ['unserialize'] | ['enum', string[]];

export function php(args: string[], input?: string): ReturnType<typeof spawnSync> {
  return spawnSync('php', args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
}

export function phpReady(): boolean {
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
function classesOf(c: Case, h: Declared): Map<string, Kind> {
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
export function worlds(h: Declared, cases: Case[]): Array<{ classes: Map<string, Kind>; cases: number[] }> {
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
export function oracle(world: ReturnType<typeof worlds>[number], cases: Case[], redisPort: number): Reading[] {
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
export interface Ours {
  json: string | null;
  refused: string | null;
  unreadable: string | null;
}

/** Session readings, and how many of them the direct path (JSON straight from the bytes) wrote. */
export const directTally = { sessions: 0, direct: 0 };

export function ours(reader: string, bytes: Uint8Array, compression?: SessionCompression): Ours {
  let direct: string | null = null;
  try {
    if (reader.startsWith('session:')) {
      const serializer = reader.slice('session:'.length) as SessionSerializer;
      const options = { serializer, serializerOnly: true, ...(compression ? { compression } : {}) };
      direct = directSessionJson(bytes, options, 0)?.json.toString('utf8') ?? null;
      directTally.sessions++;
      if (direct !== null) directTally.direct++;
      const decoded = decodeSession(bytes, options);
      const json = toCanonicalJson(decoded);
      // What `decode` prints, either way (compressed values unwrapped once, then direct or the tree).
      assert.equal(sessionJsonOf(bytes, options, 0).json.toString('utf8'), json, 'sessionJson differs from the tree');
      // The direct path may only write what the tree prints, for sessions PHP reads as they are.
      if (direct !== null) {
        assert.equal(direct, json, "the direct JSON differs from the value tree's");
        assert.ok(!decoded.phpUnreadable && !decoded.notes, 'the direct path wrote a session PHP refuses or notes');
      }
      return { json, refused: null, unreadable: decoded.phpUnreadable?.reason ?? null };
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
    assert.equal(direct, null, `the direct path wrote a session the decoder refuses (${err.message})`);
    return { json: null, refused: err.message, unreadable: null };
  }
}

/** PHP's view of a session: [name, canonical JSON] pairs → the canonical JSON object. */
export function sessionJson(parts: Array<[string, string]>): string {
  return `{${parts.map(([name, json]) => `${JSON.stringify(name)}:${json}`).join(',')}}`;
}

/** One comparison: the decoder on the bytes PHP read (or on one of their envelopes). */
export interface Verdict {
  reader: string;
  /** '' or '+lzf', '+zstd', '+lz4'. */
  envelope: string;
  bytes: Uint8Array;
  phpReads: boolean;
  /** PHP's own view could not be printed (an array holding itself by value): not compared. */
  skipped: boolean;
  /** PHP's canonical JSON when it reads the bytes, else its reason for refusing them. */
  php: string;
  ours: Ours;
  agree: boolean;
}

let internalNames: Set<string> | null = null;

/**
 * Class names are case-insensitive: PHP prints its own classes as declared (compared exactly) and
 * an application class as the oracle first defined it, the decoder as stored (compared folded).
 */
function fold(json: string | null): string | null {
  internalNames ??= new Set(
    (JSON.parse(String(php(['-r', 'echo json_encode(get_declared_classes());']).stdout)) as string[]).map((c) =>
      c.toLowerCase(),
    ),
  );
  const internal = internalNames;
  return (
    json?.replace(/"__(class|enum)":"((?:[^"\\]|\\.)*?)(::|")/g, (m, kind: string, name: string, end: string) =>
      internal.has(name.toLowerCase()) ? m : `"__${kind}":"${name.toLowerCase()}${end}`,
    ) ?? null
  );
}

/**
 * The decoder on one reading (and each phpredis envelope of it). Where PHP reads the bytes, the
 * decoder agrees when it prints the same canonical JSON and marks nothing; where PHP refuses
 * them, when it refuses them too or marks them "PHP cannot read this back".
 */
export function judge(reading: Reading): Verdict[] {
  const [, , b64, reader, ok, json, reason, compressed] = reading;
  const expected = ok && json !== null && reader.startsWith('session:') ? sessionJson(JSON.parse(json)) : json;
  const variants: Array<[string, Uint8Array, SessionCompression | undefined]> = [
    ['', new Uint8Array(Buffer.from(b64, 'base64')), undefined],
    ...Object.entries(compressed ?? {}).map(([codec, c]): [string, Uint8Array, SessionCompression] => [
      `+${codec}`,
      new Uint8Array(Buffer.from(c, 'base64')),
      codec as SessionCompression,
    ]),
  ];
  return variants.map(([envelope, bytes, codec]) => {
    const got = ours(reader, bytes, codec);
    const skipped = !ok && reason?.startsWith('SKIP') === true;
    const agree = ok
      ? got.unreadable === null && fold(got.json) === fold(expected)
      : skipped || got.refused !== null || got.unreadable !== null;
    return { reader, envelope, bytes, phpReads: ok, skipped, php: ok ? expected! : (reason ?? ''), ours: got, agree };
  });
}

/** A disagreement, readable in a test failure. */
export function describe(v: Verdict, where: string): string {
  return [
    `${v.reader}${v.envelope} (${where})`,
    `  bytes: ${Buffer.from(v.bytes).toString('hex').slice(0, 400)}`,
    `  php:   ${v.phpReads ? v.php.slice(0, 600) : `refuses: ${v.php}`}`,
    `  ours:  ${v.ours.json?.slice(0, 600) ?? `refuses: ${v.ours.refused}`}${v.ours.unreadable ? ` [PHP cannot read this back: ${v.ours.unreadable}]` : ''}`,
  ].join('\n');
}
