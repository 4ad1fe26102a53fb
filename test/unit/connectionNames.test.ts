// How a connection without a name is named: by the servers its address names, never a password.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConnectionTargets, shortTargetName } from '../../server/src/sessions/connectionTarget.ts';

const name = (address: string) => shortTargetName(parseConnectionTargets(address, { env: {} }));

test('host and port, the database when not 0, the number of other servers; no password, no parameter', () => {
  assert.equal(name('redis://:S3cret-pw@redis.internal:6380/2'), 'redis.internal:6380/2');
  assert.equal(name('rediss://alice:S3cret-pw@10.0.0.5'), '10.0.0.5:6379');
  assert.equal(name('tcp://127.0.0.1:6379?auth=S3cret-pw&timeout=2.5'), '127.0.0.1:6379');
  assert.equal(name('tcp://127.0.0.1:6379?database=0'), '127.0.0.1:6379');
  assert.equal(name('tcp://a:1?auth=x, tcp://b:2?auth=y'), 'a:1 +1');
  assert.equal(name('unix:///run/redis/redis.sock?database=3'), '/run/redis/redis.sock/3');
  assert.equal(name('seed[]=10.0.0.1:7000&seed[]=10.0.0.2:7000&auth=S3cret-pw'), 'cluster 10.0.0.1:7000 +1');
  assert.equal(name('tcp://[::1]:6379'), '[::1]:6379');
  for (const a of ['redis://:S3cret-pw@h:1', 'tcp://h:1?auth=S3cret-pw', 'seed[]=h:1&auth=S3cret-pw'])
    assert.doesNotMatch(name(a), /S3cret/);
});
