// Every command the extension contributes, in one table: command id → named factory. extension.ts
// registers each contributed id at activation and hands its calls to `commandRunner` (this module
// is in the lazily loaded view bundle, see sessionsView.ts).
import * as vscode from 'vscode';
import { errorText } from '../errorText.ts';
import { logError, outputChannel } from '../output.ts';
import { ClientCommands, type FillArgs } from '../../../server/src/protocol.ts';
import { convertRedisUrl, fillFromRedisUrl } from '../fillFromRedisUrl.ts';
import {
  browseSessions,
  clearFilter,
  copyAsJson,
  copySessionId,
  filter,
  findSessions,
  loadMore,
  openSession,
  openSessionRaw,
  refresh,
  retry,
  showServerInfo,
  sortSessions,
} from './browse.ts';
import type { CommandContext, CommandFactory } from './context.ts';
import { editValue } from './editValue.ts';
import { findByValue } from './findByValue.ts';
import {
  addConnection,
  editConnection,
  removeConnection,
  setPassword,
  setVariable,
  testConnection,
} from './manageConnections.ts';
import { showReport } from './report.ts';
import { deleteAllSessions, deleteSession, releaseLock, setTtl } from './write.ts';

export type { CommandContext } from './context.ts';

export function createCommands(): Record<string, CommandFactory> {
  return {
    // The PHP Sessions view: browse, open, copy.
    'phpRedisSessions.refresh': refresh,
    'phpRedisSessions.retry': retry,
    'phpRedisSessions.loadMore': loadMore,
    'phpRedisSessions.filter': filter,
    'phpRedisSessions.clearFilter': clearFilter,
    'phpRedisSessions.sortSessions': sortSessions,
    'phpRedisSessions.findSessions': findSessions,
    'phpRedisSessions.findByValue': findByValue,
    'phpRedisSessions.openSession': openSession,
    'phpRedisSessions.openSessionRaw': openSessionRaw,
    'phpRedisSessions.copySessionId': copySessionId,
    'phpRedisSessions.copyAsJson': copyAsJson,
    'phpRedisSessions.showServerInfo': showServerInfo,
    [ClientCommands.browseSessions]: browseSessions, // also from the server's code lens
    'phpRedisSessions.showReport': showReport,
    // Writes (refused on read-only connections).
    'phpRedisSessions.setTtl': setTtl,
    'phpRedisSessions.deleteSession': deleteSession,
    'phpRedisSessions.deleteAllSessions': deleteAllSessions,
    'phpRedisSessions.releaseLock': releaseLock,
    'phpRedisSessions.editValue': editValue,
    // Connections.
    [ClientCommands.testConnection]: testConnection, // also from the server's code lens
    'phpRedisSessions.addConnection': addConnection,
    'phpRedisSessions.editConnection': editConnection,
    'phpRedisSessions.removeConnection': removeConnection,
    'phpRedisSessions.setPassword': setPassword,
    'phpRedisSessions.setVariable': setVariable,
    // Redis URLs → save_path (the first from a quick fix, the second from the palette).
    [ClientCommands.fillFromRedisUrl]: (ctx) => (uri: string, args: FillArgs) =>
      fillFromRedisUrl(uri, args, ctx.context.secrets),
    'phpRedisSessions.convertRedisUrl': () => () => convertRedisUrl(),
    // The output channel (the language server's log and the view's failures).
    'phpRedisSessions.showOutput': () => () => outputChannel().show(true),
  };
}

/**
 * The runner of every command in the table: each is made on its first run (not during activation),
 * and run with the same guard, so no command ends in an unhandled rejection.
 */
export function commandRunner(ctx: CommandContext): (id: string, args: unknown[]) => Promise<unknown> {
  const table = createCommands();
  const made = new Map<string, (...args: unknown[]) => unknown>();
  return async (id, args) => {
    try {
      const factory = table[id];
      if (!factory) throw new Error(`no command ${id}`);
      let cmd = made.get(id);
      if (!cmd) {
        cmd = factory(ctx) as (...args: unknown[]) => unknown;
        made.set(id, cmd);
      }
      return await cmd(...args);
    } catch (err) {
      // The user sees Redis's (or the parser's) own words, masked; the output channel keeps them.
      logError(`${id}: ${errorText(err)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('PHP Redis Sessions: {0}', errorText(err)));
    }
  };
}
