// The session store a document names, its `${VAR}` references and their values (environment,
// .env files), and the verdict on a save_path before any connection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDocument } from '../../server/src/core/document.ts';
import { parseDotEnv } from '../../server/src/core/dotEnv.ts';
import { savePathVerdict } from '../../server/src/core/savePathVerdict.ts';
import { expandSavePath, sessionStoreOf } from '../../server/src/core/sessionStore.ts';

const ini = (path: string, handler = 'redis') =>
  sessionStoreOf(parseDocument(`session.save_handler = ${handler}\nsession.save_path = ${path}\n`, 'ini'));

test('a literal save_path: the store, no variables', () => {
  assert.deepEqual(ini(`"tcp://127.0.0.1:6379?timeout=2"`), {
    handler: 'redis',
    savePath: 'tcp://127.0.0.1:6379?timeout=2',
    env: [],
    refs: [],
  });
  assert.equal(ini('"tcp://h:1"', 'files'), undefined);
  assert.equal(ini('""'), undefined);
});

test('${VAR} references: named, located, replaced as PHP does', () => {
  const s = ini('"${REDIS_SESSION_PATH}"')!;
  assert.deepEqual(s.env, ['REDIS_SESSION_PATH']);
  assert.equal(s.savePath, '${REDIS_SESSION_PATH}');
  assert.deepEqual(
    expandSavePath(s, (n) => (n === 'REDIS_SESSION_PATH' ? 'tcp://h:1?auth=x' : undefined)),
    {
      savePath: 'tcp://h:1?auth=x',
      missing: [],
    },
  );
  assert.deepEqual(
    expandSavePath(s, () => undefined),
    { savePath: '', missing: ['REDIS_SESSION_PATH'] },
  );

  const mixed = ini('"tcp://${HOST}:6379?auth=${PW}&prefix=${HOST}_"')!;
  assert.deepEqual(mixed.env, ['HOST', 'PW']);
  const vars: Record<string, string> = { HOST: 'redis.internal', PW: 'p w' };
  assert.equal(
    expandSavePath(mixed, (n) => vars[n]).savePath,
    'tcp://redis.internal:6379?auth=p w&prefix=redis.internal_',
  );
  // PHP 8.3's ${NAME:-default}: the default when unset or empty
  const fallback = ini('"${RSP:-tcp://127.0.0.1:6379}"')!;
  assert.deepEqual(fallback.env, ['RSP']);
  assert.equal(expandSavePath(fallback, () => undefined).savePath, 'tcp://127.0.0.1:6379');
  assert.equal(expandSavePath(fallback, () => '').savePath, 'tcp://127.0.0.1:6379');
  assert.equal(expandSavePath(fallback, () => 'tcp://h:2').savePath, 'tcp://h:2');
  // single-quoted ${…} is literal text, and stays
  const literal = ini(`'\${NOT_EXPANDED}'`)!;
  assert.deepEqual(literal.env, []);
  assert.equal(expandSavePath(literal, () => 'x').savePath, '${NOT_EXPANDED}');
});

test('${VAR} inside a composer.json php-config string', () => {
  const doc = parseDocument(
    JSON.stringify({
      extra: {
        paas: { 'php-config': ['session.save_handler = redis', 'session.save_path = "${REDIS_SESSION_PATH}"'] },
      },
    }),
    'composer',
  );
  const s = sessionStoreOf(doc)!;
  assert.deepEqual(s.env, ['REDIS_SESSION_PATH']);
  assert.equal(expandSavePath(s, () => 'tcp://a:1').savePath, 'tcp://a:1');
});

test('.env files: export, comments, quotes, escapes; a later line wins', () => {
  const vars = parseDotEnv(
    [
      '# comment',
      'APP_ENV=prod',
      'export REDIS_SESSION_PATH="tcp://127.0.0.1:6379?auth=p%40ss&timeout=2.5"',
      "RAW='a\\nb # not a comment'",
      'ESC="line1\\nline2 \\"q\\""',
      'PLAIN = value with spaces # trailing comment',
      'EMPTY=',
      'not a line',
      'APP_ENV=dev',
    ].join('\n'),
  );
  assert.equal(vars.get('REDIS_SESSION_PATH'), 'tcp://127.0.0.1:6379?auth=p%40ss&timeout=2.5');
  assert.equal(vars.get('RAW'), 'a\\nb # not a comment');
  assert.equal(vars.get('ESC'), 'line1\nline2 "q"');
  assert.equal(vars.get('PLAIN'), 'value with spaces');
  assert.equal(vars.get('EMPTY'), '');
  assert.equal(vars.get('APP_ENV'), 'dev');
  assert.equal(vars.size, 6);
});

test('the verdict: what stops PHP before any server, in the lint’s words, passwords masked', () => {
  const rules = (h: 'redis' | 'rediscluster', p: string) => savePathVerdict(h, p).blockers.map((b) => b.rule);
  assert.deepEqual(rules('redis', 'redis://:pw@127.0.0.1:6379'), ['unsupported-scheme']);
  assert.deepEqual(rules('redis', 'TCP://127.0.0.1:6379'), ['unsupported-scheme']);
  assert.deepEqual(rules('redis', '127.0.0.1:6379?database=2'), ['params-without-scheme']);
  assert.deepEqual(rules('redis', 'tcp://127.0.0.1:6379?auth='), ['empty-auth']);
  assert.deepEqual(rules('redis', 'tcp://127.0.0.1:6379?weight=0'), ['invalid-weight']);
  assert.deepEqual(rules('redis', 'seed[]=127.0.0.1:7000'), ['handler-path-mismatch']);
  assert.deepEqual(rules('rediscluster', 'tcp://127.0.0.1:7000'), ['handler-path-mismatch']);
  assert.deepEqual(rules('redis', "tcp://127.0.0.1:6379?auth=it's"), []);
  assert.deepEqual(rules('redis', 'tcp://127.0.0.1:6379?auth=${NOT_A_VAR}'), []);
  assert.deepEqual(rules('redis', 'tcp://127.0.0.1:6379\ntcp://x:1'), ['separator-in-path']);
  for (const ok of ['tcp://127.0.0.1:6379', 'tls://h:6380?auth=x&timeout=2', 'unix:///run/redis.sock', '/run/r.sock']) {
    assert.deepEqual(rules('redis', ok), [], ok);
  }
  assert.deepEqual(rules('rediscluster', 'seed[]=127.0.0.1:7000&seed[]=127.0.0.1:7001&timeout=2'), []);
  // no AUTH sent: depends on the server
  const userinfo = savePathVerdict('redis', 'tcp://:Secret-77@127.0.0.1:6379');
  assert.deepEqual(userinfo.blockers, []);
  assert.deepEqual(
    userinfo.noAuth.map((p) => p.rule),
    ['userinfo-ignored'],
  );
  const all = JSON.stringify([userinfo, savePathVerdict('redis', 'redis://:Secret-77@127.0.0.1:6379')]);
  assert.doesNotMatch(all, /Secret-77/);
});
