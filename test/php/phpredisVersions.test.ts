// The phpredis version table against the phpredis installed here (5.3.7, with PHP 8.2): the directives the table
// gives the 5.3 line are exactly the ones real phpredis registers (ini_get_all('redis')), and every session
// directive PHP 8.2 has is one the linter knows. The 6.x rows rest on phpredis's sources (see phpredisVersions.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { directiveStatus } from '../../server/src/core/directives.ts';
import { hasFact, PHPREDIS_DIRECTIVES } from '../../server/src/core/phpredisVersions.ts';

function phpIni(extension: string): { version: string; names: string[] } {
  const r = spawnSync(
    'php',
    ['-r', `echo json_encode(['v' => phpversion('${extension}'), 'n' => array_keys(ini_get_all('${extension}'))]);`],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { v: string; n: string[] };
  return { version: j.v, names: j.n };
}

test('the 5.3 column is what phpredis 5.3.7 registers, no more, no less', () => {
  const redis = phpIni('redis');
  assert.equal(redis.version, '5.3.7', 'the oracle is phpredis 5.3.7');
  const table = Object.keys(PHPREDIS_DIRECTIVES).filter((n) => hasFact(PHPREDIS_DIRECTIVES[n]!, '5.3'));
  assert.deepEqual(table.sort(), [...redis.names].sort());
  for (const n of redis.names) assert.deepEqual(directiveStatus(n, '5.3'), { known: true }, n);
  // And what 5.3.7 lacks is said to come later.
  for (const n of ['redis.session.early_refresh', 'redis.session.compression', 'redis.session.lock_failure_readonly'])
    assert.equal(directiveStatus(n, '5.3').known, false, n);
});

test('every session directive PHP 8.2 has is known to the linter', () => {
  const session = phpIni('session');
  assert.ok(session.names.length > 20);
  for (const n of session.names) assert.deepEqual(directiveStatus(n, '6.3'), { known: true }, n);
});
