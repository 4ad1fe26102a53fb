// Browsing: refresh, page, filter and search the tree; open and copy sessions; server info.
import * as vscode from 'vscode';
import { toCanonicalJson } from '../../../server/src/sessions/index.ts';
import type { HostState, Node } from '../sessionsTree.ts';
import type { Cmd, CommandContext } from './context.ts';
import { documentConnection, hostsFor, sessionArg } from './pick.ts';

/** Forgets listings (all of them without a node) and reads the workspace's files again. */
export function refresh({ store, tree }: CommandContext): Cmd {
  return (n?: Node) => {
    if (!n) store.rediscover();
    tree.refresh(n);
  };
}

/** Tries a failed connection or listing again. */
export function retry({ tree }: CommandContext): Cmd {
  return (n?: Node) => tree.refresh(n);
}

export function loadMore({ tree }: CommandContext): Cmd {
  return async (n?: Extract<Node, { kind: 'more' }>) => {
    if (!n) return;
    await tree.loadMore(n.host);
    tree.fire(undefined);
  };
}

export function filter(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const hosts = await hostsFor(ctx, n);
    if (hosts.length === 0) return;
    const prefix = await vscode.window.showInputBox({
      title: vscode.l10n.t('Filter sessions by id prefix'),
      value: hosts[0].filter,
      prompt: vscode.l10n.t('Empty shows every session'),
    });
    if (prefix === undefined) return;
    for (const h of hosts) {
      h.reset();
      h.filter = prefix;
    }
    ctx.tree.fire(undefined);
  };
}

/** Find sessions containing text: scans the stored values, then opens the picked session. */
export function findSessions(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const hosts = await hostsFor(ctx, n);
    if (hosts.length === 0) return;
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Find sessions containing text'),
      prompt: vscode.l10n.t('Searches the stored values (raw bytes)'),
    });
    if (!text) return;
    const found = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Searching sessions for "{0}"', text),
        cancellable: true,
      },
      async (progress, token) => {
        const ctl = new AbortController();
        token.onCancellationRequested(() => ctl.abort());
        const all: { host: HostState; id: string; size: number }[] = [];
        for (const host of hosts) {
          const matches = await host.scanner.findSessionsContaining(text, {
            signal: ctl.signal,
            limit: 500,
            onProgress: (p) =>
              progress.report({ message: vscode.l10n.t('{0} scanned, {1} found', p.scanned, p.matched) }),
          });
          all.push(...matches.map((m) => ({ host, id: m.id, size: m.size })));
        }
        return all;
      },
    );
    if (found.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No session contains "{0}".', text));
      return;
    }
    const pick = await vscode.window.showQuickPick(
      found.map((f) => ({ label: f.id, description: vscode.l10n.t('{0} bytes · {1}', f.size, f.host.label), f })),
      {
        title:
          found.length === 1
            ? vscode.l10n.t('1 session contains "{0}"', text)
            : vscode.l10n.t('{0} sessions contain "{1}"', found.length, text),
      },
    );
    if (!pick) return;
    const info = await pick.f.host.scanner.getSessionInfo(pick.f.id);
    if (info)
      await vscode.commands.executeCommand('phpRedisSessions.openSession', {
        kind: 'session',
        host: pick.f.host,
        session: info,
      });
  };
}

/** A read-only editor with the session's canonical JSON. */
export function openSession(ctx: CommandContext): Cmd {
  return async (n?: unknown) => {
    const s = sessionArg(ctx, n);
    if (!s) return;
    const doc = await vscode.workspace.openTextDocument(ctx.documents.uriFor(s.host, s.session, 'json'));
    await vscode.window.showTextDocument(doc, { preview: true });
  };
}

/** A read-only editor with the stored text (coloured by the php-serialized grammar). */
export function openSessionRaw(ctx: CommandContext): Cmd {
  return async (n?: unknown) => {
    const s = sessionArg(ctx, n);
    if (!s) return;
    const doc = await vscode.workspace.openTextDocument(ctx.documents.uriFor(s.host, s.session, 'raw'));
    await vscode.languages.setTextDocumentLanguage(doc, 'php-serialized');
    await vscode.window.showTextDocument(doc, { preview: true });
  };
}

export function copySessionId(ctx: CommandContext): Cmd {
  return async (n?: unknown) => {
    const s = sessionArg(ctx, n);
    if (s) await vscode.env.clipboard.writeText(s.session.id);
  };
}

/** The session as canonical JSON on the clipboard (read again: it may have changed). */
export function copyAsJson(ctx: CommandContext): Cmd {
  return async (n?: unknown) => {
    const s = sessionArg(ctx, n);
    if (!s) return;
    ctx.tree.forget(s.host, s.session.id);
    await vscode.env.clipboard.writeText(toCanonicalJson(await ctx.tree.decode(s.host, s.session), 2));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Session copied as JSON'), 3000);
  };
}

/** INFO of each server of a connection, in an editor. */
export function showServerInfo(ctx: CommandContext): Cmd {
  return async (n?: Node) => {
    const hosts = await hostsFor(ctx, n);
    const parts: string[] = [];
    for (const h of hosts) for (const info of await h.scanner.serverInfo()) parts.push(`# ${info.node}\n${info.text}`);
    if (parts.length === 0) return;
    const doc = await vscode.workspace.openTextDocument({ content: parts.join('\n'), language: 'properties' });
    await vscode.window.showTextDocument(doc, { preview: true });
  };
}

/** From the code lens: reveals the connection the document names; else just shows the view. */
export function browseSessions({ store, view }: CommandContext): Cmd {
  return async (uri?: string) => {
    const c = typeof uri === 'string' ? await documentConnection(uri) : undefined;
    if (typeof uri === 'string' && !c) {
      void vscode.window.showWarningMessage(vscode.l10n.t('This file names no Redis session store.'));
      return;
    }
    await vscode.commands.executeCommand('phpRedisSessions.sessions.focus');
    if (c) {
      store.rediscover();
      const node: Node = { kind: 'connection', connection: (await store.get(c.id)) ?? c };
      await view.reveal(node, { expand: true, select: true, focus: true }).then(undefined, () => undefined);
    }
  };
}
