// The PHP Sessions view's commands (palette and menus). Writes are refused on read-only
// connections (the scanner refuses them too); destructive ones ask first.
import * as vscode from 'vscode';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { describeTarget, parseConnectionTargets } from '../../server/src/sessions/connectionTarget.ts';
import { connectionFromDocument, type Connection, type ConnectionStore } from './connections.ts';
import { documentKind } from '../../server/src/core/lint.ts';
import type { SessionDocuments } from './sessionDocument.ts';
import { errorText } from './errorText.ts';
import { loadRedis, type HostState, type Node, type SessionsTree } from './sessionsTree.ts';

type SessionNode = Extract<Node, { kind: 'session' }>;

export interface SessionCommandDeps {
  context: vscode.ExtensionContext;
  store: ConnectionStore;
  tree: SessionsTree;
  view: vscode.TreeView<Node>;
  documents: SessionDocuments;
}

function isSession(n: unknown): n is SessionNode {
  return !!n && typeof n === 'object' && (n as Node).kind === 'session';
}

export function registerSessionCommands(deps: SessionCommandDeps): vscode.Disposable[] {
  const { store, tree, view, documents } = deps;

  /** The session node a command acts on: the argument, else the tree's selection. */
  const sessionArg = (n: unknown): SessionNode | undefined => (isSession(n) ? n : view.selection.find(isSession));

  const pickConnection = async (n: unknown): Promise<Connection | undefined> => {
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
  };

  const hostsFor = async (n: unknown): Promise<HostState[]> => {
    if (n && typeof n === 'object' && (n as Node).kind === 'host') return [(n as Extract<Node, { kind: 'host' }>).host];
    const c = await pickConnection(n);
    if (!c) return [];
    const hosts = await tree.hostsOf(c);
    if (!(await store.mayConnect(c, hosts.map((h) => h.label).join(', ')))) return [];
    return hosts;
  };

  const refuseReadOnly = (host: HostState): boolean => {
    if (!host.connection.readOnly) return false;
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        '"{0}" is read-only. Set "readOnly": false for it (or phpRedisSessions.readOnly) to change sessions.',
        host.connection.name,
      ),
    );
    return true;
  };

  const run = <A extends unknown[]>(id: string, fn: (...args: A) => Promise<unknown> | unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: A) => {
      try {
        await fn(...args);
      } catch (err) {
        // No command ends in an unhandled rejection: the user sees Redis's own words.
        void vscode.window.showErrorMessage(vscode.l10n.t('PHP Redis Sessions: {0}', errorText(err)));
      }
    });

  return [
    run('phpRedisSessions.refresh', (n?: Node) => {
      if (!n) store.rediscover();
      tree.refresh(n);
    }),
    run('phpRedisSessions.retry', (n?: Node) => tree.refresh(n)),
    run('phpRedisSessions.loadMore', async (n?: Extract<Node, { kind: 'more' }>) => {
      if (!n) return;
      await tree.loadMore(n.host);
      tree.fire(undefined);
    }),
    run('phpRedisSessions.filter', async (n?: Node) => {
      const hosts = await hostsFor(n);
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
      tree.fire(undefined);
    }),
    run('phpRedisSessions.findSessions', async (n?: Node) => {
      const hosts = await hostsFor(n);
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
    }),
    run('phpRedisSessions.openSession', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (!s) return;
      const doc = await vscode.workspace.openTextDocument(documents.uriFor(s.host, s.session, 'json'));
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    run('phpRedisSessions.openSessionRaw', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (!s) return;
      const doc = await vscode.workspace.openTextDocument(documents.uriFor(s.host, s.session, 'raw'));
      await vscode.languages.setTextDocumentLanguage(doc, 'php-serialized');
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    run('phpRedisSessions.copySessionId', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (s) await vscode.env.clipboard.writeText(s.session.id);
    }),
    run('phpRedisSessions.copyAsJson', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (!s) return;
      tree.forget(s.host, s.session.id);
      await vscode.env.clipboard.writeText(toCanonicalJson(await tree.decode(s.host, s.session), 2));
      vscode.window.setStatusBarMessage(vscode.l10n.t('Session copied as JSON'), 3000);
    }),
    run('phpRedisSessions.setTtl', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (!s || refuseReadOnly(s.host)) return;
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('TTL of {0}', s.session.id),
        prompt: vscode.l10n.t('Seconds; empty removes the expiry'),
        value: s.session.ttl > 0 ? String(s.session.ttl) : '',
        validateInput: (v) => (v === '' || /^\d+$/.test(v) ? undefined : vscode.l10n.t('A whole number of seconds')),
      });
      if (value === undefined) return;
      await s.host.scanner.setTtl(s.session.id, value === '' ? null : Number(value));
      tree.refresh({ kind: 'host', host: s.host });
    }),
    run('phpRedisSessions.deleteSession', async (n?: SessionNode) => {
      const s = sessionArg(n);
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
      tree.forget(s.host, s.session.id);
      tree.fire(undefined);
    }),
    run('phpRedisSessions.deleteAllSessions', async (n?: Node) => {
      const c = await pickConnection(n);
      if (!c) return;
      const hosts = await hostsFor({ kind: 'connection', connection: c });
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
      tree.refresh({ kind: 'connection', connection: c });
    }),
    run('phpRedisSessions.releaseLock', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (!s || refuseReadOnly(s.host)) return;
      const yes = vscode.l10n.t('Release');
      const answer = await vscode.window.showWarningMessage(
        s.session.lock?.owner
          ? vscode.l10n.t(
              'Release the lock of {0} held by {1}? A request still running may then write over another.',
              s.session.id,
              s.session.lock.owner,
            )
          : vscode.l10n.t(
              'Release the lock of {0}? A request still running may then write over another.',
              s.session.id,
            ),
        { modal: true },
        yes,
      );
      if (answer !== yes) return;
      await s.host.scanner.releaseLock(s.session.id, s.session.lock?.owner ?? undefined);
      tree.refresh({ kind: 'host', host: s.host });
    }),
    run('phpRedisSessions.showServerInfo', async (n?: Node) => {
      const hosts = await hostsFor(n);
      const parts: string[] = [];
      for (const h of hosts)
        for (const info of await h.scanner.serverInfo()) parts.push(`# ${info.node}\n${info.text}`);
      if (parts.length === 0) return;
      const doc = await vscode.workspace.openTextDocument({ content: parts.join('\n'), language: 'properties' });
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    run('phpRedisSessions.testConnection', async (n?: unknown, offset?: number) => {
      // From the code lens: (document uri, offset of the save_path); else a tree node.
      if (typeof n === 'string' && typeof offset === 'number') return testDocumentConnection(store, n);
      const c = await pickConnection(n);
      if (!c) return;
      await reportTests(await store.targets(c), c, store);
    }),
    run('phpRedisSessions.browseSessions', async (uri?: string) => {
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
    }),
    run('phpRedisSessions.addConnection', async () => {
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
    }),
    run('phpRedisSessions.editConnection', async (n?: Node) => {
      const c = await pickConnection(n);
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
      });
      if (!address) return;
      await store.add(c.name, address, c.prefix, c.id);
    }),
    run('phpRedisSessions.removeConnection', async (n?: Node) => {
      const c = await pickConnection(n);
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
      await store.remove(c.id);
    }),
    run('phpRedisSessions.setPassword', async (n?: Node) => {
      const c = await pickConnection(n);
      if (!c) return;
      const password = await vscode.window.showInputBox({
        title: vscode.l10n.t('Password for {0}', c.name),
        password: true,
        prompt: vscode.l10n.t("Kept in VS Code's secret storage; empty removes it"),
        ignoreFocusOut: true,
      });
      if (password === undefined) return;
      await store.setPassword(c.id, password === '' ? undefined : password);
      tree.refresh({ kind: 'connection', connection: c });
    }),
  ];
}

async function documentConnection(uri: string): Promise<Connection | undefined> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const kind = documentKind(doc.uri.path);
  return kind ? connectionFromDocument(doc.getText(), kind, doc.uri) : undefined;
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

async function reportTests(
  targets: Awaited<ReturnType<ConnectionStore['targets']>>,
  c: Connection,
  store: ConnectionStore,
): Promise<void> {
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
