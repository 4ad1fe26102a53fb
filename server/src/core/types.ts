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
  /** Edits of other project files; `edits` may then be empty. Fix all of one document leaves these to the caller. */
  otherFiles?: FileEdits[];
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

export type DocumentKind = 'composer' | 'ini' | 'fpm' | 'dotenv' | 'laravel-config' | 'symfony-config';

/**
 * The other files of a project that a framework finding depends on (composer.json, .env, config/…,
 * a Procfile), read by the caller: the language server from the workspace, the CLI from the
 * directory. Rules never read the disk themselves.
 */
export interface ProjectInput {
  /** Project-relative paths with `/` separators → their text. */
  files: ReadonlyMap<string, string>;
  /** The linted document's project-relative path. */
  path: string;
}

/** Edits of another file of the project, by project-relative path (e.g. adding ext-redis to composer.json). */
export interface FileEdits {
  path: string;
  edits: TextEdit[];
}

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
  /** The project around the document, for the framework rules (without it they judge the document alone). */
  project?: ProjectInput;
  /** Called when a rule throws (a bug): the other rules still run. Without it, the error propagates. */
  onRuleError?: (rule: string, error: unknown) => void;
  /** False: keep every fix unchecked in a document PHP cannot read whole (fixCheck.ts). */
  checkFixes?: boolean;
}
