// Pure: user-given addresses → connection targets, labels, SCAN patterns. No server needed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeTarget,
  parseConnectionTarget,
  parseConnectionTargets,
  sessionMatchPattern,
  TargetError,
  type ConnectionTarget,
} from '../../server/src/sessions/connectionTarget.ts';

const noEnv = { env: {} };
const one = (input: string, o = {}): ConnectionTarget => parseConnectionTarget(input, { ...noEnv, ...o });

describe('redis:// and rediss:// URLs', () => {
  test('host, port, database, credentials', () => {
    assert.deepEqual(one('rediss://alice:s3cr%40t@cache.example:6380/3'), {
      kind: 'tcp',
      origin: 'url',
      host: 'cache.example',
      port: 6380,
      db: 3,
      prefix: 'PHPREDIS_SESSION:',
      username: 'alice',
      password: 's3cr@t',
      tls: { verifyPeer: true, verifyPeerName: true },
    });
  });
  test('defaults: port 6379, db 0, no TLS, no credentials', () => {
    const t = one('redis://127.0.0.1');
    assert.equal(t.kind === 'tcp' && t.port, 6379);
    assert.equal(t.db, 0);
    assert.equal(t.tls, undefined);
    assert.equal(t.password, undefined);
  });
  test('users that mean "default" authenticate with the password only (Heroku h, default, empty)', () => {
    for (const url of ['redis://h:pw@x:1', 'redis://default:pw@x:1', 'redis://:pw@x:1']) {
      const t = one(url);
      assert.equal(t.username, undefined, url);
      assert.equal(t.password, 'pw', url);
    }
  });
  test('a lone userinfo is the password, as redis-cli reads it', () => {
    assert.equal(one('redis://secret@x').password, 'secret');
  });
  test('IPv6 literal', () => {
    const t = one('redis://[::1]:7000');
    assert.equal(t.kind === 'tcp' && t.host, '::1');
    assert.equal(describeTarget(t), 'redis://[::1]:7000');
  });
  test('a path that is not a database number is refused', () => {
    assert.throws(() => one('redis://x/abc'), TargetError);
  });
});

describe('phpredis save_path forms', () => {
  test('tcp:// with auth, database, prefix', () => {
    assert.deepEqual(one('tcp://127.0.0.1:6390?auth=s3cret&database=2&prefix=APP%3A'), {
      kind: 'tcp',
      origin: 'save_path',
      host: '127.0.0.1',
      port: 6390,
      db: 2,
      prefix: 'APP:',
      password: 's3cret',
    });
  });
  test('several hosts: one target per host, each with its own parameters', () => {
    const ts = parseConnectionTargets(
      'tcp://10.0.0.1:6379?auth=a1, tcp://10.0.0.2:6380?auth=a2&weight=2 tcp://10.0.0.3',
      noEnv,
    );
    assert.deepEqual(
      ts.map((t) => t.kind === 'tcp' && [t.host, t.port, t.password]),
      [
        ['10.0.0.1', 6379, 'a1'],
        ['10.0.0.2', 6380, 'a2'],
        ['10.0.0.3', 6379, undefined],
      ],
    );
    assert.throws(() => parseConnectionTarget('tcp://a:1,tcp://b:2', noEnv), /names 2 servers/);
  });
  test('ACL forms: auth[]=user&auth[]=pass and auth[user]/auth[pass]', () => {
    for (const sp of [
      'tcp://h:1?auth[]=bob&auth[]=pw%2Bx',
      'tcp://h:1?auth[user]=bob&auth[pass]=pw%2Bx',
      'tcp://h:1?auth%5B%5D=bob&auth%5B%5D=pw%2Bx',
    ]) {
      const t = one(sp);
      assert.equal(t.username, 'bob', sp);
      assert.equal(t.password, 'pw+x', sp);
    }
    // A one-element array is a password; three elements: phpredis sends no AUTH.
    assert.equal(one('tcp://h:1?auth[]=pw').password, 'pw');
    assert.equal(one('tcp://h:1?auth[]=a&auth[]=b&auth[]=c').password, undefined);
  });
  test('tls:// and ssl:// honour stream[...] options as PHP reads them', () => {
    const t = one(
      'tls://127.0.0.1:6380?stream[verify_peer]=0&stream[verify_peer_name]=false&stream[cafile]=/etc/ca.pem&stream[peer_name]=redis.local',
    );
    // PHP truthiness: "false" is a non-empty string, hence true.
    assert.deepEqual(t.tls, {
      verifyPeer: false,
      verifyPeerName: true,
      caFile: '/etc/ca.pem',
      peerName: 'redis.local',
    });
    assert.ok(one('ssl://127.0.0.1:6380').tls?.verifyPeer);
    assert.equal(
      one('tcp://127.0.0.1:6380?stream[verify_peer]=0').tls,
      undefined,
      'stream[] does not turn tcp:// into TLS',
    );
  });
  test('unix sockets: unix:///path and a bare /path', () => {
    assert.deepEqual(one('unix:///run/redis.sock?database=4'), {
      kind: 'socket',
      origin: 'save_path',
      path: '/run/redis.sock',
      db: 4,
      prefix: 'PHPREDIS_SESSION:',
    });
    const bare = one('/tmp/r.sock');
    assert.equal(bare.kind === 'socket' && bare.path, '/tmp/r.sock');
  });
  test('what phpredis cannot open is refused without echoing the text', () => {
    for (const sp of [
      'tcp://host:port?auth=topsecret',
      'tcp://127.0.0.1:1?auth=topsecret&weight=0',
      'ftp://x?auth=topsecret',
    ]) {
      assert.throws(
        () => one(sp),
        (e: Error) => e instanceof TargetError && !e.message.includes('topsecret'),
        sp,
      );
    }
  });
});

