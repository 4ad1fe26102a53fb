// What every command of the PHP Sessions view works with, and how a command is made: a named
// factory that receives the context and returns the command's function (as rust-analyzer's
// editors/code does with its `createCommands` table).
import type * as vscode from 'vscode';
import type { ConnectionStore } from '../connections.ts';
import type { SessionDocuments } from '../sessionDocument.ts';
import type { Node, SessionsTree } from '../sessionsTree.ts';

export interface CommandContext {
  context: vscode.ExtensionContext;
  store: ConnectionStore;
  tree: SessionsTree;
  view: vscode.TreeView<Node>;
  documents: SessionDocuments;
}

/** A command's function; VS Code passes what the menu, the palette or the code lens gives. */
export type Cmd = (...args: never[]) => unknown;

export type CommandFactory = (ctx: CommandContext) => Cmd;
