// The Redis access API (ioredis underneath): session listing, reads and writes, value search,
// Test connection, errors. The VS Code client loads it only on first use (client/src/redisRuntime.ts)
// so that activation never evaluates ioredis; statically it may import types from here only.
export { SessionScanner, type ScannerOptions } from './sessionScanner.ts';
export type { ListOptions, ScanState, SessionPage } from './listing.ts';
export type { SessionInfo, SessionLock } from './sessionInfo.ts';
export type { DeleteAllOptions } from './sessionAccess.ts';
export type { SearchOptions, SessionMatch } from './valueSearch.ts';
export type { LayoutSample, SampleOptions } from './layoutSample.ts';
export { parseInfo, type NodeInfo } from './serverInfo.ts';
export {
  testConnection,
  type TestFailure,
  type TestOptions,
  type TestResult,
  type TestSuccess,
} from './testConnection.ts';
export { RedisSessionError, type RedisErrorCode } from './redisError.ts';
export { openConnection } from './openConnection.ts';
export { DEFAULT_BOUNDS, type ConnectionBounds, type OpenOptions, type RedisHandle } from './redisHandle.ts';
export { readSessionHeads } from './sessionHeads.ts';
