import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phpParseUrl, phpReplaceControlChars, type PhpUrl, type Span } from '../../server/src/core/phpUrl.ts';
import { phpAvailable, runPhpJson } from '../helpers/php.ts';
import { joinedPieces } from '../helpers/random.ts';

/** Deterministic PRNG so a failing case is reproducible. */

const EDGE: string[] = [
  '',
  ':',
  '::',
  '//',
  '///',
  'tcp://',
  'tcp:/host',
  'tcp:host',
  'tcp://h',
  'tcp://h:',
  'tcp://:6379',
  'tcp://127.0.0.1:6379',
  'tcp://127.0.0.1:0',
  'tcp://127.0.0.1:65535',
  'tcp://127.0.0.1:65536',
  'tcp://127.0.0.1:99999',
  'tcp://127.0.0.1:123456',
  'tcp://127.0.0.1:abc',
  'tcp://h:12ab',
  'tcp://h:-1',
  'tcp://h:+1',
  'tcp://h:-0',
  'tcp://h: 1',
  'tcp://h:1é',
  'tcp://h:é',
  'tcp://h:port?auth=password',
  'host:6379',
  'host:6379?database=2',
  'host:6379/x',
  'host:1234567',
  'host:123456',
  'host:0',
  'host:',
  'host',
  '/var/run/redis.sock',
  'unix:///var/run/redis.sock',
  'file:///var/run/redis.sock?persistent=1',
  'file:/tmp/x',
  'file:///c:/x',
  'FILE:///c:/x',
  'file:///é:/x',
  'file://tmp/redis.sock',
  'unix://tmp/x',
  'redis://user:pass@host:6379/0',
  'rediss://:p%40ss@h:6380',
  'tcp://user:pass@host',
  'tcp://u@h',
  'tcp://a@b@c:1',
  'tcp://a:b:c@h:1',
  'tcp://[::1]:6379',
  'tcp://[::1]',
  'tcp://[::1',
  'tcp://::1',
  'tcp://[fe80::1%25eth0]:6379?x',
  '[::1]:6379',
  '//h:1',
  '//h',
  '//h?x#y',
  '//:1',
  ':80',
  ':80/x',
  'tcp://h?',
  'tcp://h#',
  'tcp://h?#',
  'tcp://h?a=b#c=d',
  'tcp://h#x?a',
  'tcp://h/p?q#f',
  'mailto:a@b',
  'a.b+c-d://h',
  '1a://h',
  'a_b://h',
  'http://h:80:90',
  '//a:b:80',
  '//a::80',
  'x:1234567/a',
  'tcp://h\x01x:1',
  'tcp://h:1?a=\x01\x7f',
  'tcp://h:1#\x00',
  '?a=b',
  '#f',
  'a?b:1',
  'a#b:1',
  'a/b:1',
  '/a:b',
  'é://h',
  'tcp://hé:1',
  'tcp://h:😀',
  'h:6379?x',
  'x:?a=b',
  'x:',
  'tcp:80',
  'unix:80',
];

const PIECES = [
  'tcp',
  'TCP',
  'unix',
  'file',
  'redis',
  'rediss',
  'tls',
  'a.b+c',
  '1ab',
  ':',
  '://',
  ':/',
  '/',
  '//',
  '///',
  '@',
  ':@',
  'user',
  'pw',
  'h',
  'host.example',
  '127.0.0.1',
  '[::1]',
  '[',
  ']',
  '::1',
  ':0',
  ':6379',
  ':65535',
  ':65536',
  ':99999',
  ':abc',
  ':12ab',
  ':-1',
  '?',
  '#',
  '&',
  '=',
  '+',
  '%',
  '%20',
  '%2',
  'auth',
  'weight=1',
  '[]',
  '.',
  'é',
  '😀',
  '\x01',
  'c:',
  '0',
  '123456',
  '80',
  'x',
];

function randomInputs(n: number): string[] {
  return joinedPieces(PIECES, n, 20240611, 8);
}

/** parse_url()'s array shape (or false → null), without our spans. */
function asPhp(u: PhpUrl | null): Record<string, unknown> | null {
  if (!u) return null;
  const { spans: _spans, ...rest } = u;
  return rest;
}

test('known parse_url results', () => {
  assert.deepEqual(asPhp(phpParseUrl('tcp://127.0.0.1:6379?auth=x')), {
    scheme: 'tcp',
    host: '127.0.0.1',
    port: 6379,
    query: 'auth=x',
  });
  // Without a scheme, the query stops the port detection: host is read as the scheme.
  assert.deepEqual(asPhp(phpParseUrl('host:6379?database=2')), { scheme: 'host', path: '6379', query: 'database=2' });
  assert.deepEqual(asPhp(phpParseUrl('host:6379')), { host: 'host', port: 6379 });
  assert.equal(phpParseUrl('tcp://h:99999'), null);
  assert.equal(phpParseUrl('tcp://:6379'), null);
  assert.equal(phpParseUrl('tcp://'), null);
  assert.deepEqual(asPhp(phpParseUrl('tcp:/host')), { scheme: 'tcp', path: '/host' });
  assert.deepEqual(asPhp(phpParseUrl('file:///var/run/r.sock')), { scheme: 'file', path: '/var/run/r.sock' });
  assert.deepEqual(asPhp(phpParseUrl('tcp://h:1?a#b')), {
    scheme: 'tcp',
    host: 'h',
    port: 1,
    query: 'a',
    fragment: 'b',
  });
  assert.deepEqual(asPhp(phpParseUrl('tcp://[::1]:6379')), { scheme: 'tcp', host: '[::1]', port: 6379 });
  assert.deepEqual(asPhp(phpParseUrl('tcp://h\x01:1')), { scheme: 'tcp', host: 'h_', port: 1 });
});

test('spans locate every component in the input', () => {
  for (const s of [...EDGE, ...randomInputs(300)]) {
    const u = phpParseUrl(s);
    if (!u) continue;
    for (const k of ['scheme', 'user', 'pass', 'host', 'path', 'query', 'fragment'] as const) {
      assert.equal(u[k] === undefined, u.spans[k] === undefined, `${k} of ${JSON.stringify(s)}`);
      if (u[k] !== undefined) {
        const sp: Span = u.spans[k]!;
        assert.equal(phpReplaceControlChars(s.slice(sp.start, sp.end)), u[k], `${k} of ${JSON.stringify(s)}`);
      }
    }
    if (u.port !== undefined) assert.ok(u.spans.port, `port span of ${JSON.stringify(s)}`);
  }
});

test('differential: parse_url() of real PHP', { skip: !phpAvailable() && 'php not installed' }, async () => {
  const inputs = [...EDGE, ...randomInputs(600)];
  const php = (await runPhpJson(
    `$o = []; foreach ($input as $s) { $r = parse_url($s); $o[] = $r === false ? null : $r; } return $o;`,
    inputs,
  )) as (Record<string, unknown> | null)[];
  assert.equal(php.length, inputs.length);
  let mismatches = 0;
  inputs.forEach((s, i) => {
    const ours = asPhp(phpParseUrl(s));
    try {
      assert.deepEqual(ours, php[i]);
    } catch {
      mismatches++;
      assert.deepEqual(ours, php[i], `parse_url(${JSON.stringify(s)})`);
    }
  });
  assert.equal(mismatches, 0);
});
