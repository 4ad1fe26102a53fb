import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildPhpArray,
  parsePhpQuery,
  phpUrlDecode,
  PhpArray,
  registerVariableName,
  type PhpValue,
} from '../../server/src/core/phpQuery.ts';
import { phpAvailable, runPhpJson } from '../helpers/php.ts';
import { joinedPieces } from '../helpers/random.ts';

const hex = (bin: string): string => Buffer.from(bin, 'latin1').toString('hex');

/** Same shape as the PHP side below: [["i:N" | "s:<hex>", hex | nested], ...]. */
function shape(v: PhpValue): unknown {
  if (!(v instanceof PhpArray)) return hex(v);
  return v.entries().map(([k, x]) => [typeof k === 'bigint' ? `i:${k}` : `s:${hex(k)}`, shape(x)]);
}

const PHP_SHAPE = `
$shape = function ($v) use (&$shape) {
  if (!is_array($v)) return bin2hex($v);
  $o = [];
  foreach ($v as $k => $x) $o[] = [is_int($k) ? "i:$k" : "s:" . bin2hex($k), $shape($x)];
  return $o;
};`;

const EDGE: string[] = [
  '',
  '&',
  '&&',
  '=',
  '==',
  'a',
  'a=',
  'a=1',
  'a=1&a=2',
  'a[]=1&a[]=2',
  'a=1&a[]=2',
  'a[]=1&a=2',
  'auth[]=u&auth[]=p',
  'auth[user]=u&auth[pass]=p',
  'stream[verify_peer]=0&stream[allow_self_signed]=1',
  'a[ ]=1&a[ x]=2',
  'a[%09]=1&a[%0A]=2&a[%0B]=3&a[%0C]=4&a[%0D]=5&a[%20%09]=6&a[%09x]=7',
  'b[c=3',
  'b[=1',
  'b[',
  'd[e][f=4',
  'g[h]xyz=5',
  '+.k l=6',
  'm%00n=7',
  '[x]=8',
  '0=9',
  '-0=10',
  '01=11',
  'c[5]=x&c[]=y&c[-3]=z&c[]=w',
  'd[9223372036854775807]=1&d[]=2&d[x]=3',
  'd[9223372036854775808]=1&d[-9223372036854775808]=2&d[-9223372036854775809]=3',
  'a.b=1&a b=2&a_b=3',
  ' a=1',
  '  a=1',
  '%20a=1',
  '+a=1',
  'a%5B%5D=1&a%5B%5D=2',
  'a=%',
  'a=%2',
  'a=%zz',
  'a=%FF%FE',
  'a=%C3%A9',
  'a=b=c',
  'a=+b+',
  'a=%2B',
  'a[b][c][d]=1&a[b][e]=2&a[b]=3',
  'a[][]=1&a[][]=2',
  'a[]b=1',
  'a[b]c[d]=1',
  'x=1#y=2',
  'weight=1&weight=0',
  'a[.]=1&a[ ]=2',
  'a[b.c d]=1',
  'é=ü&é[]=1',
  'a=1&&&b=2&',
  'seed[]=h:1',
  'seed=h:1',
  'a[' + 'b]['.repeat(70) + 'c]=1',
  'a=1&' + 'z[]=1&'.repeat(10) + 'a[' + 'x]['.repeat(66) + 'y]=2',
  Array.from({ length: 1005 }, (_, i) => `v${i}=${i}`).join('&'),
];

const PIECES = [
  'a',
  'b',
  'auth',
  'seed',
  'weight',
  '=',
  '=',
  '&',
  '&',
  '&&',
  '[',
  ']',
  '[]',
  '[x]',
  '[ ]',
  '[0]',
  '[-1]',
  '[01]',
  '.',
  ' ',
  '+',
  '%20',
  '%2B',
  '%26',
  '%3D',
  '%5B',
  '%5D',
  '%00',
  '%',
  '%zz',
  '%FF',
  '%C3%A9',
  'é',
  'x.y',
  '0',
  '-0',
  '1',
  '#',
  '?',
  'user',
  'pass',
  '😀',
];

function randomQueries(n: number): string[] {
  return joinedPieces(PIECES, n, 7, 12);
}

test('pieces, spans and decoding', () => {
  const q = 'auth=p%2Bw+x&&weight=2&stream[verify_peer]=0&flag';
  const ps = parsePhpQuery(q);
  assert.equal(ps.length, 4);
  assert.deepEqual(ps[0]!.span, { start: 0, end: 12 });
  assert.equal(q.slice(ps[0]!.valueSpan!.start, ps[0]!.valueSpan!.end), 'p%2Bw+x');
  assert.equal(ps[0]!.value, 'p+w x');
  assert.equal(q.slice(ps[1]!.keySpan.start, ps[1]!.keySpan.end), 'weight');
  assert.deepEqual([ps[2]!.name, ps[2]!.path], ['stream', ['verify_peer']]);
  assert.equal(ps[3]!.valueSpan, null);
  assert.equal(ps[3]!.value, '');
  assert.equal(phpUrlDecode('%C3%A9%zz%'), 'Ã©%zz%'); // binary string: two bytes for é
});

test('variable names follow php_register_variable_ex', () => {
  assert.deepEqual(registerVariableName(' a.b c'), { name: 'a_b_c', path: [] });
  assert.deepEqual(registerVariableName('a[ ]'), { name: 'a', path: [null] });
  assert.deepEqual(registerVariableName('a[ x]'), { name: 'a', path: [' x'] });
  assert.deepEqual(registerVariableName('a[b.c'), { name: 'a_b_c', path: [] });
  assert.deepEqual(registerVariableName('a[b][c'), { name: 'a', path: ['b'] });
  assert.deepEqual(registerVariableName('a[b]xyz'), { name: 'a', path: ['b'] });
  assert.equal(registerVariableName('[x]').ignored, 'empty-name');
  assert.equal(registerVariableName(' ').ignored, 'empty-name');
});

test('the array: later duplicates win, [] appends, numeric keys become integers', () => {
  const a = buildPhpArray(parsePhpQuery('w=1&auth[]=u&auth[]=p&w=0&c[5]=x&c[]=y'));
  assert.equal(a.get('w'), '0');
  const auth = a.get('auth') as PhpArray;
  assert.deepEqual(auth.entries(), [
    [0n, 'u'],
    [1n, 'p'],
  ]);
  assert.equal(a.originOf('w'), 3);
  assert.deepEqual((a.get('c') as PhpArray).entries(), [
    [5n, 'x'],
    [6n, 'y'],
  ]);
});

test('differential: parse_str() of real PHP', { skip: !phpAvailable() && 'php not installed' }, async () => {
  const inputs = [...EDGE, ...randomQueries(500)];
  const php = (await runPhpJson(
    `${PHP_SHAPE}
    $o = [];
    foreach ($input as $s) { $r = []; @parse_str($s, $r); $o[] = $shape($r); }
    return $o;`,
    inputs,
  )) as unknown[];
  assert.equal(php.length, inputs.length);
  inputs.forEach((s, i) => {
    assert.deepEqual(shape(buildPhpArray(parsePhpQuery(s))), php[i], `parse_str(${JSON.stringify(s.slice(0, 200))})`);
  });
});
