// The reference of a search by contents: fetching every session value, a SCAN … COUNT 1000 loop
// with one pipeline of GET per batch (nothing decoded). Prints how many values and bytes.
// Usage: node get-all.cjs <port> <db> <prefix>
const { Redis } = require('ioredis');

async function main() {
  const [port, db, prefix] = process.argv.slice(2);
  const r = new Redis({ port: Number(port), db: Number(db) });
  let n = 0;
  let bytes = 0;
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) {
      const p = r.pipeline();
      for (const k of keys) p.getBuffer(k);
      for (const [, v] of (await p.exec()) ?? []) {
        n++;
        bytes += v ? v.length : 0;
      }
    }
  } while (cursor !== '0');
  process.stdout.write(`${n} values, ${bytes} bytes\n`);
  r.disconnect();
}
main();
