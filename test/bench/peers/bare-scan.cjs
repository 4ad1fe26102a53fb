// The floor: a bare SCAN … COUNT 1000 loop that only collects the session ids, printed one a line.
// Usage: node bare-scan.cjs <port> <db> <prefix>
const { Redis } = require('ioredis');

async function main() {
  const [port, db, prefix] = process.argv.slice(2);
  const r = new Redis({ port: Number(port), db: Number(db) });
  const ids = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) ids.push(k.slice(prefix.length));
  } while (cursor !== '0');
  process.stdout.write(ids.join('\n') + '\n');
  r.disconnect();
}
main();
