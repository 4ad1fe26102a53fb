// Connection management: Test connection (from the tree or a code lens), add, edit, remove, and
// the password kept in VS Code's secret storage.
import * as vscode from 'vscode';
import { describeTarget, parseConnectionTargets, type ConnectionTarget } from '../../../server/src/sessions/index.ts';
import type { Connection, ConnectionStore } from '../connections.ts';
import { errorText } from '../errorText.ts';
import { loadRedis, type Node } from '../sessionsTree.ts';
import type { Cmd, CommandContext } from './context.ts';
import { documentConnection, pickConnection } from './pick.ts';

/** PING, AUTH, SELECT and a count of sessions, for a tree node or (from the code lens) a document. */
export function testConnection(ctx: CommandContext): Cmd {
  return async (n?: unknown, offset?: number) => {
    // From the code lens: (document uri, offset of the save_path); else a tree node.
    if (typeof n === 'string' && typeof offset === 'number') return testDocumentConnection(ctx.store, n);
    const c = await pickConnection(ctx, n);
    if (!c) return;
    await reportTests(await ctx.store.targets(c), c, ctx.store);
  };
}

async function testDocumentConnection(store: ConnectionStore, uri: string): Promise<void> {
  const c = await documentConnection(uri);
  if (!c) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('No usable session.save_path here (a {0} is only known at run time).', '${VAR}'),
    );
    return;
  }
  await reportTests(await store.targets(c), c, store);
}

async function reportTests(targets: ConnectionTarget[], c: Connection, store: ConnectionStore): Promise<void> {
  if (!(await store.mayConnect(c, targets.map(describeTarget).join(', ')))) return;
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing {0}…', c.name) },
    async () => {
      const { testConnection } = await loadRedis();
      return Promise.all(targets.map((t) => testConnection(t)));
    },
  );
  for (const r of results) {
    if (r.ok) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          '{0}: Redis {1} ({2}), {3} session(s), {4} ms.',
          r.label,
          r.redisVersion,
          r.mode,
          `${r.sessionCount}${r.sessionCountComplete ? '' : '+'}`,
          r.latencyMs,
        ),
      );
    } else {
      void vscode.window.showErrorMessage(`${r.label}: ${r.error}`);
    }
  }
}

/** Asks for an address and a name; the password goes to the secret storage. */
export function addConnection({ store }: CommandContext): Cmd {
  return async () => {
    const address = await vscode.window.showInputBox({
      title: vscode.l10n.t('Add a Redis connection (1/2)'),
      prompt: vscode.l10n.t(
        "A redis:// or rediss:// URL, or a session.save_path (tcp://host:6379?auth=…). The password goes to VS Code's secret storage.",
      ),
      password: false,
      ignoreFocusOut: true,
      validateInput: (v) => {
        if (!v.trim()) return vscode.l10n.t('An address is needed');
        try {
          parseConnectionTargets(v.trim(), { env: {} });
          return undefined;
        } catch (err) {
          return errorText(err);
        }
      },
    });
    if (!address) return;
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Add a Redis connection (2/2)'),
      prompt: vscode.l10n.t('A name for it'),
      value: describeTarget(parseConnectionTargets(address.trim(), { env: {} })[0]).slice(0, 60),
      ignoreFocusOut: true,
    });
    if (!name) return;
    await store.add(name, address);
  };
}

/** Edits an added connection (the others live in settings or in a workspace file). */
export function editConnection(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const c = await pickConnection(ctx, n);
    if (!c) return;
    if (c.source !== 'added') {
      void vscode.window.showInformationMessage(
        c.source === 'settings'
          ? vscode.l10n.t('This connection comes from settings: edit phpRedisSessions.connections.')
          : vscode.l10n.t('This connection comes from a workspace file: edit the file.'),
      );
      if (c.source === 'settings')
        await vscode.commands.executeCommand('workbench.action.openSettings', 'phpRedisSessions.connections');
      return;
    }
    const address = await vscode.window.showInputBox({
      title: vscode.l10n.t('Edit {0}', c.name),
      value: c.address,
      prompt: vscode.l10n.t('Leave the password out to keep the stored one'),
      ignoreFocusOut: true,
      // An address kept whole in the secret storage is shown masked: `***` is no password to store.
      validateInput: (v) =>
        v !== c.address && v.includes('***')
          ? vscode.l10n.t('Type the password in place of ***, or leave the address unchanged')
          : undefined,
    });
    if (!address || address === c.address) return;
    await ctx.store.add(c.name, address, c.prefix, c.id);
  };
}

export function removeConnection(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const c = await pickConnection(ctx, n);
    if (!c) return;
    if (c.source !== 'added') {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Only connections added with "Add connection…" can be removed here.'),
      );
      return;
    }
    const yes = vscode.l10n.t('Remove');
    if (
      (await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove the connection "{0}" and its stored password?', c.name),
        { modal: true },
        yes,
      )) !== yes
    )
      return;
    await ctx.store.remove(c.id);
  };
}

export function setPassword(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const c = await pickConnection(ctx, n);
    if (!c) return;
    const password = await vscode.window.showInputBox({
      title: vscode.l10n.t('Password for {0}', c.name),
      password: true,
      prompt: vscode.l10n.t("Kept in VS Code's secret storage; empty removes it"),
      ignoreFocusOut: true,
    });
    if (password === undefined) return;
    await ctx.store.setPassword(c.id, password === '' ? undefined : password);
    ctx.tree.refresh({ kind: 'connection', connection: c });
  };
}
