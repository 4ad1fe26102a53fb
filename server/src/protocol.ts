// What the client and the server share: settings, command ids, the custom notification and its
// arguments (one module for both sides, as vscode-eslint does). No runtime dependency, so the
// pure core can name client commands too.

export const SERVER_SECTION = 'phpRedisSessions';
export const FIX_ALL_KIND = 'source.fixAll.php-redis-sessions';
export const DIAGNOSTIC_SOURCE = 'php-redis-sessions';

/** Settings the server reads per document (section `phpRedisSessions`). */
export interface ServerSettings {
  lint?: { enable?: boolean };
  rules?: Record<string, string>;
  /** The phpredis release line judged for: `5.3`, `6.0` … `6.3` (composer.json's ext-redis constraint wins). */
  phpredisVersion?: string;
}

/** Client commands the server's code actions and code lenses invoke. */
export namespace ClientCommands {
  /** Arguments: the document URI, then FillArgs. */
  export const fillFromRedisUrl = 'phpRedisSessions.fillFromRedisUrl';
  /** Arguments: the document URI, then the document offset of the save_path value. */
  export const testConnection = 'phpRedisSessions.testConnection';
  /** Arguments: the document URI, then the document offset of the save_path value. */
  export const browseSessions = 'phpRedisSessions.browseSessions';
}

/** Where "Fill from Redis URL…" writes the converted save_path, and how to encode it. */
export interface FillArgs {
  start: number;
  end: number;
  /** The target is inside a JSON string (composer.json): escape the text. */
  json: boolean;
  /** The variable the value was read from (the input box is pre-filled from the environment). */
  envName?: string;
}

export interface LintStatusParams {
  uri: string;
  /** Milliseconds the lint took in the server. */
  validationTime: number;
  findings: number;
}

/** Sent after each lint: the client shows it in the language status, tests measure the server. */
export namespace LintStatusNotification {
  export const method = 'phpRedisSessions/lintStatus';
}

/** The project's home page (SARIF's tool informationUri). */
export const HOMEPAGE_URL = 'https://github.com/php-redis-sessions/php-redis-sessions';

/** Where each rule's page lives (codeDescription.href of each diagnostic, SARIF helpUri). */
export const RULE_DOCS_URL = `${HOMEPAGE_URL}/blob/main/docs/rules/`;
export function ruleHref(rule: string): string {
  return `${RULE_DOCS_URL}${rule}.md`;
}
