// The Redis access API (ioredis underneath): session listing, reads and writes, value search,
// Test connection, errors. The VS Code client loads it only on first use (client/src/redisRuntime.ts)
// so that activation never evaluates ioredis; statically it may import types from here only.
export { SessionScanner, type ScannerOptions } from './sessionScanner.ts';
export type { AllOptions, ListOptions, ScanState, SessionPage } from './listing.ts';
export type { SessionInfo, SessionLock } from './sessionInfo.ts';
export type { DeleteAllOptions } from './sessionAccess.ts';
export type { SearchOptions, SessionMatch } from './valueSearch.ts';
export type { LayoutSample, SampleOptions } from './layoutSample.ts';
export { formatServerInfo, formatUptime, parseInfo, type NodeInfo } from './serverInfo.ts';
export {
  testConnection,
  type TestFailure,
  type TestOptions,
  type TestResult,
  type TestSuccess,
} from './testConnection.ts';
export { testSessionStore, type StoreTestResult } from './testSessionStore.ts';
export { RedisSessionError, type RedisErrorCode } from './redisError.ts';
export { openConnection } from './openConnection.ts';
export { DEFAULT_BOUNDS, type ConnectionBounds, type OpenOptions, type RedisHandle } from './redisHandle.ts';
export { readSessionHeads } from './sessionHeads.ts';
export { estimateSessions, scanCoverage, type CountResult } from './sessionCount.ts';
