// Activation, kept to what must exist at once: the PHP Sessions view, its commands and its session
// documents are registered with stand-ins that load the real ones (dist/sessionsView.js: the tree,
// connections, ioredis, the decoders) on first use, and the language client (dist/languageClient.js)
// starts right after activate() returns. Nothing here connects to Redis.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type * as LanguageClientModule from './languageClient.ts';
import { SCHEME } from './sessionScheme.ts';
import type { Node } from './sessionsTree.ts';
import type * as SessionsViewModule from './sessionsView.ts';

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

// The sibling bundles in dist/, evaluated when first required (esbuild.mjs keeps these external).
/* eslint-disable @typescript-eslint/no-require-imports */
const loadLanguageClient = (): typeof LanguageClientModule =>
  require('./languageClient.js') as typeof LanguageClientModule;
const loadSessionsView = (): typeof SessionsViewModule => require('./sessionsView.js') as typeof SessionsViewModule;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The tree's stand-in: asks the real tree once it is loaded, and loads it when first asked. */
class LazyTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | Node[] | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private forwarding: vscode.Disposable | undefined;

  constructor(private readonly real: () => SessionsViewModule.SessionsView) {}

  private tree(): vscode.TreeDataProvider<Node> {
    const { tree } = this.real();
    this.forwarding ??= tree.onDidChangeTreeData!((e) => this.changed.fire(e));
    return tree;
  }

  getChildren(node?: Node): vscode.ProviderResult<Node[]> {
    return this.tree().getChildren(node);
  }
  getTreeItem(node: Node): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.tree().getTreeItem(node);
  }
  getParent(node: Node): vscode.ProviderResult<Node> {
    return this.tree().getParent?.(node);
  }
  resolveTreeItem(
    item: vscode.TreeItem,
    node: Node,
    token: vscode.CancellationToken,
  ): vscode.ProviderResult<vscode.TreeItem> {
    const tree = this.tree();
    return tree.resolveTreeItem ? tree.resolveTreeItem(item, node, token) : item;
  }
  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

/** The session documents' stand-in. */
class LazyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private forwarding: vscode.Disposable | undefined;

  constructor(private readonly real: () => SessionsViewModule.SessionsView) {}

  provideTextDocumentContent(uri: vscode.Uri): vscode.ProviderResult<string> {
    const { documents } = this.real();
    this.forwarding ??= documents.onDidChange((u) => this.changed.fire(u));
    return documents.provideTextDocumentContent(uri);
  }
  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

export function activate(context: vscode.ExtensionContext): PhpRedisSessionsTestApi {
  const t0 = performance.now();
  // Not awaited: activation stays fast. The language client's bundle is evaluated, and the server
  // started, right after activate() returns.
  starting = Promise.resolve()
    .then(() => {
      client = loadLanguageClient().createLanguageClient(context);
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

  let sessionsView: SessionsViewModule.SessionsView | undefined;
  const real = (): SessionsViewModule.SessionsView =>
    (sessionsView ??= loadSessionsView().createSessionsView(context, view));
  const tree = new LazyTree(real);
  const view = vscode.window.createTreeView<Node>('phpRedisSessions.sessions', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const documents = new LazyDocuments(real);
  // Every contributed command, run by the view bundle's command table.
  const commands = (context.extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes
    .commands;
  context.subscriptions.push(
    tree,
    view,
    documents,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    ...commands.map(({ command }) =>
      vscode.commands.registerCommand(command, async (...args: unknown[]) => {
        let run: SessionsViewModule.SessionsView['run'];
        try {
          run = real().run;
        } catch (err) {
          void vscode.window.showErrorMessage(
            vscode.l10n.t('PHP Redis Sessions: {0}', err instanceof Error ? err.message : String(err)),
          );
          return;
        }
        return run(command, args);
      }),
    ),
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
