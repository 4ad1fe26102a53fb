// The pure sessions API (no I/O): decoding stored sessions, walking their value trees, canonical
// JSON, connection targets and how a listing shows them. The VS Code client imports it statically;
// the Redis access API is behind ./redis/index.ts, which the client loads only on first use.
export {
  SESSION_SERIALIZERS,
  decodeSession,
  detectSessionSerializer,
  type DecodeSessionOptions,
  type DecodedSession,
  type SessionSerializer,
} from './sessionFormats.ts';
export { decompress, detectCompression, type SessionCompression } from './compression.ts';
export { toCanonicalJson, type CanonicalJsonSession } from './canonicalJson.ts';
export { sessionJson, type SessionJson } from './direct/sessionJson.ts';
export { phpChildren, phpHasChildren, phpSummary, type PhpChild, type PhpValue } from './phpValue.ts';
export {
  DEFAULT_CLUSTER_PREFIX,
  DEFAULT_PREFIX,
  LOCK_SUFFIX,
  TargetError,
  describeTarget,
  parseConnectionTarget,
  parseConnectionTargets,
  sessionMatchPattern,
  shortTargetName,
  type ConnectionTarget,
  type TargetOverrides,
  type TlsSettings,
} from './connectionTarget.ts';
export { compactId, formatCount, formatSize, formatTtl, sortSessions, type SessionOrder } from './display.ts';
export {
  detectFrameworkFromKeys,
  frameworkSessionId,
  SESSION_FRAMEWORKS,
  SYMFONY_DEFAULT_PREFIX,
  type SessionFramework,
} from './frameworkKeys.ts';
export { frameworkViewValue, presentSession, type FrameworkField, type FrameworkView } from './frameworkView.ts';
export { chooseLayout, FRAMEWORK_LABELS, type ChosenLayout, type FrameworkChoice } from './sessionLayout.ts';
export { SHAPE_BYTES, shapeOf, type SessionShape } from './sessionShape.ts';
export {
  QueryError,
  SessionQuery,
  parseCondition,
  parseConditions,
  type Condition,
  type QueryOp,
} from './sessionQuery.ts';
export {
  matchValue,
  searchSessions,
  type SearchDecodeOptions,
  type SearchProgress,
  type ValuedSession,
} from './sessionSearch.ts';
export {
  HealthReportBuilder,
  type HealthReport,
  type HistogramBucket,
  type LargestSession,
  type ReportConfig,
  type SessionObservation,
  type SessionRef,
} from './report/healthReport.ts';
export { formatHealthReport } from './report/reportText.ts';
export { scanInto, scanReport, type ScanReportOptions, type ScanReportResult } from './report/healthScan.ts';
export {
  editSession,
  SessionEditRefused,
  type EditRefusal,
  type EditRequest,
  type EditResult,
} from './edit/safeEdit.ts';
export { JsonValueError, phpValueFromJson } from './edit/jsonValue.ts';
export { SessionEditError, formatDottedPath, parseDottedPath, setVariable, valueAtPath } from './edit/setVariable.ts';
