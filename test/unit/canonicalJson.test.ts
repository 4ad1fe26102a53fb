// The canonical JSON (README: PHP Sessions view), rule by rule. Scalars print as PHP's json_encode does with
// JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION and
// serialize_precision=-1 (the floats below are PHP 8.2's own output).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPhpFloat, jsonString, toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { unserialize } from '../../server/src/sessions/phpSerialize.ts';
import { php, type PhpArray, type PhpObject, type PhpValue } from '../../server/src/sessions/phpValue.ts';

const fromPhp = (s: string): PhpValue => unserialize(new Uint8Array(Buffer.from(s, 'latin1')));
const cj = (s: string, indent?: number | string): string => toCanonicalJson(fromPhp(s), indent);

test('arrays: a JSON array only for keys exactly 0..n-1 in order', () => {
  assert.equal(cj('a:0:{}'), '[]');
  assert.equal(cj('a:3:{i:0;i:1;i:1;i:2;i:2;i:3;}'), '[1,2,3]');
  assert.equal(cj('a:2:{i:1;s:1:"b";i:0;s:1:"a";}'), '{"1":"b","0":"a"}', 'out of order');
  assert.equal(cj('a:2:{i:0;s:1:"a";i:2;s:1:"c";}'), '{"0":"a","2":"c"}', 'a gap');
  assert.equal(cj('a:1:{i:1;s:1:"a";}'), '{"1":"a"}');
  assert.equal(cj('a:2:{i:0;i:1;s:1:"x";i:2;}'), '{"0":1,"x":2}');
  assert.equal(cj('a:1:{i:-9223372036854775808;i:1;}'), '{"-9223372036854775808":1}');
});

test('objects: "__class" first, visibility markers stripped, declaration order kept', () => {
  assert.equal(
    cj('O:5:"Child":3:{s:12:"\x00Base\x00secret";i:1;s:6:"\x00*\x00pro";i:2;s:13:"\x00Child\x00secret";i:3;}'),
    // The parent's private $secret is shadowed by the child's: it is named after its class.
    '{"__class":"Child","Base::secret":1,"pro":2,"secret":3}',
  );
  assert.equal(cj('O:8:"stdClass":0:{}'), '{"__class":"stdClass"}');
});

test('enums, Serializable payloads, binary strings', () => {
  assert.equal(cj('E:11:"Suit:Hearts";'), '{"__enum":"Suit::Hearts"}');
  assert.equal(cj('C:6:"Legacy":6:{a"b\\c/}'), '{"__class":"Legacy","__serialized":"a\\"b\\\\c/"}');
  assert.equal(cj('C:6:"Legacy":2:{\xff\x00}'), '{"__class":"Legacy","__serialized":{"__binary":"/wA="}}');
  assert.equal(cj('s:5:"a\x00b\xff\xfe";'), '{"__binary":"YQBi//4="}');
  assert.equal(cj('s:3:"\xed\xa0\x80";'), '{"__binary":"7aCA"}', 'an encoded surrogate is not UTF-8');
  assert.equal(cj('s:2:"\xc0\x80";'), '{"__binary":"wIA="}', 'neither is an overlong NUL');
});

test('strings escape like json_encode: slashes and unicode raw, U+2028/9 and controls escaped', () => {
  assert.equal(
    jsonString('a/b "q" \\ \t\n\r\b\f \x01\x1f \x7f é 🎉 \u2028\u2029'),
    '"a/b \\"q\\" \\\\ \\t\\n\\r\\b\\f \\u0001\\u001f \x7f é 🎉 \\u2028\\u2029"',
  );
});

test('keys that are not UTF-8 get U+FFFD exactly where json_encode(JSON_INVALID_UTF8_SUBSTITUTE) puts them', () => {
  // PHP substitutes per php_next_utf8_char, unlike the WHATWG decoder (e.g. one U+FFFD for a surrogate).
  const cases: Array<[string, string]> = [
    ['\xff', '\uFFFD'],
    ['a\xc3', 'a\uFFFD'],
    ['\xc3(', '\uFFFD('],
    ['\xe2\x82', '\uFFFD'],
    ['\xed\xa0\x80', '\uFFFD'],
    ['\xc0\x80', '\uFFFD\uFFFD'],
    ['\xf4\x90\x80\x80', '\uFFFD'],
    ['\xe0\x80\x80', '\uFFFD'],
    ['\xf8\x88\x80\x80\x80', '\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD'],
    ['ok\xfe\xffend', 'ok\uFFFD\uFFFDend'],
    ['\xf0\x80\x80\x80', '\uFFFD'],
  ];
  for (const [raw, shown] of cases) {
    assert.equal(
      cj(`a:1:{s:${raw.length}:"${raw}";i:1;}`),
      `{${JSON.stringify(shown)}:1}`,
      Buffer.from(raw, 'latin1').toString('hex'),
    );
  }
});

