// How the tree and the CLI show a session's TTL and size (one definition for both).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSize, formatTtl } from '../../server/src/sessions/display.ts';

test('formatTtl: seconds, then minutes, hours, days; a key without expiry', () => {
  const cases: [number, string][] = [
    [-1, 'no TTL'],
    [0, '0s'],
    [119, '119s'],
    [120, '2m'],
    [7199, '120m'],
    [7200, '2h'],
    [172799, '48h'],
    [172800, '2d'],
    [30 * 86400, '30d'],
  ];
  for (const [seconds, text] of cases) assert.equal(formatTtl(seconds), text, String(seconds));
  assert.equal(formatTtl(-1, 'sans TTL'), 'sans TTL');
});

test('formatSize: bytes, KB, MB', () => {
  assert.equal(formatSize(0), '0 B');
  assert.equal(formatSize(1023), '1023 B');
  assert.equal(formatSize(1536), '1.5 KB');
  assert.equal(formatSize(5 * 1024 * 1024), '5.0 MB');
});