describe('rediscluster save_path', () => {
  test('seeds, auth, prefix; TLS from stream[] or a tls:// seed', () => {
    const t = one('seed[]=127.0.0.1:7000&seed[]=127.0.0.1:7001&seed[]=127.0.0.1:7000&seed[]=nope&auth=pw&prefix=C:');
    assert.equal(t.kind, 'cluster');
    assert.deepEqual(t.kind === 'cluster' && t.seeds, [
      { host: '127.0.0.1', port: 7000 },
      { host: '127.0.0.1', port: 7001 },
    ]);
    assert.equal(t.password, 'pw');
    assert.equal(t.prefix, 'C:');
    assert.equal(t.tls, undefined);
    assert.equal(one('seed[]=h:1&stream[verify_peer]=0').tls?.verifyPeer, false);
    assert.ok(one('seed[]=tls://h:1').tls);
    assert.equal(one('seed[]=h:1').prefix, 'PHPREDIS_CLUSTER_SESSION:');
    assert.throws(() => one('seed=h:1'), TargetError);
  });
  test('a URL can be declared a cluster seed', () => {
    const t = one('redis://:pw@127.0.0.1:7000', { cluster: true });
    assert.equal(t.kind, 'cluster');
    assert.equal(t.prefix, 'PHPREDIS_CLUSTER_SESSION:');
    assert.equal(describeTarget(t), 'cluster redis://:***@127.0.0.1:7000');
  });
});

describe('overrides and REDIS_PASSWORD', () => {
  test('settings win over the address; REDIS_PASSWORD only fills a missing password', () => {
    const t = one('redis://:inurl@h:1/1', { prefix: 'P:', db: 5, password: 'fromsecretstorage' });
    assert.equal(t.prefix, 'P:');
    assert.equal(t.db, 5);
    assert.equal(t.password, 'fromsecretstorage');
    assert.equal(parseConnectionTarget('redis://h:1', { env: { REDIS_PASSWORD: 'envpw' } }).password, 'envpw');
    assert.equal(parseConnectionTarget('redis://:inurl@h:1', { env: { REDIS_PASSWORD: 'envpw' } }).password, 'inurl');
    assert.equal(parseConnectionTarget('tcp://h:1?auth=sp', { env: { REDIS_PASSWORD: 'envpw' } }).password, 'sp');
  });
  test('TLS overrides merge, and turn TLS on', () => {
    assert.deepEqual(one('redis://h:1', { tls: { verifyPeer: false } }).tls, {
      verifyPeer: false,
      verifyPeerName: true,
    });
  });
  test('a database other than 0 on a cluster is refused', () => {
    assert.throws(() => one('seed[]=h:1', { db: 2 }), /only database 0/);
  });
});

describe('labels never show a secret', () => {
  test('each form', () => {
    const cases: [string, string][] = [
      ['rediss://alice:hunter22@h:6380/2', 'rediss://alice:***@h:6380/2'],
      ['redis://:hunter22@h:6379', 'redis://:***@h:6379'],
      ['tcp://h:6379?auth=hunter22&database=3', 'tcp://h:6379?auth=***&database=3'],
      ['tls://h:6380?auth[]=bob&auth[]=hunter22', 'tls://h:6380?auth[]=bob&auth[]=***'],
      ['unix:///run/r.sock?auth=hunter22', 'unix:///run/r.sock?auth=***'],
      ['seed[]=h:7000&seed[]=h:7001&auth=hunter22&prefix=X', 'seed[]=h:7000&seed[]=h:7001&auth=*** (prefix "X")'],
    ];
    for (const [input, label] of cases) {
      const text = describeTarget(one(input));
      assert.equal(text, label);
      assert.ok(!text.includes('hunter22'));
    }
  });
});

describe('SCAN MATCH patterns', () => {
  test('the prefix matches literally, the user pattern is a glob', () => {
    assert.equal(sessionMatchPattern('PHPREDIS_SESSION:'), 'PHPREDIS_SESSION:*');
    assert.equal(sessionMatchPattern('app[1]*?\\:', 'ab'), 'app\\[1\\]\\*\\?\\\\:ab*');
    assert.equal(sessionMatchPattern('P:', 'a?c*'), 'P:a?c*');
  });
});
