// Every command the extension contributes, in one table: command id → named factory. Each is
// registered with the same guard, so no command ends in an unhandled rejection.
import * as vscode from 'vscode';
import { errorText } from '../errorText.ts';
import { ClientCommands, type FillArgs } from '../../../server/src/protocol.ts';
import { convertRedisUrl, fillFromRedisUrl } from '../fillFromRedisUrl.ts';
import {
  browseSessions,
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
} from './browse.ts';
import type { CommandContext, CommandFactory } from './context.ts';
import { addConnection, editConnection, removeConnection, setPassword, testConnection } from './manageConnections.ts';
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
    'phpRedisSessions.findSessions': findSessions,
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
    // Connections.
    [ClientCommands.testConnection]: testConnection, // also from the server's code lens
    'phpRedisSessions.addConnection': addConnection,
    'phpRedisSessions.editConnection': editConnection,
    'phpRedisSessions.removeConnection': removeConnection,
    'phpRedisSessions.setPassword': setPassword,
    // Redis URLs → save_path (the first from a quick fix, the second from the palette).
    [ClientCommands.fillFromRedisUrl]: () => (uri: string, args: FillArgs) => fillFromRedisUrl(uri, args),
    'phpRedisSessions.convertRedisUrl': () => () => convertRedisUrl(),
  };
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(createCommands()).map(([id, factory]) => {
    // Made on its first run, not during activation.
    let cmd: ((...args: unknown[]) => unknown) | undefined;
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        cmd ??= factory(ctx) as (...args: unknown[]) => unknown;
        await cmd(...args);
      } catch (err) {
        // The user sees Redis's (or the parser's) own words, masked.
        void vscode.window.showErrorMessage(vscode.l10n.t('PHP Redis Sessions: {0}', errorText(err)));
      }
    });
  });
}
