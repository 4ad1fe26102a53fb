// The vocabulary shared by the lint core, its adapters (LSP server, CLI) and the tests.
// Offsets are UTF-16 code-unit offsets into the linted document, end exclusive.

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type RuleSetting = Severity | 'off';

export const RULE_IDS = [
  // §2.1 composer.json structure
  'invalid-json',
  'php-config-not-array',
  'paas-config-shadowed',
  // §2.2 ini lines
  'ini-syntax',
  'unknown-directive',
  'duplicate-directive',
  'env-in-single-quotes',
  'redis-url-env',
  // §2.3 handler and extensions
  'unknown-save-handler',
  'user-save-handler',
  'handler-path-mismatch',
  'missing-save-path',
  'missing-ext-redis',
  'ext-redis-dev-only',
  'ext-redis-platform-only',
  'missing-serializer-extension',
  'unknown-serialize-handler',
  // §2.4 save_path (redis)
  'placeholder-save-path',
  'unsupported-scheme',
  'params-without-scheme',
  'userinfo-ignored',
  'malformed-url',
  'separator-in-path',
  'invalid-weight',
  'invalid-timeout',
  'invalid-param-value',
  'empty-auth',
  'auth-array-size',
  'unknown-param',
  'duplicate-param',
  'plus-in-value',
  'stream-without-tls',
  'no-timeout',
  'hardcoded-credentials',
  // §2.5 save_path (rediscluster)
  'cluster-missing-seeds',
  'cluster-bad-seed',
  'cluster-param-ignored',
  // §2.6 other settings
  'lock-without-expire',
  'invalid-compression',
  'invalid-gc-maxlifetime',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** A replacement of document text [start, end) by newText. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** A command the client runs instead of (or after) an edit, e.g. "Fill from Redis URL…". */
export interface FixCommand {
  command: string;
  title: string;
  arguments: unknown[];
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix VS Code offers first (and applies with "auto fix"). */
  preferred?: boolean;
  /** Safe fixes are the ones `source.fixAll` and `lint --fix` apply without asking. */
  safe: boolean;
  command?: FixCommand;
}

export interface RelatedInfo {
  start: number;
  end: number;
  message: string;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  related?: RelatedInfo[];
  fixes: Fix[];
}

export type DocumentKind = 'composer' | 'ini' | 'fpm';

export interface LintOptions {
  /** Per-rule overrides of the default severity ("off" drops the rule). */
  rules?: Partial<Record<string, RuleSetting>>;
  /** Forces the document kind; otherwise taken from the file name. */
  kind?: DocumentKind;
  /** Called when a rule throws (a bug): the other rules still run. Without it, the error propagates. */
  onRuleError?: (rule: string, error: unknown) => void;
}
