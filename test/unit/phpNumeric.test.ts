import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isPlainInteger,
  isPlainNumber,
  phpNumericPrefix,
  redisConfBool,
  toCInt,
  zvalGetDouble,
  zvalGetLong,
} from '../../server/src/core/phpNumeric.ts';
import { phpAvailable, runPhpJson } from '../helpers/php.ts';
import { joinedPieces } from '../helpers/random.ts';

/** The exact bits of a double, as PHP's pack('E') prints them. */
const bits = (d: number): string => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(d);
  return b.toString('hex');
};

const EDGE = [
  '',
  ' ',
  '0',
  '1',
  '-1',
  '+1',
  '2.7',
  '-2.7',
  '2abc',
  'abc',
  '0x10',
  '0X1A',
  '0b11',
  '0o7',
  '010',
  '1e3',
  '1E3',
  '1e',
  '1e+',
  '1e-',
  '1e+2',
  '1.5e3x',
  '.5',
  '-.5',
  '+.5',
  '.',
  '-',
  '+',
  '+-5',
  '5.',
  '5.e2',
  ' 12',
  '12 ',
  ' 12 ',
  '\t\n\r\v\f12',
  '12\t',
  '12 x',
  '\x0012',
  '12\x00',
  '1_000',
  '1,5',
  'inf',
  'INF',
  'nan',
  '-0',
  '-0.0',
  '0.0',
  '00.5',
  '000000000000000000000000001',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '-9223372036854775809',
  '92233720368547758070',
  '9223372036854775807abc',
  '9223372036854775808abc',
  '18446744073709551616',
  '4294967296',
  '4294967297',
  '2147483648',
  '-2147483649',
  '1e308',
  '1e309',
  '-1e309',
  '1e-400',
  '4.9e-324',
  '1e1000',
  '0.1',
  '86400',
  '１２',
  '12é',
  'é12',
  '  -  1',
  '- 1',
  '1 .5',
  '1.2.3',
  '1e5e5',
  '.e1',
  '0e0',
  '9'.repeat(25),
];

const PIECES = [
  ' ',
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '+',
  '-',
  '0',
  '1',
  '9',
  '.',
  'e',
  'E',
  'x',
  'a',
  '00',
  '123',
  '9223372036854775807',
  '9223372036854775808',
  '1e308',
  'inf',
  '_',
  '2.5',
  '-0',
];

function randomNumbers(n: number): string[] {
  return joinedPieces(PIECES, n, 99, 5);
}

test('zval_get_long / zval_get_double: the documented cases', () => {
  assert.equal(zvalGetLong('2.7'), 2n);
  assert.equal(zvalGetLong('2abc'), 2n);
  assert.equal(zvalGetLong('0x10'), 0n);
  assert.equal(zvalGetLong('abc'), 0n);
  assert.equal(zvalGetLong('1e3'), 1000n);
  assert.equal(zvalGetLong('9223372036854775808'), 9223372036854775807n);
  assert.equal(zvalGetLong('1e1000'), 0n);
  assert.equal(zvalGetDouble('.5'), 0.5);
  assert.equal(zvalGetDouble(' 1.5'), 1.5);
  assert.equal(zvalGetDouble('abc'), 0);
  assert.equal(zvalGetDouble('1e309'), Infinity);
  assert.equal(phpNumericPrefix('2abc').trailingData, true);
  assert.equal(phpNumericPrefix('2 ').trailingData, false);
  assert.equal(toCInt(4294967297n), 1);
  assert.equal(toCInt(2147483648n), -2147483648);
});

test('plain-number helpers and redis_conf_bool', () => {
  assert.ok(isPlainInteger('12') && isPlainInteger('-3') && !isPlainInteger('2.7') && !isPlainInteger(' 1'));
  assert.ok(isPlainNumber('2.5') && isPlainNumber('.5') && isPlainNumber('1e3') && !isPlainNumber('2abc'));
  assert.ok(!isPlainNumber('') && !isPlainNumber('.') && !isPlainNumber('0x10'));
  for (const t of ['1', 'true', 'TRUE', 'Yes', 'yes']) assert.equal(redisConfBool(t), true, t);
  for (const f of ['0', 'on', 'On', 'y', '2', '', ' 1', 'false', 'no']) assert.equal(redisConfBool(f), false, f);
});

test('differential: (int) and (float) of real PHP', { skip: !phpAvailable() && 'php not installed' }, async () => {
  const inputs = [...EDGE, ...randomNumbers(500)];
  const php = (await runPhpJson(
    `$o = [];
    foreach ($input as $s) $o[] = [(string)(int)$s, bin2hex(pack('E', (float)$s))];
    return $o;`,
    inputs,
  )) as [string, string][];
  assert.equal(php.length, inputs.length);
  inputs.forEach((s, i) => {
    assert.deepEqual([String(zvalGetLong(s)), bits(zvalGetDouble(s))], php[i], `(int)/(float) of ${JSON.stringify(s)}`);
  });
});
