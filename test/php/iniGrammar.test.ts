// The ini grammar (server/src/core/iniParser.ts) against PHP's own: thousands of generated texts — constants and
// `| & ^ ~ !` expressions, parentheses, quoted / raw / unquoted parts written one after the other, `${VAR}`,
// keywords, `[sections]`, `name[offset]`, bare words, comments, stray `=` and quotes, CRLF — parsed by PHP 8.2's
// parse_ini_string(…, true, INI_SCANNER_NORMAL) (the scanner and parser php.ini loading uses) and by ours. Where PHP
// fails, ours fails with PHP's message on PHP's line; where PHP reads the text, ours gives the same sections, keys
// and values. (parse_ini_string knows every constant of the running PHP; the texts use E_* constants, which php.ini
// loading knows too, and names no one defines.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseIni, type IniParse } from '../../server/src/core/iniParser.ts';
import { IniScanner } from '../../server/src/core/iniScanner.ts';
import { Rng } from './iniVariants.ts';

const SEED = Number(process.env.PRS_GRAMMAR_SEED ?? 0x1a1);
const COUNT = Number(process.env.PRS_GRAMMAR_COUNT ?? 4000);
const ENV: Record<string, string> = { PRS_G_HOST: 'redis.internal', PRS_G_NUM: '12', PRS_G_EMPTY: '' };

// ---- generated texts ----

const WORDS = ['redis', 'tcp://h:1', '/var/lib/php', 'a.b', '12', '-3', '.5', '7.', 'x-y', 'a$b', 'a#b', 'é', 'a/b:c'];
const CONSTS = ['E_ALL', 'E_NOTICE', 'E_STRICT', 'E_DEPRECATED', 'NOT_DEFINED_X', 'E_USER_ERROR'];
const KEYWORDS = ['on', 'Off', 'yes', 'NO', 'true', 'False', 'none', 'null', 'On '];

function atom(rng: Rng): string {
  switch (rng.int(9)) {
    case 0:
      return rng.pick(WORDS);
    case 1:
      return rng.pick(CONSTS);
    case 2:
      return `"${rng.pick(['', 'a b', 'x\\"y', 'c:\\path', '$x', 'a;b', "it's", 'q=1&r=2'])}${rng.chance(0.3) ? '${PRS_G_HOST}' : ''}"`;
    case 3:
      return `'${rng.pick(['a b', 'x"y', '${PRS_G_HOST}', 'q=1&r=2', ';', '\\'])}'`;
    case 4:
      return `\${${rng.pick(['PRS_G_HOST', 'PRS_G_NUM', 'PRS_G_EMPTY', 'PRS_G_UNSET', ' PRS_G_HOST '])}}`;
    case 5:
      return String(rng.int(300));
    case 6:
      return `(${expr(rng, 1)})`;
    default:
      return rng.pick(WORDS);
  }
}

function expr(rng: Rng, depth = 0): string {
  let out = rng.chance(0.2) ? rng.pick(['~', '!']) + atom(rng) : atom(rng);
  const n = depth > 1 ? 0 : rng.int(3);
  for (let i = 0; i < n; i++) out += rng.pick([' | ', '&', ' & ', '^', ' ^ ', '|']) + atom(rng);
  return out;
}

function value(rng: Rng): string {
  switch (rng.int(10)) {
    case 0:
      return rng.pick(KEYWORDS);
    case 1:
      return '';
    case 2: // parts one after the other
      return [atom(rng), atom(rng), ...(rng.chance(0.5) ? [atom(rng)] : [])].join(rng.pick(['', ' ', '  ']));
    case 3: // something PHP may refuse
      return `${atom(rng)}${rng.pick(['=', '"', "'", '(', ')', '!', '~', '${', '}', '{', '[', ']'])}${rng.chance(0.5) ? atom(rng) : ''}`;
    default:
      return expr(rng);
  }
}

