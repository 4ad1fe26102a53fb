// The --where syntax (what matches what is checked against PHP in test/php/sessionSearch.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryError, SessionQuery, parseCondition, parseConditions } from '../../server/src/sessions/sessionQuery.ts';
import { decodeSession } from '../../server/src/sessions/sessionFormats.ts';

const ANY = '\u0000*';

test('a condition: path, the first operator, the rest as the value', () => {
  assert.deepEqual(parseCondition('user.id=42'), { text: 'user.id=42', path: ['user', 'id'], op: '=', value: '42' });
  assert.deepEqual(parseCondition('a.b!=x=y').path, ['a', 'b']);
  assert.equal(parseCondition('a.b!=x=y').value, 'x=y');
  assert.equal(parseCondition('a!=b').op, '!=');
  assert.equal(parseCondition('a~b=c').op, '~');
  assert.equal(parseCondition('a=').value, '');
  assert.deepEqual(parseCondition(' cart . * . sku =SKU').path, ['cart', ANY, 'sku']);
});

test('escapes: a dot, a star, an operator inside a path part', () => {
  assert.deepEqual(parseCondition('login\\.web.id=1').path, ['login.web', 'id']);
  assert.deepEqual(parseCondition('a.\\*=1').path, ['a', '*']);
  assert.deepEqual(parseCondition('a\\=b\\!\\~=1').path, ['a=b!~']);
  assert.deepEqual(parseCondition('a.*x=1').path, ['a', '*x']);
});

test('mistakes are QueryErrors that say what to write', () => {
  assert.throws(
    () => parseCondition('user.id'),
    (e: unknown) => e instanceof QueryError && /no operator/.test(String(e)),
  );
  assert.throws(() => parseCondition('user..id=1'), /empty part/);
  assert.throws(() => parseCondition('=1'), /empty part/);
  assert.throws(() => parseConditions(' && '), /No condition/);
  assert.equal(parseConditions('a=1 && b~x').length, 2);
});

test('the quick test never rules out a session that matches', () => {
  const session = Buffer.from(
    'user|a:3:{s:2:"id";i:42;s:5:"email";s:16:"zoë@example.com";s:4:"role";s:5:"admin";}suit|E:11:"Suit:Hearts";',
  );
  const decoded = decodeSession(session);
  for (const c of [
    'user.id=42',
    'user.id=42.0',
    'user.email~example',
    'user.email~zoë@*',
    'user.email=zoë@example.com',
    'user.role!=guest',
    'suit=Suit::Hearts',
    'suit~Hearts',
    'suit.__enum=Suit::Hearts',
  ]) {
    const q = new SessionQuery([parseCondition(c)]);
    assert.equal(q.matches(decoded), true, c);
    assert.equal(q.mayMatch(session), true, c);
  }
  const miss = new SessionQuery([parseCondition('user.email~nobody')]);
  assert.equal(miss.mayMatch(session), false);
  assert.equal(miss.matches(decoded), false);
});
