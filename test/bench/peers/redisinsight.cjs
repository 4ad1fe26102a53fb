// The peer, as a plain ioredis script: RedisInsight's listing algorithm (the engine of Redis for
// VS Code): SCAN cursor MATCH p COUNT 2000, then per batch one pipeline of TTL key + MEMORY USAGE
// key SAMPLES 0; the rows printed as JSON. With a limit, stops once it has that many (a first page).
// Usage: node redisinsight.cjs <port> <db> <prefix> [limit]
const { Redis } = require('ioredis');

async function main() {
  const [port, db, prefix, limit] = process.argv.slice(2);
  const r = new Redis({ port: Number(port), db: Number(db) });
  const rows = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length) {
      const p = r.pipeline();
      for (const k of keys) p.ttl(k);
      for (const k of keys) p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
      const replies = (await p.exec()) ?? [];
      keys.forEach((key, j) =>
        rows.push({ key, ttl: Number(replies[j][1]), size: Number(replies[keys.length + j][1]) }),
      );
    }
  } while (cursor !== '0' && !(limit && rows.length >= Number(limit)));
  process.stdout.write(JSON.stringify(limit ? rows.slice(0, Number(limit)) : rows));
  r.disconnect();
}
main();
