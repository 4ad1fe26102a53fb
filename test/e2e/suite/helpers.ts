// Shared by the end-to-end test files (bundled into each; not a test file itself).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'php-redis-sessions.php-redis-sessions';
/** The sessions PHP wrote for the runs (test/fixtures/e2e-sessions/write-sessions.php), by id. */
export const PHP_WRITTEN = [
  'e2e-delete-me',
  'e2e-igbinary-carol',
  'e2e-locked-frank',
  'e2e-msgpack-dave',
  'e2e-php-alice',
  'e2e-serialize-bob',
];
export const SOURCE = 'php-redis-sessions';

/** The shape `activate()` returns (client/src/extension.ts, PhpRedisSessionsTestApi). */
export interface TestApi {
  tree: vscode.TreeDataProvider<TreeNode>;
  activation: { load: number | undefined; activate: number };
}

/** A node of the PHP Sessions tree, as far as the tests look into it. */
export interface TreeNode {
  kind: 'connection' | 'host' | 'session' | 'variable' | 'more' | 'message';
  connection?: { id: string; name: string; source: string; readOnly: boolean };
  session?: { id: string; key: string; ttl: number; size: number; locked: boolean };
  text?: string;
  error?: boolean;
  label?: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined. */
export async function poll<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export function extension(): vscode.Extension<TestApi> {
  const ext = vscode.extensions.getExtension<TestApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not among ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
  return ext;
}

/** The extension's exports once it has activated on its own (workspaceContains:**\/composer.json). */
export async function activated(timeoutMs = 30_000): Promise<TestApi> {
  const ext = extension();
  await poll('the extension to activate', timeoutMs, () => (ext.isActive ? true : undefined));
  return ext.exports;
}

export function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
}

export function describeDiagnostics(ds: readonly vscode.Diagnostic[]): string {
  return (
    ds
      .map(
        (d) =>
          `  ${d.source}/${codeOf(d)} @${d.range.start.line + 1}:${d.range.start.character + 1} ${vscode.DiagnosticSeverity[d.severity]} ${d.message}`,
      )
      .join('\n') || '  (none)'
  );
}

export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

/** Opens a workspace file in an editor (the language client pulls diagnostics for visible documents). */
export async function openFile(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(relative));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Our diagnostics on a document once `ready` accepts them; the last ones seen in the error otherwise. */
export async function diagnosticsOf(
  uri: vscode.Uri,
  ready: (ds: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  let last: vscode.Diagnostic[] = [];
  try {
    return await poll(what, timeoutMs, () => {
      last = vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
      return ready(last) ? last : undefined;
    });
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; ${SOURCE} diagnostics on ${vscode.workspace.asRelativePath(uri)}:\n${describeDiagnostics(last)}`,
    );
  }
}

export function findDiagnostic(ds: readonly vscode.Diagnostic[], code: string): vscode.Diagnostic {
  const d = ds.find((x) => codeOf(x) === code);
  assert.ok(d, `no ${code} among:\n${describeDiagnostics(ds)}`);
  return d;
}

/**
 * Modal dialogs: a VS Code that runs extension tests refuses to show them: showWarningMessage(…,
 * { modal: true }) rejects with "DialogService: refused to show dialog in tests. Contents: …".
 * The tests check that nothing happened without the confirmation; the confirmed paths (Delete,
 * Connect) are driven through the page by test/e2e/ui.mjs, in runs without a test suite.
 */

/** Labels of tree items, for assertion messages. */
export async function labels(tree: vscode.TreeDataProvider<TreeNode>, nodes: readonly TreeNode[]): Promise<string[]> {
  return Promise.all(nodes.map(async (n) => itemLabel(await tree.getTreeItem(n))));
}

export function itemLabel(item: vscode.TreeItem): string {
  const l = item.label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

export async function children(tree: vscode.TreeDataProvider<TreeNode>, node?: TreeNode): Promise<TreeNode[]> {
  return (await tree.getChildren(node)) ?? [];
}

export async function connectionNamed(tree: vscode.TreeDataProvider<TreeNode>, name: string): Promise<TreeNode> {
  const roots = await children(tree);
  const node = roots.find((n) => n.kind === 'connection' && n.connection?.name === name);
  assert.ok(node, `no connection "${name}" among: ${(await labels(tree, roots)).join(', ')}`);
  return node;
}

export async function sessionNamed(
  tree: vscode.TreeDataProvider<TreeNode>,
  parent: TreeNode,
  id: string,
): Promise<TreeNode | undefined> {
  return (await children(tree, parent)).find((n) => n.kind === 'session' && n.session?.id === id);
}

export function redisPort(): number {
  const port = Number(process.env.E2E_REDIS_PORT);
  assert.ok(port > 0, 'E2E_REDIS_PORT is set by the runner (test/e2e/run.mjs or runElectron.mjs)');
  return port;
}

/** Whether a menu item of package.json shows in the PHP Sessions view for an item with this contextValue. */
export function menuShows(command: string, contextValue: string): boolean {
  const items: { command: string; when?: string }[] = extension().packageJSON.contributes.menus['view/item/context'];
  return items
    .filter((m) => m.command === command)
    .some((m) => {
      const when = m.when ?? '';
      const equal = /viewItem == ([\w.]+)/.exec(when);
      if (equal) return equal[1] === contextValue;
      const re = /viewItem =~ \/(.*)\/$/.exec(when);
      return !!re && new RegExp(re[1].replace(/\\\\/g, '\\')).test(contextValue);
    });
}
