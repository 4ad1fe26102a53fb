// The ini line model on top of PHP's grammar (iniParser.ts). What PHP computes for each case was
// checked with PHP 8.2's parse_ini_string() and php.ini loading (test/php/iniGrammar.test.ts runs
// thousands of generated texts through both).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeIni, needsQuotes, parseIniLine, quoteIniValue } from '../../server/src/core/ini.ts';
import { cAtoi, parseIni } from '../../server/src/core/iniParser.ts';

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
  assert.equal(l.value?.literalEnv[0]?.name, 'REDIS');
  assert.deepEqual(l.problems, []);
});

test('double quotes expand ${VAR} and unescape \\" \\\\ \\$ only', () => {
  const l = parseIniLine(String.raw`x = "a\"b\\c\$d\n` + '${HOME}"');
  assert.equal(l.value?.text, 'a"b\\c$d\\n${HOME}');
  assert.equal(l.value?.env[0]?.name, 'HOME');
  // offsets map text units back to the line: the `"` at text[1] is the escape at 6..8
  assert.equal(l.value?.offsets[1], 6);
});

test('constant expressions are evaluated, as PHP reads error_reporting (not an error)', () => {
  const l = parseIniLine('error_reporting = E_ALL & ~E_DEPRECATED & ~E_STRICT');
  assert.equal(l.value?.text, '22527');
  assert.equal(l.value?.expr, true);
  assert.deepEqual(l.problems, []);
  assert.equal(parseIniLine('a = (1|2) ^ 7').value?.text, '4');
  assert.equal(parseIniLine('a = !0').value?.text, '1');
  assert.equal(parseIniLine('a = "0x10" | 1').value?.text, '1');
  assert.equal(cAtoi(' 2abc'), 2);
  assert.equal(cAtoi('99999999999'), Number(BigInt.asIntN(32, 99999999999n)));
});

test('session and phpredis values PHP computes differently are problems; other directives are not', () => {
  for (const [v, kind] of [
    ['tcp://h:1?auth=x', 'syntax-error'],
    ['a&b', 'misread'],
    ['a|b', 'misread'],
    ['a^b', 'misread'],
    ['a(b', 'syntax-error'],
    ['a!b', 'syntax-error'],
    ['a~b', 'syntax-error'],
  ]) {
    assert.equal(parseIniLine(`session.save_path = ${v}`).problems[0]?.kind, kind, v);
  }
  assert.deepEqual(parseIniLine('memory_limit = 1&2').problems, []);
  for (const v of ['tcp://127.0.0.1:6379', '/var/run/redis.sock', 'tcp://a:1, tcp://b:2', 'a$b']) {
    assert.deepEqual(parseIniLine(`session.save_path = ${v}`).problems, [], v);
  }
  assert.equal(parseIniLine('session.cookie_samesite = None').problems[0]?.kind, 'misread');
});

test('a ; glued to a value truncates it; after a blank it is a comment', () => {
  assert.equal(parseIniLine('session.save_path = tcp://h:1;x').problems[0]?.kind, 'cut-by-semicolon');
  assert.deepEqual(parseIniLine('session.save_path = tcp://h:1 ;x').problems, []);
});

test('unclosed quotes, missing =, unclosed ${', () => {
  assert.equal(parseIniLine("a = 'abc").problems[0]?.kind, 'unclosed-quote');
  // After a value PHP silently stops at the quote: the value is "x" and the rest of the file is gone.
  const silent = analyzeIni("session.name = x'y\nsession.save_path = after\n", [
    { start: 0, text: "session.name = x'y" },
    { start: 19, text: 'session.save_path = after' },
  ]);
  assert.equal(silent[0]!.value?.text, 'x');
  assert.equal(silent[0]!.problems[0]?.kind, 'unclosed-quote');
  assert.equal(silent[1]!.dropped, true);
  assert.equal(parseIniLine('session.save_handler redis').problems[0]?.kind, 'missing-equals');
  assert.equal(parseIniLine('a = "${ABC"').problems[0]?.kind, 'syntax-error');
});

