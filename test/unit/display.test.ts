// How the tree and the CLI show a session's TTL and size (one definition for both).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactId, formatCount, formatSize, formatTtl, sortSessions } from '../../server/src/sessions/display.ts';

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

test('sortSessions: as loaded, by id, by TTL either way (no TTL counts as the longest), by size; ties keep their order', () => {
  const s = [
    { id: 'c', ttl: 30, size: 10 },
    { id: 'a', ttl: -1, size: 300 },
    { id: 'b', ttl: 5, size: 10 },
    { id: 'd', ttl: 30, size: 2000 },
  ];
  const ids = (order: Parameters<typeof sortSessions>[1]) =>
    sortSessions(s, order)
      .map((x) => x.id)
      .join('');
  assert.equal(ids('scan'), 'cabd');
  assert.equal(ids('id'), 'abcd');
  assert.equal(ids('ttl'), 'bcda');
  assert.equal(ids('ttl-desc'), 'acdb');
  assert.equal(ids('size'), 'dacb');
  assert.equal(s[0].id, 'c', 'the loaded list is not reordered in place');
});

test('compactId and formatCount', () => {
  assert.equal(compactId('e2e-php-alice'), 'e2e-php-alice');
  assert.equal(compactId('e2e-igbinary-carol'), 'e2e-igbinary-carol');
  assert.equal(compactId('9f86d081884c7d659a2feaa0c55ad015'), '9f86d081…d015');
  assert.equal(formatCount(50000), '50,000');
  assert.equal(formatCount(49812, false), '≈ 49,812');
});
