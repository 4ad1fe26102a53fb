// The place a row of the PHP Sessions view stands for: valueAtPath finds what the tree shows at a
// path (variables, array entries, properties, a framework's fields and attributes), so Edit Value…
// writes where the user looked; formatDottedPath is parseDottedPath's inverse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatDottedPath,
  parseDottedPath,
  setVariable,
  valueAtPath,
} from '../../server/src/sessions/edit/setVariable.ts';
import { presentSession } from '../../server/src/sessions/frameworkView.ts';
import { phpChildren, type PhpValue } from '../../server/src/sessions/phpValue.ts';
import { decodeSession, type DecodedSession } from '../../server/src/sessions/sessionFormats.ts';
import { generateSession } from '../helpers/phpValueGen.ts';

const decode = (raw: string, key?: string): DecodedSession =>
  decodeSession(new TextEncoder().encode(raw), key ? { key } : {});

test('dotted paths: formatted then parsed, the same keys', () => {
  for (const keys of [
    ['user', 'name'],
    ['a.b', 'c'],
    ['x\\', 'y.'],
    ['_sf2_attributes', 'a.b\\c'],
    ['0', ''],
  ])
    assert.deepEqual(parseDottedPath(formatDottedPath(keys)), keys);
  assert.equal(formatDottedPath(['a.b', 'c\\d']), 'a\\.b.c\\\\d');
});

test('a path names what the tree shows under it: entries, properties, through references', () => {
  const d = decode(
    'cart|a:2:{i:0;a:1:{s:3:"qty";i:2;}s:2:"05";s:4:"zero";}u|O:4:"User":2:{s:2:"id";i:7;s:8:"\0User\0id";i:8;}r|R:1;',
  );
  const [cart, user, ref] = d.variables.map(([, v]) => v);
  assert.equal(valueAtPath(d, ['cart']), cart);
  const [first, zero] = phpChildren(cart!);
  assert.equal(valueAtPath(d, ['cart', '0']), first!.value);
  assert.equal(valueAtPath(d, ['cart', '0', 'qty']), phpChildren(first!.value)[0]!.value);
  // "05" is a string key (PHP keeps it one), not the integer 5
  assert.equal(zero!.label, '05');
  assert.equal(valueAtPath(d, ['cart', '05']), zero!.value);
  assert.equal(valueAtPath(d, ['cart', '5']), undefined);
  // a private property shadowing a public one of the same name: told apart by its label
  const props = phpChildren(user!);
  assert.deepEqual(
    props.map((p) => p.label),
    ['id', 'User::id'],
  );
  assert.equal(valueAtPath(d, ['u', 'id']), props[0]!.value);
  assert.equal(valueAtPath(d, ['u', 'User::id']), props[1]!.value);
  // `r` is a PHP reference to `cart`: a path goes through it
  assert.equal(ref!.kind, 'reference');
  assert.equal(valueAtPath(d, ['r', '0']), first!.value);
  // nothing there, or a scalar to look into
  assert.equal(valueAtPath(d, ['nope']), undefined);
  assert.equal(valueAtPath(d, ['cart', '0', 'qty', 'x']), undefined);
});

test('every row the tree draws from phpChildren has its path (generated sessions)', () => {
  let checked = 0;
  const walk = (session: DecodedSession, path: string[], value: PhpValue, depth: number): void => {
    assert.equal(valueAtPath(session, path), value, path.join(' / '));
    checked++;
    if (depth > 6) return;
    const kids = phpChildren(value);
    const labels = kids.map((k) => k.label);
    for (const k of kids)
      // (two siblings shown under one label have no place of their own: the tree offers no edit)
      if (labels.indexOf(k.label) === labels.lastIndexOf(k.label))
        walk(session, [...path, k.label], k.value, depth + 1);
  };
  for (let i = 0; i < 150; i++) {
    const variables = generateSession(4200 + i, { serializer: 'php', enumsAndCustom: true, refRate: 0.1, maxDepth: 4 });
    const session: DecodedSession = { serializer: 'php', compression: 'none', variables };
    for (const [name, value] of variables)
      if (variables.filter(([n]) => n === name).length === 1) walk(session, [name], value, 0);
  }
  assert.ok(checked > 1000, `${checked} places checked`);
});

test("a framework's fields and attributes map back to their place, and an edit there shows in the view", () => {
  const symfony: [string, string | undefined] = [
    '_sf2_attributes|a:3:{s:4:"user";s:5:"alice";s:5:"a.b\\c";i:2;s:14:"_security_main";s:1:"t";}' +
      '_sf2_meta|a:3:{s:1:"u";i:1700000000;s:1:"c";i:1699990000;s:1:"l";i:0;}legacy|i:1;',
    'sf_sabc',
  ];
  // Laravel's cache store: serialize() of the serialized attributes
  const inner =
    'a:4:{s:6:"_token";s:3:"tok";s:9:"_previous";a:1:{s:3:"url";s:4:"http";}s:4:"cart";a:1:{i:0;s:1:"x";}s:3:"x.y";b:1;}';
  const laravel: [string, string | undefined] = [`s:${inner.length}:"${inner}";`, undefined];
  for (const [framework, [raw, key]] of [
    ['symfony', symfony],
    ['laravel', laravel],
  ] as const) {
    const d = decode(raw, key);
    assert.equal(d.framework, framework);
    const view = presentSession(framework, d.variables)!;
    assert.ok(view.fields.length >= 2 && view.attributes.length >= 2, framework);
    const rows: [string, string, PhpValue][] = [
      ...view.fields.map((f): [string, string, PhpValue] => [f.label, f.name, f.value]),
      ...view.attributes.map(([label, v], i): [string, string, PhpValue] => [label, view.attributePaths[i]!, v]),
    ];
    for (const [label, name, value] of rows) {
      const path = parseDottedPath(name);
      assert.equal(valueAtPath(d, path), value, `${framework}: ${label} at ${name}`);
      // written at that path, the view shows the new value in that row
      // (of the same type: `_sf2_meta`'s dates are shown only while they are integers)
      const marker: PhpValue =
        value.kind === 'int'
          ? { kind: 'int', value: 1234567n }
          : { kind: 'string', bytes: new TextEncoder().encode(`edited ${name}`) };
      const copy = decode(raw, key);
      setVariable(copy, path, marker);
      const after = presentSession(framework, copy.variables)!;
      const shown = [...after.fields.map((f) => [f.label, f.value] as const), ...after.attributes];
      assert.ok(
        shown.some(([l, v]) => l === label && v === marker),
        `${framework}: ${label} shows the value written at ${name}`,
      );
    }
  }
});
