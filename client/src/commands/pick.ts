// What a command acts on: the node it was invoked on, else the tree's selection or a quick pick.
import * as vscode from 'vscode';
import { documentKind } from '../../../server/src/core/index.ts';
import { connectionFromDocument, type Connection } from '../connections.ts';
import type { HostState, Node } from '../sessionsTree.ts';
import type { CommandContext } from './context.ts';

export type SessionNode = Extract<Node, { kind: 'session' }>;

function isSession(n: unknown): n is SessionNode {
  return !!n && typeof n === 'object' && (n as Node).kind === 'session';
}

/** The session node a command acts on: the argument, else the tree's selection. */
export function sessionArg({ view }: CommandContext, n: unknown): SessionNode | undefined {
  return isSession(n) ? n : view.selection.find(isSession);
}

/** The connection node's connection, else the only one, else the user's pick. */
export async function pickConnection({ store }: CommandContext, n: unknown): Promise<Connection | undefined> {
  if (n && typeof n === 'object' && (n as Node).kind === 'connection')
    return (n as Extract<Node, { kind: 'connection' }>).connection;
  const all = await store.all();
  if (all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No Redis connection yet: add one first.'));
    return undefined;
  }
  if (all.length === 1) return all[0];
  const pick = await vscode.window.showQuickPick(
    all.map((c) => ({ label: c.name, description: c.source, c })),
    { title: vscode.l10n.t('Which connection?') },
  );
  return pick?.c;
}

/** The host node's host, else every host of the picked connection (once the workspace may reach them). */
export async function hostsFor(ctx: CommandContext, n: unknown): Promise<HostState[]> {
  if (n && typeof n === 'object' && (n as Node).kind === 'host') return [(n as Extract<Node, { kind: 'host' }>).host];
  const c = await pickConnection(ctx, n);
  if (!c) return [];
  const hosts = await ctx.tree.hostsOf(c);
  if (!(await ctx.store.mayConnect(c, hosts.map((h) => h.label).join(', ')))) return [];
  return hosts;
}

/** True (and says so) when the host's connection is read-only. */
export function refuseReadOnly(host: HostState): boolean {
  if (!host.connection.readOnly) return false;
  void vscode.window.showWarningMessage(
    vscode.l10n.t(
      '"{0}" is read-only. Set "readOnly": false for it (or phpRedisSessions.readOnly) to change sessions.',
      host.connection.name,
    ),
  );
  return true;
}

/** The connection a composer.json / ini document names (its effective session.save_path). */
export async function documentConnection(uri: string): Promise<Connection | undefined> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const kind = documentKind(doc.uri.path);
  return kind ? connectionFromDocument(doc.getText(), kind, doc.uri) : undefined;
}
