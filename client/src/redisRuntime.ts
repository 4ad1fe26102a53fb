// The Redis half of the client (ioredis, the session scanner), loaded on first use: activation does
// not evaluate it. esbuild keeps it in the one client bundle and runs its module code at the first
// `loadRedis()`. The one client module that imports the Redis doorway's values (others: types only).
export { RedisSessionError, SessionScanner, testConnection } from '../../server/src/sessions/redis/index.ts';
