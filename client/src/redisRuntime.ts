// The Redis half of the client (ioredis, the session scanner), loaded on first use: activation does
// not evaluate it (SPEC §6, activation budget). esbuild keeps it in the one client bundle and runs
// its module code at the first `loadRedis()`.
export { RedisSessionError, SessionScanner, testConnection } from '../../server/src/sessions/redis/index.ts';
