// Activation: start the language client, register the PHP Sessions view and the commands.
// Nothing here connects to Redis: connections open when a node is expanded or a command runs.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ConnectionStore } from './connections.ts';
import { convertRedisUrl, fillFromRedisUrl, type FillArgs } from './fillFromRedisUrl.ts';
import { createLanguageClient } from './languageClient.ts';
import { registerSessionCommands } from './sessionCommands.ts';
import { SCHEME, SessionDocuments } from './sessionDocument.ts';
import { SessionsTree, type Node } from './sessionsTree.ts';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  client = createLanguageClient(context);
  // Not awaited: activation stays fast; the server's start-up runs in the background.
  client.start().catch((err: unknown) => {
    void vscode.window.showErrorMessage(`PHP Redis Sessions: the language server did not start (${err instanceof Error ? err.message : String(err)}).`);
  });

  const store = new ConnectionStore(context);
  const tree = new SessionsTree(store);
  const view = vscode.window.createTreeView<Node>('phpRedisSessions.sessions', { treeDataProvider: tree, showCollapseAll: true });
  const documents = new SessionDocuments();
  context.subscriptions.push(
    store,
    tree,
    view,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.commands.registerCommand('phpRedisSessions.fillFromRedisUrl', (uri: string, args: FillArgs) => fillFromRedisUrl(uri, args)),
    vscode.commands.registerCommand('phpRedisSessions.convertRedisUrl', () => convertRedisUrl()),
    ...registerSessionCommands({ context, store, tree, view, documents }),
  );
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
