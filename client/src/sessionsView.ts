// The PHP Sessions view and its commands, as one bundle (dist/sessionsView.js) that activation
// does not evaluate: extension.ts loads it the first time the view asks for its items, a command
// runs or a session document is opened. Connections, the tree, the documents and the command
// table are made here, once.
import type * as vscode from 'vscode';
import { commandRunner } from './commands/index.ts';
import { ConnectionStore } from './connections.ts';
import { SessionDocuments } from './sessionDocument.ts';
import { SessionsTree, type Node } from './sessionsTree.ts';

export interface SessionsView {
  readonly tree: SessionsTree;
  readonly documents: SessionDocuments;
  /** Runs a contributed command (its errors shown to the user, never thrown); resolves with its result. */
  run(id: string, args: unknown[]): Promise<unknown>;
}

export function createSessionsView(context: vscode.ExtensionContext, view: vscode.TreeView<Node>): SessionsView {
  const store = new ConnectionStore(context);
  const tree = new SessionsTree(store);
  const documents = new SessionDocuments();
  context.subscriptions.push(store, tree, documents);
  return { tree, documents, run: commandRunner({ context, store, tree, view, documents }) };
}
