import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIniLine, phpIniValue, quoteIniValue } from '../../server/src/core/ini.ts';

test('name, value and spans of a plain directive', () => {
  const l = parseIniLine('session.save_handler = redis ; comment');
  assert.equal(l.kind, 'directive');
  assert.equal(l.name, 'session.save_handler');
  assert.deepEqual(l.nameSpan, { start: 0, end: 20 });
  assert.equal(l.value?.text, 'redis');
  assert.deepEqual(l.value?.span, { start: 23, end: 28 });
  assert.deepEqual(l.problems, []);
});

test('single-quoted values are raw; ${VAR} there is literal', () => {
  const l = parseIniLine("session.save_path = '${REDIS}?a=b&c'");
  assert.equal(l.value?.quote, 'single');
  assert.equal(l.value?.text, '${REDIS}?a=b&c');
  assert.equal(l.value?.env.length, 0);
  assert.equal(l.value?.literalEnv[0].name, 'REDIS');
  assert.deepEqual(l.problems, []);
});

test('double quotes expand ${VAR} and unescape \\" \\\\ \\$ only', () => {
  const l = parseIniLine(String.raw`x = "a\"b\\c\$d\n` + '${HOME}"');
  assert.equal(l.value?.text, 'a"b\\c$d\\n${HOME}');
  assert.equal(l.value?.env[0].name, 'HOME');
  // offsets map text units back to the line: the `"` at text[1] is the escape at 6..8
  assert.equal(l.value?.offsets[1], 6);
});

test('unquoted values with = & ( ) ! ~ | ^ or quotes need quoting', () => {
  for (const v of ['tcp://h:1?auth=x', 'a&b', 'a(b', 'a!b', 'a~b', 'a|b', 'a^b']) {
    const l = parseIniLine(`session.save_path = ${v}`);
    assert.equal(l.problems[0]?.kind, 'needs-quotes', v);
  }
  for (const v of ['tcp://127.0.0.1:6379', '/var/run/redis.sock', 'tcp://a:1, tcp://b:2', 'a$b']) {
    assert.deepEqual(parseIniLine(`session.save_path = ${v}`).problems, [], v);
  }
});

test('a ; glued to a value truncates it; after a blank it is a comment', () => {
  assert.equal(parseIniLine('session.save_path = tcp://h:1;x').problems[0]?.kind, 'needs-quotes');
  assert.deepEqual(parseIniLine('session.save_path = tcp://h:1 ;x').problems, []);
});

test('unbalanced quotes, missing =, text after quotes, unclosed ${', () => {
  assert.equal(parseIniLine("a = 'abc").problems[0]?.kind, 'unbalanced-quote');
  assert.equal(parseIniLine("a = a'b").problems[0]?.kind, 'unbalanced-quote');
  assert.equal(parseIniLine('session.save_handler redis').problems[0]?.kind, 'missing-equals');
  assert.equal(parseIniLine('a = "${ABC"').problems[0]?.kind, 'bad-env');
});

test('php-fpm pool names and sections, comments, blanks', () => {
  const l = parseIniLine('php_admin_value[session.save_path] = "tcp://h:1"');
  assert.equal(l.fpmPrefix, 'php_admin_value');
  assert.equal(l.name, 'session.save_path');
  assert.deepEqual(l.nameSpan, { start: 16, end: 33 });
  assert.equal(parseIniLine('[Session]').kind, 'section');
  assert.equal(parseIniLine('  ; hi').kind, 'comment');
  assert.equal(parseIniLine('   ').kind, 'blank');
});

test('keywords and quoting helpers', () => {
  assert.equal(phpIniValue(parseIniLine('a = On').value!), '1');
  assert.equal(phpIniValue(parseIniLine('a = none').value!), '');
  assert.equal(phpIniValue(parseIniLine("a = 'none'").value!), 'none');
  assert.equal(quoteIniValue('tcp://h:1?a=b'), "'tcp://h:1?a=b'");
  assert.equal(quoteIniValue('${X}?a=b'), '"${X}?a=b"');
  assert.equal(parseIniLine(`a = ${quoteIniValue(`it's "q"`)}`).value?.text, `it's "q"`);
});

test('segments concatenate as parse_ini_string does', () => {
  const cases: [string, string][] = [
    [`a = 'x'"y"`, 'xy'],
    [`a = 'x' 'y'`, 'x y'],
    [`a = 'x' y`, 'x y'],
    [`a = "x" y z`, 'xy z'],
    [`a = 'x' "y"`, 'xy'],
    [`a = "x"  'y'`, 'xy'],
    [`a = 'a'b'c'`, 'abc'],
    [`a = 'x' ; 'y'`, 'x'],
    [`a = x y`, 'x y'],
  ];
  for (const [line, want] of cases) {
    const l = parseIniLine(line);
    assert.equal(l.value?.text, want, line);
    assert.deepEqual(l.problems, [], line);
    // every unit maps back to the same character in the line
    l.value!.text.split('').forEach((c, i) => assert.equal(line[l.value!.offsets[i]], c, line));
  }
});
