// The vocabulary shared by the lint core, its adapters (LSP server, CLI) and the tests.
// Offsets are UTF-16 code-unit offsets into the linted document, end exclusive.

import type { PhpredisVersion } from './phpredisVersions.ts';
import type { RuleId } from './rules/catalogue.ts';

export type { RuleId };

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type RuleSetting = Severity | 'off';

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
  /**
   * The phpredis release line the configuration is judged for (phpRedisSessions.phpredisVersion);
   * a composer.json whose `ext-redis` constraint pins a major version decides for itself.
   */
  phpredisVersion?: PhpredisVersion;
  /** Forces the document kind; otherwise taken from the file name. */
  kind?: DocumentKind;
  /** Called when a rule throws (a bug): the other rules still run. Without it, the error propagates. */
  onRuleError?: (rule: string, error: unknown) => void;
}
