import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJsonString, encodeJsonStringBody } from '../../server/src/core/jsonString.ts';

test('decoded offsets point at each source character, escapes included', () => {
  const literal = String.raw`"a\"b\u00e9\\c"`;
  const doc = 'xx' + literal;
  const d = decodeJsonString(literal, 2);
  assert.equal(d.value, 'a"bé\\c');
  assert.deepEqual(d.offsets, [3, 4, 6, 7, 13, 15, 16]);
  // A decoded span maps back to exactly the escape sequence.
  assert.equal(doc.slice(d.offsets[3], d.offsets[4]), String.raw`\u00e9`);
});

test('surrogate pairs written as \\u escapes decode to two units', () => {
  const literal = String.raw`"\ud83d\ude00!"`;
  const d = decodeJsonString(literal, 0);
  assert.equal(d.value, '😀!');
  assert.deepEqual(d.offsets, [1, 7, 13, 14]);
});

test('encoding round-trips through JSON.parse', () => {
  for (const s of ['plain', "it's", 'a"b', 'back\\slash', 'tab\tnl\n', 'é😀']) {
    assert.equal(JSON.parse(`"${encodeJsonStringBody(s)}"`), s);
  }
});
