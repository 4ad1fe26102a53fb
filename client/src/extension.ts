// Activation: start the language client, register the PHP Sessions view and the commands.
// Nothing here connects to Redis: connections open when a node is expanded or a command runs.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands/index.ts';
import { ConnectionStore } from './connections.ts';
import { SCHEME, SessionDocuments } from './sessionDocument.ts';
import { SessionsTree, type Node } from './sessionsTree.ts';

/** Set by the bundle's first and last lines (esbuild.mjs banner and footer): its evaluation time. */
declare const __phpRedisSessionsLoadStart: number | undefined;
declare const __phpRedisSessionsLoadEnd: number | undefined;

/**
 * What `activate()` returns (`vscode.extensions.getExtension('php-redis-sessions.php-redis-sessions').exports`).
 * For the end-to-end tests (test/e2e): not a stable API for other extensions.
 */
export interface PhpRedisSessionsTestApi {
  /** The PHP Sessions view's data provider: the tests walk the tree a person would expand. */
  readonly tree: vscode.TreeDataProvider<Node>;
  /** Milliseconds: evaluating the bundle (`load`) and running activate() (`activate`). */
  readonly activation: { readonly load: number | undefined; readonly activate: number };
}

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

export function activate(context: vscode.ExtensionContext): PhpRedisSessionsTestApi {
  const t0 = performance.now();
  // Not awaited: activation stays fast. vscode-languageclient is evaluated, and the server
  // started, right after activate() returns (esbuild keeps it in this bundle, initialized lazily).
  starting = import('./languageClient.ts')
    .then(({ createLanguageClient }) => {
      client = createLanguageClient(context);
      return client.start();
    })
    .catch((err: unknown) => {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'PHP Redis Sessions: the language server did not start ({0}).',
          err instanceof Error ? err.message : String(err),
        ),
      );
    });

  const store = new ConnectionStore(context);
  const tree = new SessionsTree(store);
  const view = vscode.window.createTreeView<Node>('phpRedisSessions.sessions', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const documents = new SessionDocuments();
  context.subscriptions.push(
    store,
    tree,
    view,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    ...registerCommands({ context, store, tree, view, documents }),
  );
  const end = performance.now();
  return {
    tree,
    activation: {
      load:
        typeof __phpRedisSessionsLoadStart === 'number' && typeof __phpRedisSessionsLoadEnd === 'number'
          ? __phpRedisSessionsLoadEnd - __phpRedisSessionsLoadStart
          : undefined,
      activate: end - t0,
    },
  };
}

export async function deactivate(): Promise<void> {
  await starting;
  await client?.stop();
}
