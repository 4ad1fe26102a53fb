// The health report's aggregation, its text form and its SVG charts, on observations built here
// (the figures against a real keyspace PHP wrote are checked in test/redis).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChart, donutChart, escapeXml } from '../../client/src/report/svgCharts.ts';
import { parseDocument, sessionSettingsOf } from '../../server/src/core/index.ts';
import { HealthReportBuilder, type SessionObservation } from '../../server/src/sessions/report/healthReport.ts';
import { formatHealthReport } from '../../server/src/sessions/report/reportText.ts';
import { rng } from '../helpers/random.ts';

function observations(n: number, seed: number): SessionObservation[] {
  const r = rng(seed);
  const serializers = ['php', 'php_serialize', 'igbinary', 'msgpack', 'php_binary'] as const;
  return Array.from({ length: n }, (_, i) => {
    const o: SessionObservation = {
      id: `s${i}`,
      key: `PHPREDIS_SESSION:s${i}`,
      ttlMs: r() < 0.05 ? -1 : Math.floor(r() * 200_000_000),
      size: Math.floor(2 ** (r() * 22)),
      serializer: serializers[Math.floor(r() * serializers.length)]!,
      compression: r() < 0.2 ? 'zstd' : 'none',
      variables: [
        ['user', Math.floor(r() * 1000)],
        ['cart', Math.floor(r() * 1000)],
      ],
    };
    if (r() < 0.03) o.undecodable = 'Not a PHP session value';
    if (r() < 0.03) o.unreadableByPhp = 'Cannot instantiate enum Suit';
    if (r() < 0.1) o.lock = { ttlMs: r() < 0.3 ? -1 : Math.floor(r() * 60_000), owner: `web|${i}` };
    if (o.lock && r() < 0.2) o.lockOnly = true;
    return o;
  });
}

test('figures agree with a direct count over the same observations', () => {
  const obs = observations(5000, 7);
  const b = new HealthReportBuilder({ gcMaxlifetime: 1440, lockExpire: 30, serializer: 'php', listLimit: 10_000 });
  for (const o of obs) b.add(o);
  const r = b.finish();
  const sessions = obs.filter((o) => !o.lockOnly);
  assert.equal(r.sessions, sessions.length);
  assert.equal(r.lockOnly, obs.length - sessions.length);
  assert.equal(r.withoutExpiry, sessions.filter((o) => o.ttlMs < 0).length);
  assert.equal(r.ttlAboveGcMaxlifetime, sessions.filter((o) => o.ttlMs > 1440_000).length);
  assert.equal(r.locks, obs.filter((o) => o.lock).length);
  assert.equal(r.locksWithoutExpiry, obs.filter((o) => o.lock && o.lock.ttlMs < 0).length);
  assert.equal(r.locksAboveLockExpire, obs.filter((o) => o.lock && o.lock.ttlMs > 30_000).length);
  assert.equal(r.undecodable, sessions.filter((o) => o.undecodable).length);
  const unreadable = sessions.filter((o) => !o.undecodable && (o.unreadableByPhp || o.serializer !== 'php'));
  assert.equal(r.unreadableByPhp, unreadable.length, 'marked by the decoder, or stored with another serializer');
  assert.equal(r.lists.unreadableByPhp.length, unreadable.length);
  for (const s of ['php', 'igbinary'])
    assert.equal(r.bySerializer[s], sessions.filter((o) => !o.undecodable && o.serializer === s).length);
  assert.equal(
    r.sizeHistogram.reduce((s, h) => s + h.count, 0),
    sessions.length,
  );
  assert.equal(
    r.ttlHistogram.reduce((s, h) => s + h.count, 0),
    sessions.length,
  );
  assert.equal(
    r.totalBytes,
    sessions.reduce((s, o) => s + o.size, 0),
  );
  const largest = [...sessions].sort((a, b) => b.size - a.size).slice(0, 10);
  assert.deepEqual(
    r.lists.largest.map((l) => l.size),
    largest.map((o) => o.size),
  );
  assert.equal(r.lists.largest[0]!.variables[0]!.bytes >= r.lists.largest[0]!.variables[1]!.bytes, true);
});

test('lists stop at their limit, counts do not', () => {
  const b = new HealthReportBuilder({ gcMaxlifetime: 1440, listLimit: 3 });
  for (let i = 0; i < 10; i++) b.add({ id: `x${i}`, key: `k${i}`, ttlMs: -1, size: 10, serializer: 'php' });
  const r = b.finish(true);
  assert.equal(r.withoutExpiry, 10);
  assert.equal(r.lists.withoutExpiry.length, 3);
  assert.equal(r.sampled, true);
  assert.match(formatHealthReport(r), /Without expiry: 10 \(first 3 listed\)/);
  assert.match(formatHealthReport(r), /Sessions: 10 \(a sample of 10 keys\)/);
});

test('bar and donut charts: one shape per datum, sized by count, text escaped, nothing active', () => {
  const data = [
    { label: '< 1 KB', count: 30 },
    { label: '<script>', count: 0 },
    { label: 'x & y', count: 60 },
  ];
  const svg = barChart('size', 'Size "A"', data, { highlight: new Set(['x & y']) });
  const heights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g)].map((m) =>
    Number(m[1]),
  );
  assert.equal(heights.length, 3);
  assert.equal(heights[1], 0);
  assert.ok(Math.abs(heights[2]! - 2 * heights[0]!) < 0.2, `proportional: ${heights.join(', ')}`);
  assert.ok(!svg.includes('<script'), 'labels escaped');
  assert.ok(svg.includes(escapeXml('x & y')) && svg.includes('aria-label="Size &#34;A&#34;"'));
  assert.match(
    svg,
    /data-label="x &#38; y" data-count="60"><title>[^<]*<\/title><rect [^>]*fill="var\(--vscode-charts-red/,
  );
  assert.ok(!/href|url\(|on\w+=/.test(svg), 'no links, no external resources, no handlers');
  const donut = donutChart('ser', 'Serializers', [
    { label: 'php', count: 3 },
    { label: 'igbinary', count: 1 },
  ]);
  assert.equal((donut.match(/class="slice"/g) ?? []).length, 2);
  assert.match(donut, /php: 3 \(75\.0%\)/);
  assert.match(donutChart('one', 'One', [{ label: 'php', count: 5 }]), /<circle class="slice"/);
});

test('the settings a report compares with come from the document, as PHP reads them', () => {
  const json = JSON.stringify({
    extra: {
      paas: {
        'php-config': [
          'session.gc_maxlifetime = 7200',
          'redis.session.lock_expire = "30"',
          'session.serialize_handler = igbinary',
          'session.gc_maxlifetime = 3600',
        ],
      },
    },
  });
  assert.deepEqual(sessionSettingsOf(parseDocument(json, 'composer')), {
    gcMaxlifetime: 3600,
    lockExpire: 30,
    serializer: 'igbinary',
  });
  const env = parseDocument('session.gc_maxlifetime = ${LIFETIME}\nredis.session.lock_expire = 0\n', 'ini');
  assert.deepEqual(sessionSettingsOf(env), {}, 'a ${VAR} is unknown here, 0 means unset');
});