test('floats: shortest round trip, PHP exponent thresholds, zero fraction kept, NAN/INF as strings', () => {
  const expected: Array<[number, string]> = [
    [0.1, '0.1'],
    [1e25, '1.0e+25'],
    [-0, '-0.0'],
    [0, '0.0'],
    [1, '1.0'],
    [100, '100.0'],
    [-2.5, '-2.5'],
    [1.5e-7, '1.5e-7'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e15, '1000000000000000.0'],
    [1e16, '10000000000000000.0'],
    [1e17, '1.0e+17'],
    [123456789.125, '123456789.125'],
    [5e-324, '5.0e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.0001, '0.0001'],
    [0.00001, '1.0e-5'],
    [1.5e300, '1.5e+300'],
    [123456789012345680, '1.2345678901234568e+17'],
    [NaN, '"NAN"'],
    [Infinity, '"INF"'],
    [-Infinity, '"-INF"'],
  ];
  for (const [v, s] of expected) assert.equal(formatPhpFloat(v), s, String(v));
  assert.equal(cj('a:3:{i:0;d:NAN;i:1;d:INF;i:2;d:-INF;}'), '["NAN","INF","-INF"]');
});

test('integers print exactly beyond 2^53', () => {
  assert.equal(
    cj('a:3:{i:0;i:9223372036854775807;i:1;i:-9223372036854775808;i:2;i:9007199254740993;}'),
    '[9223372036854775807,-9223372036854775808,9007199254740993]',
  );
});

test('references print the referenced value; only a cycle prints {"__recursion":true}', () => {
  assert.equal(cj('a:2:{i:0;a:1:{i:0;i:7;}i:1;R:2;}'), '[[7],[7]]', 'shared, not cyclic');
  assert.equal(cj('a:2:{i:0;O:8:"stdClass":0:{}i:1;r:2;}'), '[{"__class":"stdClass"},{"__class":"stdClass"}]');
  assert.equal(cj('a:1:{i:0;R:1;}'), '[{"__recursion":true}]');
  assert.equal(cj('a:1:{s:1:"a";a:1:{s:1:"b";R:2;}}'), '{"a":{"b":{"__recursion":true}}}');
  assert.equal(
    cj('O:4:"Node":2:{s:4:"name";s:1:"n";s:4:"next";r:1;}'),
    '{"__class":"Node","name":"n","next":{"__recursion":true}}',
  );
});

test('a whole session is an object of its variables in order', () => {
  const session = {
    variables: [
      ['user', php.array([['id', php.int(42)]])],
      ['0', php.string('zero')],
      ['f', php.float(2)],
    ] as Array<[string, PhpValue]>,
  };
  assert.equal(toCanonicalJson(session), '{"user":{"id":42},"0":"zero","f":2.0}');
  assert.equal(toCanonicalJson({ variables: [] }), '{}');
});

test('indent pretty-prints like JSON.stringify, small objects included', () => {
  assert.equal(
    cj('a:3:{s:1:"a";a:2:{i:0;i:1;i:1;a:0:{}}s:1:"e";E:6:"Suit:H";s:1:"o";O:8:"stdClass":1:{s:1:"x";N;}}', 2),
    [
      '{',
      '  "a": [',
      '    1,',
      '    []',
      '  ],',
      '  "e": {',
      '    "__enum": "Suit::H"',
      '  },',
      '  "o": {',
      '    "__class": "stdClass",',
      '    "x": null',
      '  }',
      '}',
    ].join('\n'),
  );
  assert.equal(cj('a:1:{i:0;i:1;}', '\t'), '[\n\t1\n]');
  assert.equal(cj('a:1:{i:0;i:1;}', 0), '[1]');
});

test('100k nested arrays print without recursion', () => {
  let value: PhpValue = php.null();
  for (let i = 0; i < 100_000; i++) value = { kind: 'array', entries: [{ key: 0n, value }] } satisfies PhpArray;
  const out = toCanonicalJson(value);
  assert.equal(out.length, 100_000 * 2 + 4);
  assert.ok(out.startsWith('[[[') && out.includes('[null]') && out.endsWith(']]]'));
});

test('exponential sharing (a DAG of references) is refused instead of exhausting memory', () => {
  // Each level holds the previous one twice: 2^40 leaves if printed in full.
  let value: PhpValue = php.string('x'.repeat(100));
  for (let i = 0; i < 40; i++) {
    const obj: PhpObject = { kind: 'object', className: 'N', properties: [] };
    obj.properties.push(
      { name: 'a', visibility: 'public', value },
      { name: 'b', visibility: 'public', value: { kind: 'reference', slot: 2, phpReference: false, target: value } },
    );
    value = obj;
  }
  const start = performance.now();
  assert.throws(() => toCanonicalJson(value), RangeError);
  assert.ok(performance.now() - start < 10_000);
});
