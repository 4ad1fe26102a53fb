// The PHP Sessions view's commands (palette and menus). Writes are refused on read-only
// connections (the scanner refuses them too); destructive ones ask first.
import * as vscode from 'vscode';
import { toCanonicalJson } from '../../server/src/sessions/canonicalJson.ts';
import { describeTarget, parseConnectionTargets } from '../../server/src/sessions/connectionTarget.ts';
import { testConnection } from '../../server/src/sessions/redisConnection.ts';
import { connectionFromDocument, type Connection, type ConnectionStore } from './connections.ts';
import { documentKind } from '../../server/src/core/lint.ts';
import type { SessionDocuments } from './sessionDocument.ts';
import { errorText, type HostState, type Node, type SessionsTree } from './sessionsTree.ts';

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
    if (n && typeof n === 'object' && (n as Node).kind === 'connection') return (n as Extract<Node, { kind: 'connection' }>).connection;
    const all = await store.all();
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No Redis connection yet: add one first.');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const pick = await vscode.window.showQuickPick(
      all.map((c) => ({ label: c.name, description: c.source, c })),
      { title: 'Which connection?' },
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
      `"${host.connection.name}" is read-only. Set "readOnly": false for it (or phpRedisSessions.readOnly) to change sessions.`,
    );
    return true;
  };

  const run = <A extends unknown[]>(id: string, fn: (...args: A) => Promise<unknown> | unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: A) => {
      try {
        await fn(...args);
      } catch (err) {
        // No command ends in an unhandled rejection: the user sees Redis's own words.
        void vscode.window.showErrorMessage(`PHP Redis Sessions: ${errorText(err)}`);
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
      const prefix = await vscode.window.showInputBox({ title: 'Filter sessions by id prefix', value: hosts[0].filter, prompt: 'Empty shows every session' });
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
      const text = await vscode.window.showInputBox({ title: 'Find sessions containing text', prompt: 'Searches the stored values (raw bytes)' });
      if (!text) return;
      const found = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Searching sessions for "${text}"`, cancellable: true },
        async (progress, token) => {
          const ctl = new AbortController();
          token.onCancellationRequested(() => ctl.abort());
          const all: { host: HostState; id: string; size: number }[] = [];
          for (const host of hosts) {
            const matches = await host.scanner.findSessionsContaining(text, {
              signal: ctl.signal,
              limit: 500,
              onProgress: (p) => progress.report({ message: `${p.scanned} scanned, ${p.matched} found` }),
            });
            all.push(...matches.map((m) => ({ host, id: m.id, size: m.size })));
          }
          return all;
        },
      );
      if (found.length === 0) {
        void vscode.window.showInformationMessage(`No session contains "${text}".`);
        return;
      }
      const pick = await vscode.window.showQuickPick(
        found.map((f) => ({ label: f.id, description: `${f.size} bytes · ${f.host.label}`, f })),
        { title: `${found.length} session${found.length === 1 ? '' : 's'} contain "${text}"` },
      );
      if (!pick) return;
      const info = await pick.f.host.scanner.getSessionInfo(pick.f.id);
      if (info) await vscode.commands.executeCommand('phpRedisSessions.openSession', { kind: 'session', host: pick.f.host, session: info });
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
      vscode.window.setStatusBarMessage('Session copied as JSON', 3000);
    }),
    run('phpRedisSessions.setTtl', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (!s || refuseReadOnly(s.host)) return;
      const value = await vscode.window.showInputBox({
        title: `TTL of ${s.session.id}`,
        prompt: 'Seconds; empty removes the expiry',
        value: s.session.ttl > 0 ? String(s.session.ttl) : '',
        validateInput: (v) => (v === '' || /^\d+$/.test(v) ? undefined : 'A whole number of seconds'),
      });
      if (value === undefined) return;
      await s.host.scanner.setTtl(s.session.id, value === '' ? null : Number(value));
      tree.refresh({ kind: 'host', host: s.host });
    }),
    run('phpRedisSessions.deleteSession', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (!s || refuseReadOnly(s.host)) return;
      const yes = 'Delete';
      const answer = await vscode.window.showWarningMessage(`Delete session ${s.session.id}? Its user is logged out.`, { modal: true }, yes);
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
        title: `Delete every session of "${c.name}"`,
        prompt: `Every user is logged out. Type the connection name (${c.name}) to confirm.`,
        validateInput: (v) => (v === c.name ? undefined : 'Type the connection name exactly'),
      });
      if (typed !== c.name) return;
      const deleted = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Deleting sessions of ${c.name}`, cancellable: true },
        async (progress, token) => {
          const ctl = new AbortController();
          token.onCancellationRequested(() => ctl.abort());
          let total = 0;
          for (const h of hosts) total += await h.scanner.deleteAllSessions({ signal: ctl.signal, onProgress: (d) => progress.report({ message: `${total + d} deleted` }) });
          return total;
        },
      );
      void vscode.window.showInformationMessage(`${deleted} session${deleted === 1 ? '' : 's'} deleted.`);
      tree.refresh({ kind: 'connection', connection: c });
    }),
    run('phpRedisSessions.releaseLock', async (n?: SessionNode) => {
      const s = sessionArg(n);
      if (!s || refuseReadOnly(s.host)) return;
      const yes = 'Release';
      const answer = await vscode.window.showWarningMessage(
        `Release the lock of ${s.session.id}${s.session.lock?.owner ? ` held by ${s.session.lock.owner}` : ''}? A request still running may then write over another.`,
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
      for (const h of hosts) for (const info of await h.scanner.serverInfo()) parts.push(`# ${info.node}\n${info.text}`);
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
        void vscode.window.showWarningMessage('This file names no Redis session store.');
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
        title: 'Add a Redis connection (1/2)',
        prompt: 'A redis:// or rediss:// URL, or a session.save_path (tcp://host:6379?auth=…). The password goes to VS Code\'s secret storage.',
        password: false,
        ignoreFocusOut: true,
        validateInput: (v) => {
          if (!v.trim()) return 'An address is needed';
          try {
            parseConnectionTargets(v.trim(), { env: {} });
            return undefined;
          } catch (err) {
            return errorText(err);
          }
        },
      });
      if (!address) return;
      const name = await vscode.window.showInputBox({ title: 'Add a Redis connection (2/2)', prompt: 'A name for it', value: describeTarget(parseConnectionTargets(address.trim(), { env: {} })[0]).slice(0, 60), ignoreFocusOut: true });
      if (!name) return;
      await store.add(name, address);
    }),
    run('phpRedisSessions.editConnection', async (n?: Node) => {
      const c = await pickConnection(n);
      if (!c) return;
      if (c.source !== 'added') {
        void vscode.window.showInformationMessage(c.source === 'settings' ? 'This connection comes from settings: edit phpRedisSessions.connections.' : 'This connection comes from a workspace file: edit the file.');
        if (c.source === 'settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'phpRedisSessions.connections');
        return;
      }
      const address = await vscode.window.showInputBox({ title: `Edit ${c.name}`, value: c.address, prompt: 'Leave the password out to keep the stored one', ignoreFocusOut: true });
      if (!address) return;
      await store.add(c.name, address, c.prefix, c.id);
    }),
    run('phpRedisSessions.removeConnection', async (n?: Node) => {
      const c = await pickConnection(n);
      if (!c) return;
      if (c.source !== 'added') {
        void vscode.window.showInformationMessage('Only connections added with "Add connection…" can be removed here.');
        return;
      }
      const yes = 'Remove';
      if ((await vscode.window.showWarningMessage(`Remove the connection "${c.name}" and its stored password?`, { modal: true }, yes)) !== yes) return;
      await store.remove(c.id);
    }),
    run('phpRedisSessions.setPassword', async (n?: Node) => {
      const c = await pickConnection(n);
      if (!c) return;
      const password = await vscode.window.showInputBox({ title: `Password for ${c.name}`, password: true, prompt: 'Kept in VS Code\'s secret storage; empty removes it', ignoreFocusOut: true });
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
    void vscode.window.showWarningMessage('No usable session.save_path here (a ${VAR} is only known at run time).');
    return;
  }
  await reportTests(await store.targets(c), c, store);
}

async function reportTests(targets: Awaited<ReturnType<ConnectionStore['targets']>>, c: Connection, store: ConnectionStore): Promise<void> {
  if (!(await store.mayConnect(c, targets.map(describeTarget).join(', ')))) return;
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Testing ${c.name}…` },
    () => Promise.all(targets.map((t) => testConnection(t))),
  );
  for (const r of results) {
    if (r.ok) {
      void vscode.window.showInformationMessage(
        `${r.label}: Redis ${r.redisVersion} (${r.mode}), ${r.sessionCount}${r.sessionCountComplete ? '' : '+'} session${r.sessionCount === 1 ? '' : 's'}, ${r.latencyMs} ms.`,
      );
    } else {
      void vscode.window.showErrorMessage(`${r.label}: ${r.error}`);
    }
  }
}
