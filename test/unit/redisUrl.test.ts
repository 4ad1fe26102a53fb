import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawurlencode } from '../../server/src/core/phpUrl.ts';
import { isRedisUrl, redisUrlToSavePath, savePathServerToRedisUrl } from '../../server/src/core/redisUrl.ts';
import { parseRedisSavePath } from '../../server/src/core/savePath.ts';
import { phpAvailable, runPhpJson } from '../helpers/php.ts';
import { joinedPieces } from '../helpers/random.ts';

const ALPHABET = [
  ...'aZ09-_.~ +%&=#?/@:,;[]!*\'()$"<>\\^`{|}\t\n',
  'é',
  'ß',
  '€',
  '😀',
  '\u0000',
  '\u007f',
  '\u0080',
  '\uffff',
];

function randomStrings(n: number, seed: number): string[] {
  return joinedPieces(ALPHABET, n, seed, 11, 0);
}

test('rawurlencode: unreserved kept, every other UTF-8 byte escaped', () => {
  assert.equal(rawurlencode('aZ09-_.~'), 'aZ09-_.~');
  assert.equal(rawurlencode('p+ w/é'), 'p%2B%20w%2F%C3%A9');
  assert.equal(rawurlencode(''), '');
});

test('redisUrlToSavePath', () => {
  assert.equal(
    redisUrlToSavePath('redis://my-app-3030:l2ebPNwe-IWVJmV8OlLX@my-app-3030.redis.a.osc-fr1.scalingo-dbs.com:30996'),
    'tcp://my-app-3030.redis.a.osc-fr1.scalingo-dbs.com:30996?auth=l2ebPNwe-IWVJmV8OlLX&timeout=2.5',
  );
  assert.equal(
    redisUrlToSavePath('redis://my-app:pw@h:1/2', { acl: true }),
    'tcp://h:1?auth[]=my-app&auth[]=pw&database=2&timeout=2.5',
  );
  assert.equal(redisUrlToSavePath('redis://h:pw@h.example:1', { acl: true }), 'tcp://h.example:1?auth=pw&timeout=2.5');
  assert.equal(redisUrlToSavePath('redis://default:pw@h:1/0', { acl: true }), 'tcp://h:1?auth=pw&timeout=2.5');
  assert.equal(redisUrlToSavePath('rediss://:p%2Bw@[::1]', { timeout: '1' }), 'tls://[::1]:6379?auth=p%2Bw&timeout=1');
  assert.equal(redisUrlToSavePath('redis://h'), 'tcp://h:6379?timeout=2.5');
  assert.equal(
    redisUrlToSavePath('rediss://u:x@h:2', { insecureTls: true }),
    'tls://h:2?auth=x&timeout=2.5&stream[verify_peer]=0&stream[verify_peer_name]=0',
  );
  // Pasted passwords with raw reserved characters: the credentials end at the last '@'.
  assert.equal(redisUrlToSavePath('redis://u:a/b@c#d@h:1'), 'tcp://h:1?auth=a%2Fb%40c%23d&timeout=2.5');
  assert.equal(
    redisUrlToSavePath('unix:///run/redis.sock?db=3&password=s'),
    'unix:///run/redis.sock?auth=s&database=3&timeout=2.5',
  );
  assert.throws(() => redisUrlToSavePath('http://h:1'), /Unsupported URL scheme "http"/);
  assert.throws(() => redisUrlToSavePath('redis://h:1/x'), /not a database number/);
  assert.throws(() => redisUrlToSavePath('not a url'), /Not a Redis URL/);
});

test('the converted path reads back with the same credentials and database', () => {
  for (const pw of randomStrings(300, 3)) {
    if (pw === '') continue;
    const path = redisUrlToSavePath(`redis://:${encodeURIComponent(pw)}@h.example:6380/2`);
    const r = parseRedisSavePath(path);
    assert.equal(r.servers.length, 1, path);
    const s = r.servers[0]!;
    assert.equal(s.failsToParse, false, path);
    assert.deepEqual(s.settings.auth, {
      kind: 'password',
      password: pw,
      passwordBin: Buffer.from(pw, 'utf8').toString('latin1'),
    });
    assert.equal(s.settings.database, 2);
    assert.equal(s.settings.timeout, 2.5);
  }
});

test('savePathServerToRedisUrl and isRedisUrl', () => {
  assert.equal(
    savePathServerToRedisUrl({ scheme: 'tls', host: 'h', port: 0, auth: { password: 'p w' }, database: 2 }),
    'rediss://:p%20w@h:6379/2',
  );
  assert.equal(savePathServerToRedisUrl({ scheme: 'unix', port: 0 }), null);
  assert.ok(
    isRedisUrl('redis://h') && isRedisUrl(' REDISS://h') && !isRedisUrl('tcp://h') && !isRedisUrl('${REDIS_URL}'),
  );
});

test(
  'differential: rawurlencode() and the save_path PHP reads back',
  { skip: !phpAvailable() && 'php not installed' },
  async () => {
    const strings = randomStrings(500, 42);
    const paths = strings
      .filter((s) => s !== '')
      .map((pw) => redisUrlToSavePath(`redis://:${encodeURIComponent(pw)}@h:1`));
    const php = (await runPhpJson(
      `$enc = array_map('rawurlencode', $input['s']);
    $auth = [];
    foreach ($input['p'] as $p) { $u = parse_url($p); parse_str($u['query'], $q); $auth[] = bin2hex($q['auth']); }
    return [$enc, $auth];`,
      { s: strings, p: paths },
    )) as [string[], string[]];
    strings.forEach((s, i) => assert.equal(rawurlencode(s), php[0][i], `rawurlencode(${JSON.stringify(s)})`));
    strings
      .filter((s) => s !== '')
      .forEach((pw, i) => assert.equal(Buffer.from(pw, 'utf8').toString('hex'), php[1][i], paths[i]));
  },
);