function line(rng: Rng): string {
  const name = rng.pick(['session.save_path', 'error_reporting', 'a', 'a.b_c', 'x-y', '  indented', 'N1', '12']);
  const eq = rng.pick(['=', ' = ', '= ', ' =', '\t=\t']);
  switch (rng.int(14)) {
    case 0:
      return `${rng.pick(['', '  ', '\t'])}[${rng.pick(['Session', 'PATH=/var/www', 'HOST=example.com', 'a b', 'x"y"', "'q'", '${PRS_G_HOST}'])}]${rng.pick(['', ' ', ' ; c'])}`;
    case 1:
      return `${name}[${rng.pick(['', 'k', '0', 'a b', '"q"', '${PRS_G_NUM}'])}]${eq}${value(rng)}`;
    case 2:
      return rng.pick(['bareword', 'two words', '  bare ', 'php_value', '@{X}', '# hash comment']);
    case 3:
      return rng.pick(['; comment', '', '   ', ';;;', '  ; indented comment']);
    default: {
      const comment = rng.chance(0.2) ? rng.pick([' ; note', ';note', ' # note']) : '';
      return `${name}${eq}${value(rng)}${comment}`;
    }
  }
}

function text(rng: Rng): string {
  const eol = rng.chance(0.1) ? '\r\n' : '\n';
  const lines = Array.from({ length: 1 + rng.int(5) }, () => line(rng));
  return lines.join(eol) + (rng.chance(0.85) ? eol : '');
}

/**
 * How far PHP's line counter is from the real line at `end`: newlines inside '…' are not counted (the raw-string
 * rule does not count them), and a `[section] ; comment` line is counted twice (the `]` rule and the comment rule).
 */
function lineSkew(t: string, end: number): number {
  const scanner = new IniScanner(t);
  let skew = 0;
  let afterSection = false;
  for (let tok = scanner.next(); tok.type !== 'END' && tok.start < end; tok = scanner.next()) {
    if (tok.type === 'RAW') skew -= (t.slice(tok.start, Math.min(tok.end, end)).match(/\r\n|\r|\n/g) ?? []).length;
    if (afterSection && tok.type === 'EOL' && t.slice(tok.start, tok.end).includes(';')) skew++;
    afterSection = tok.type === 'CHAR' && tok.value === ']' && !/[\r\n]/.test(t.slice(tok.start, tok.end));
  }
  return skew;
}

// ---- PHP's reading ----

const PHP_SCRIPT = `
$out = [];
foreach (json_decode(stream_get_contents(STDIN), true) as $t) {
  $errors = [];
  set_error_handler(function ($no, $msg) use (&$errors) { $errors[] = $msg; return true; });
  $r = parse_ini_string($t, true, INI_SCANNER_NORMAL);
  restore_error_handler();
  $out[] = ['ok' => $r !== false, 'value' => $r === false ? null : $r, 'errors' => $errors];
}
echo json_encode($out, JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
`;

interface PhpReading {
  ok: boolean;
  value: unknown;
  errors: string[];
}

