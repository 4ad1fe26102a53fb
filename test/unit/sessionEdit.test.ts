// Editing one variable of a decoded session: dotted paths, JSON values in the canonical forms,
// PHP's assignment semantics through references and shared objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { phpValueFromJson, JsonValueError } from '../../server/src/sessions/edit/jsonValue.ts';
import { parseDottedPath, setVariable, SessionEditError } from '../../server/src/sessions/edit/setVariable.ts';
import { encodeSession } from '../../server/src/sessions/encode/sessionEncode.ts';
import { decodeSession, SESSION_SERIALIZERS } from '../../server/src/sessions/sessionFormats.ts';
import type { PhpValue } from '../../server/src/sessions/phpValue.ts';
import { generateSession } from '../helpers/phpValueGen.ts';

test('dotted paths: dots split, a backslash escapes', () => {
  assert.deepEqual(parseDottedPath('user.name'), ['user', 'name']);
  assert.deepEqual(parseDottedPath('a\\.b.c'), ['a.b', 'c']);
  assert.deepEqual(parseDottedPath('cart.0.qty'), ['cart', '0', 'qty']);
  assert.deepEqual(parseDottedPath('x\\\\.y'), ['x\\', 'y']);
  assert.throws(() => parseDottedPath('.x'), SessionEditError);
});

function duplicateNames(v: PhpValue): boolean {
  if (v.kind === 'array') return v.entries.some((e) => duplicateNames(e.value));
  if (v.kind !== 'object') return false;
  const names = v.properties.map((p) => p.name);
  return new Set(names).size !== names.length || v.properties.some((p) => duplicateNames(p.value));
}

test('JSON values: canonical JSON reads back to the same document', () => {
  for (let i = 0; i < 200; i++) {
    const [[, value]] = generateSession(9000 + i, {
      serializer: 'php',
      enumsAndCustom: true,
      refRate: 0,
      maxDepth: 3,
    }) as [[string, never]];
    const json = toCanonicalJson(value);
    // A private property shadowing another of the same name prints the name twice: refused.
    if (/"__class":"Gen\\\\Unknown"/.test(json) && duplicateNames(value)) continue;
    assert.equal(toCanonicalJson(phpValueFromJson(json)), json, `#${i}`);
  }
  assert.deepEqual(phpValueFromJson('9223372036854775807'), { kind: 'int', value: 9223372036854775807n });
  assert.equal(phpValueFromJson('9223372036854775808').kind, 'float');
  assert.equal(phpValueFromJson('1.0').kind, 'float');
  const arr = phpValueFromJson('{"5":"a","x":1}');
  assert.ok(arr.kind === 'array' && arr.entries[0]!.key === 5n && arr.entries[1]!.key === 'x');
  for (const bad of ['', '{', '[1,]', '{"a":1} x', '{"__enum":"nope"}', '{"__binary":"%%"}'])
    assert.throws(() => phpValueFromJson(bad), JsonValueError, bad);
});

/** A session in `serializer` from PHP-like text, decoded as the tools see it. */
function session(serializer: (typeof SESSION_SERIALIZERS)[number], json: string) {
  const value = phpValueFromJson(json);
  assert.ok(value.kind === 'array');
  const variables = value.entries.map((e) => [String(e.key), e.value] as [string, typeof e.value]);
  return decodeSession(encodeSession({ serializer, variables }), { serializer });
}

test('setting a value: existing keys, new keys at the end, typed errors elsewhere', () => {
  const s = session('php', '{"user":{"id":1,"name":"Zoë","roles":["a"]},"n":null}');
  setVariable(s, ['user', 'name'], phpValueFromJson('"Bob"'));
  setVariable(s, ['user', 'roles', '1'], phpValueFromJson('"b"'));
  setVariable(s, ['user', 'email'], phpValueFromJson('"b@x"'));
  setVariable(s, ['added'], phpValueFromJson('true'));
  assert.equal(
    toCanonicalJson(s),
    '{"user":{"id":1,"name":"Bob","roles":["a","b"],"email":"b@x"},"n":null,"added":true}',
  );
  // Like PHP's `$_SESSION['a']['b'] = …`: missing arrays on the way and null become arrays.
  setVariable(s, ['user', 'none', 'x'], phpValueFromJson('1'));
  setVariable(s, ['n', 'x'], phpValueFromJson('2'));
  setVariable(s, ['missing', 'x'], phpValueFromJson('3'));
  assert.ok(toCanonicalJson(s).endsWith('"email":"b@x","none":{"x":1}},"n":{"x":2},"added":true,"missing":{"x":3}}'));
  assert.throws(
    () => setVariable(s, ['user', 'name', 'x'], phpValueFromJson('1')),
    /user.name is a string, not an array/,
  );
});

test('assigning through a PHP reference changes every alias; a shared object stays shared', () => {
  for (const serializer of ['php', 'php_serialize', 'igbinary'] as const) {
    // refB = &refA (R:), same = the object held by obj (r:)
    const variables = session(serializer, '{"refA":{"v":1},"obj":{"__class":"stdClass","a":1}}').variables;
    variables.push(['refB', { kind: 'reference', slot: 0, phpReference: true, target: variables[0]![1] }]);
    variables.push(['same', { kind: 'reference', slot: 0, phpReference: false, target: variables[1]![1] }]);
    const s = decodeSession(encodeSession({ serializer, variables }), { serializer });
    setVariable(s, ['refB', 'v'], phpValueFromJson('2'));
    setVariable(s, ['same', 'a'], phpValueFromJson('5'));
    assert.equal(
      toCanonicalJson(s),
      '{"refA":{"v":2},"obj":{"__class":"stdClass","a":5},"refB":{"v":2},"same":{"__class":"stdClass","a":5}}',
    );
    setVariable(s, ['refB'], phpValueFromJson('"replaced"'));
    setVariable(s, ['same'], phpValueFromJson('0'));
    const back = decodeSession(encodeSession(s), { serializer });
    assert.equal(
      toCanonicalJson(back),
      '{"refA":"replaced","obj":{"__class":"stdClass","a":5},"refB":"replaced","same":0}',
      serializer,
    );
  }
});
