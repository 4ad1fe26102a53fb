// Commands that change sessions: TTL, delete, delete all, release a lock. Each is refused on a
// read-only connection (the scanner refuses it too), and the destructive ones ask first.
import * as vscode from 'vscode';
import type { Node } from '../sessionsTree.ts';
import type { Cmd, CommandContext } from './context.ts';
import { hostsFor, pickConnection, refuseReadOnly, sessionArg } from './pick.ts';

export function setTtl(ctx: CommandContext): Cmd {
  return async (n?: unknown) => {
    const s = sessionArg(ctx, n);
    if (!s || refuseReadOnly(s.host)) return;
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('TTL of {0}', s.session.id),
      prompt: vscode.l10n.t('Seconds; empty removes the expiry'),
      value: s.session.ttl > 0 ? String(s.session.ttl) : '',
      validateInput: (v) => (v === '' || /^\d+$/.test(v) ? undefined : vscode.l10n.t('A whole number of seconds')),
    });
    if (value === undefined) return;
    await s.host.scanner.setTtl(s.session.id, value === '' ? null : Number(value));
    ctx.tree.refresh({ kind: 'host', host: s.host });
  };
}

export function deleteSession(ctx: CommandContext): Cmd {
  return async (n?: unknown) => {
    const s = sessionArg(ctx, n);
    if (!s || refuseReadOnly(s.host)) return;
    const yes = vscode.l10n.t('Delete');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete session {0}? Its user is logged out.', s.session.id),
      { modal: true },
      yes,
    );
    if (answer !== yes) return;
    await s.host.scanner.deleteSession(s.session.id);
    s.host.sessions = s.host.sessions.filter((x) => x.key !== s.session.key);
    ctx.tree.forget(s.host, s.session.id);
    ctx.tree.fire(undefined);
  };
}

/** Every session of a connection, after the user typed the connection's name. */
export function deleteAllSessions(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const c = await pickConnection(ctx, n);
    if (!c) return;
    const hosts = await hostsFor(ctx, { kind: 'connection', connection: c });
    if (hosts.length === 0 || refuseReadOnly(hosts[0])) return;
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Delete every session of "{0}"', c.name),
      prompt: vscode.l10n.t('Every user is logged out. Type the connection name ({0}) to confirm.', c.name),
      validateInput: (v) => (v === c.name ? undefined : vscode.l10n.t('Type the connection name exactly')),
    });
    if (typed !== c.name) return;
    const deleted = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Deleting sessions of {0}', c.name),
        cancellable: true,
      },
      async (progress, token) => {
        const ctl = new AbortController();
        token.onCancellationRequested(() => ctl.abort());
        let total = 0;
        for (const h of hosts)
          total += await h.scanner.deleteAllSessions({
            signal: ctl.signal,
            onProgress: (d) => progress.report({ message: vscode.l10n.t('{0} deleted', total + d) }),
          });
        return total;
      },
    );
    void vscode.window.showInformationMessage(
      deleted === 1 ? vscode.l10n.t('1 session deleted.') : vscode.l10n.t('{0} sessions deleted.', deleted),
    );
    ctx.tree.refresh({ kind: 'connection', connection: c });
  };
}

/** Deletes a session's lock, only while it still holds the owner the tree showed. */
export function releaseLock(ctx: CommandContext): Cmd {
  return async (n?: unknown) => {
    const s = sessionArg(ctx, n);
    if (!s || refuseReadOnly(s.host)) return;
    const yes = vscode.l10n.t('Release');
    const answer = await vscode.window.showWarningMessage(
      s.session.lock?.owner
        ? vscode.l10n.t(
            'Release the lock of {0} held by {1}? A request still running may then write over another.',
            s.session.id,
            s.session.lock.owner,
          )
        : vscode.l10n.t('Release the lock of {0}? A request still running may then write over another.', s.session.id),
      { modal: true },
      yes,
    );
    if (answer !== yes) return;
    await s.host.scanner.releaseLock(s.session.id, s.session.lock?.owner ?? undefined);
    ctx.tree.refresh({ kind: 'host', host: s.host });
  };
}