function phpParse(texts: readonly string[]): PhpReading[] {
  const r = spawnSync('php', ['-n', '-r', PHP_SCRIPT], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    env: { ...process.env, ...ENV },
    maxBuffer: 1 << 28,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as PhpReading[];
}

// ---- ours, in parse_ini_string's shape ----

type Arr = Record<string, unknown>;

/** PHP array keys: a decimal integer string becomes an integer key (same JSON key here). */
function key(k: string): string {
  return /^(0|-?[1-9]\d*)$/.test(k) && Number.isSafeInteger(Number(k)) ? String(Number(k)) : k;
}

/** Values with `${VAR}` expanded the way PHP 8.2 does (getenv; `VAR:-x` is a name). */
function expand(
  textValue: string,
  env: { name: string; fallback?: string; textStart: number; textEnd: number }[],
): string {
  let out = '';
  let last = 0;
  for (const r of env) {
    out += textValue.slice(last, r.textStart);
    const name = r.fallback === undefined ? r.name : `${r.name}:-${r.fallback}`;
    out += ENV[name] ?? '';
    last = r.textEnd;
  }
  return out + textValue.slice(last);
}

function ours(p: IniParse): { ok: boolean; value?: Arr; error?: string; errorAt?: number; comparable: boolean } {
  if (p.error) return { ok: false, error: p.error.message, errorAt: p.error.span.start, comparable: true };
  const top: Arr = {};
  let active = top;
  let comparable = true;
  const nextIndex = new Map<Arr, number>();
  for (const st of p.statements) {
    if (st.kind === 'section') {
      active = {};
      top[key(expand(st.name, st.nameEnv ?? []))] = active;
      continue;
    }
    if (st.kind === 'bare') continue;
    const v = st.value!;
    if (v.dynamic) comparable = false;
    const val = expand(v.text, v.env);
    if (st.kind === 'entry') {
      active[key(st.name)] = val;
      continue;
    }
    let arr = active[key(st.name)] as Arr | undefined;
    if (!arr || typeof arr !== 'object') {
      arr = {};
      active[key(st.name)] = arr;
      nextIndex.set(arr, 0);
    }
    const off = expand(st.offset ?? '', st.offsetEnv ?? []);
    if (off === '') {
      const i = nextIndex.get(arr) ?? 0;
      arr[String(i)] = val;
      nextIndex.set(arr, i + 1);
    } else {
      const k = key(off);
      arr[k] = val;
      if (/^-?\d+$/.test(k) && Number(k) >= (nextIndex.get(arr) ?? 0)) nextIndex.set(arr, Number(k) + 1);
    }
  }
  return { ok: true, value: top, comparable };
}

/** PHP's arrays as JSON: a list when its keys are 0..n-1. Ours as objects: compare as objects. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), normalize(x)]));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

test('our ini grammar reads generated texts exactly as PHP 8.2 parse_ini_string does', () => {
  const rng = new Rng(SEED);
  const texts = [...new Set(Array.from({ length: COUNT }, () => text(rng)))];
  const php = phpParse(texts);
  const wrong: string[] = [];
  let failures = 0;
  let compared = 0;
  texts.forEach((t, i) => {
    const p = php[i]!;
    const o = ours(parseIni(t));
    if (!p.ok) failures++;
    if (p.ok !== o.ok) {
      wrong.push(
        `${JSON.stringify(t)}: PHP ${p.ok ? 'reads it' : `fails (${p.errors.join('; ')})`}, ours ${o.ok ? 'reads it' : `fails (${o.error})`}`,
      );
      return;
    }
    if (!p.ok) {
      const msg = (p.errors.find((e) => e.startsWith('syntax error')) ?? p.errors[0] ?? '').trim();
      // PHP's line counter: an END_OF_LINE token is already past its newline when PHP reports it, and a
      // `[section] ; comment` line is counted twice (the section rule and the comment rule both count it).
      const before = t.slice(0, o.errorAt).split(/\r\n|\r|\n/);
      const eolTaken = /^[ \t]*(?:;[^\r\n]*)?(?:\r\n|\r|\n)/.test(t.slice(o.errorAt)) && msg.includes('END_OF_LINE');
      const line = before.length + (eolTaken ? 1 : 0) + lineSkew(t, o.errorAt!);
      const phpLine = Number(/on line (\d+)$/.exec(msg)?.[1]);
      if (!msg.startsWith(`${o.error} in Unknown on line `) || phpLine !== line)
        wrong.push(`${JSON.stringify(t)}: PHP "${msg}", ours "${o.error}" on line ${line}`);
      return;
    }
    if (!o.comparable) return;
    compared++;
    const a = JSON.stringify(normalize(p.value));
    const b = JSON.stringify(normalize(o.value));
    if (a !== b) wrong.push(`${JSON.stringify(t)}: PHP ${a}, ours ${b}`);
  });
  console.log(`# ${texts.length} texts: PHP refuses ${failures}, ${compared} readings compared value for value`);
  assert.ok(failures > texts.length / 10 && compared > texts.length / 3);
  assert.deepEqual(wrong.slice(0, 30), []);
});
