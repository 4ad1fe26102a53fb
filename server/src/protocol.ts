// The custom protocol shared by the client and the server (one module, as vscode-eslint does).
import { NotificationType } from 'vscode-languageserver-protocol';

export const SERVER_SECTION = 'phpRedisSessions';
export const FIX_ALL_KIND = 'source.fixAll.php-redis-sessions';
export const DIAGNOSTIC_SOURCE = 'php-redis-sessions';

/** Settings the server reads per document (section `phpRedisSessions`). */
export interface ServerSettings {
  lint?: { enable?: boolean };
  rules?: Record<string, string>;
}

/** Client commands the server's code actions and code lenses invoke. */
export namespace ClientCommands {
  export const fillFromRedisUrl = 'phpRedisSessions.fillFromRedisUrl';
  export const testConnection = 'phpRedisSessions.testConnection';
  export const browseSessions = 'phpRedisSessions.browseSessions';
}

export interface LintStatusParams {
  uri: string;
  /** Milliseconds the lint took in the server. */
  validationTime: number;
  findings: number;
}

/** Sent after each lint, so the client can show a status and tests can measure the server. */
export namespace LintStatusNotification {
  export const method = 'phpRedisSessions/lintStatus' as const;
  export const type = new NotificationType<LintStatusParams>(method);
}

/** Where README documents a rule (codeDescription.href of each diagnostic). */
export const README_URL = 'https://github.com/php-redis-sessions/php-redis-sessions#';
export function ruleHref(rule: string): string {
  return `${README_URL}rule-${rule}`;
}