test('an indented section header is a syntax error; bare words are ignored, not errors', () => {
  const lines = ['session.name = A', '  [Session]', 'session.save_path = B'];
  let at = 0;
  const out = analyzeIni(
    lines.join('\n') + '\n',
    lines.map((text) => {
      const l = { start: at, text };
      at += text.length + 1;
      return l;
    }),
  );
  assert.equal(out[1]!.problems[0]?.kind, 'indented-section');
  assert.equal(out[0]!.dropped, false);
  assert.equal(out[2]!.dropped, true);
  const bare = parseIniLine('some words here');
  assert.equal(bare.kind, 'bare');
  assert.deepEqual(bare.problems, []);
});

test('php-fpm pool names and sections, comments, blanks', () => {
  const [l] = analyzeIni(
    'php_admin_value[session.save_path] = "tcp://h:1"\n',
    [{ start: 0, text: 'php_admin_value[session.save_path] = "tcp://h:1"' }],
    true,
  );
  assert.equal(l!.fpmPrefix, 'php_admin_value');
  assert.equal(l!.name, 'session.save_path');
  assert.deepEqual(l!.nameSpan, { start: 16, end: 33 });
  const [hash] = analyzeIni('# comment\n', [{ start: 0, text: '# comment' }], true);
  assert.equal(hash!.problems[0]?.kind, 'fpm-refused');
  const [flag] = analyzeIni(
    'php_flag[display_errors] = "On"\n',
    [{ start: 0, text: 'php_flag[display_errors] = "On"' }],
    true,
  );
  assert.equal(flag!.problems[0]?.kind, 'fpm-refused');
  assert.equal(parseIniLine('[Session]').kind, 'section');
  assert.equal(parseIniLine('  ; hi').kind, 'comment');
  assert.equal(parseIniLine('   ').kind, 'blank');
});

test('keywords and quoting helpers', () => {
  assert.equal(parseIniLine('a = On').value?.text, '1');
  assert.equal(parseIniLine('a = none').value?.text, '');
  assert.equal(parseIniLine("a = 'none'").value?.text, 'none');
  assert.equal(quoteIniValue('tcp://h:1?a=b'), "'tcp://h:1?a=b'");
  assert.equal(quoteIniValue('${X}?a=b'), '"${X}?a=b"');
  assert.equal(parseIniLine(`a = ${quoteIniValue(`it's "q"`)}`).value?.text, `it's "q"`);
  assert.equal(needsQuotes('tcp://h:1'), false);
  for (const v of ['a=b', 'a&b', 'on', 'x no', 'E_ALL', "it's", 'a;b', ' a', '${X}'])
    assert.equal(needsQuotes(v), true, v);
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
    l.value!.text.split('').forEach((c, i) => assert.equal(line[l.value!.offsets[i]!], c, line));
  }
});

test('${VAR:-default} (PHP 8.3) is one variable with a fallback; PATH/HOST sections scope what follows', () => {
  const v = parseIni('a = ${REDIS_HOST:-localhost}\n').statements[0]!.value!;
  assert.deepEqual([v.env[0]?.name, v.env[0]?.fallback], ['REDIS_HOST', 'localhost']);
  const text = 'session.name = A\n[PATH=/var/www]\nsession.name = B\n[Other]\nsession.name = C\n';
  const starts = [0, 17, 33, 50, 58];
  const lines = text
    .split('\n')
    .slice(0, 5)
    .map((t, i) => ({ start: starts[i]!, text: t }));
  const out = analyzeIni(text, lines);
  // php_ini.c keeps the per-directory hash active after a plain [section] (seen with PHP 8.2).
  assert.deepEqual(
    out.map((l) => l.scope),
    [undefined, undefined, 'PATH=/var/www', undefined, 'PATH=/var/www'],
  );
});
