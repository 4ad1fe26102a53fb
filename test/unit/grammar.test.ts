import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scopeOf, tokenize } from '../helpers/textmate.ts';

test('php-config lines inside composer.json strings are coloured: directive, =, parameters', async () => {
  const text = [
    '{',
    '  "extra": { "paas": { "php-config": [',
    '    "session.save_handler = redis",',
    '    "session.save_path = \'tcp://h:6379?auth=x&timeout=2.5\'"',
    '  ] } }',
    '}',
  ].join('\n');
  const tokens = await tokenize('source.json', text);
  assert.ok(scopeOf(tokens, 'session.save_handler').includes('support.type.property-name.ini.php-config'));
  assert.ok(scopeOf(tokens, '=').some((s) => s.startsWith('keyword.operator')));
  assert.ok(scopeOf(tokens, 'timeout').includes('variable.parameter.php-config'));
  assert.ok(scopeOf(tokens, 'tcp://').includes('keyword.other.scheme.php-config'));
  // object keys and ordinary strings stay plain JSON
  assert.ok(!scopeOf(tokens, 'php-config').some((s) => s.endsWith('.php-config')));
  const plain = await tokenize('source.json', '{ "description": "session.save_handler is great" }');
  assert.ok(!scopeOf(plain, 'session.save_handler').includes('support.type.property-name.ini.php-config'));
});

test('the raw session view colours PHP-serialized text', async () => {
  const tokens = await tokenize(
    'source.php-serialized',
    'user|a:2:{s:2:"id";i:42;s:4:"name";s:3:"Zoë";}cart|O:4:"Cart":1:{s:5:"items";a:0:{}}',
  );
  const scopes = (needle: string): string => scopeOf(tokens, needle).join(' ');
  assert.match(scopes('user'), /session|variable|entity/);
  assert.match(scopes('Cart'), /class|type|entity/);
  assert.match(scopes('Zoë'), /string/);
  assert.notEqual(scopes('user'), scopes('Zoë'));
});
