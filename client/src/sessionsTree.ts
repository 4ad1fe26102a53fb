// The PHP Sessions view: connections → (hosts) → sessions (paged, with TTL, size, lock) →
// decoded variables. Nothing connects until a node is expanded or a command runs. Hosts' state is
// in hostState.ts, how nodes look in treeItems.ts.
import * as vscode from 'vscode';
import {
  chooseLayout,
  decodeSession,
  FRAMEWORK_LABELS,
  sortSessions,
  type DecodedSession,
  type SessionOrder,
} from '../../server/src/sessions/index.ts';
import type { SessionInfo } from '../../server/src/sessions/redis/index.ts';
import { config } from './config.ts';
import type { Connection, ConnectionStore } from './connections.ts';
import { MissingVariablesError } from './envValues.ts';
import { errorText } from './errorText.ts';
import { HostState, type Node } from './hostState.ts';
import { logError } from './output.ts';
import { ORDERS, treeItem, type TreeState } from './treeItems.ts';
import { sessionCaveats, sessionRows, variableRows } from './variableNodes.ts';

export { HostState, type Node, type SessionTotal } from './hostState.ts';
export { ORDERS, orderText } from './treeItems.ts';

/** ioredis and the scanner, evaluated at the first connection rather than at activation. */
export const loadRedis = (): Promise<typeof import('./redisRuntime.ts')> => import('./redisRuntime.ts');

const ORDER_KEY = 'phpRedisSessions.sessionOrder';

/** A session as the view decoded it, and the stored bytes it was decoded from. */
interface ShownSession {
  session: DecodedSession;
  bytes: Uint8Array;
}

export class SessionsTree implements vscode.TreeDataProvider<Node>, TreeState, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Hosts per connection id, created on first expansion. */
  private readonly hosts = new Map<string, HostState[]>();
  /**
   * Decoded sessions by host+id with the bytes they were decoded from, so expanding variables does
   * not refetch, and an edit writes only over what was shown.
   */
  private readonly decoded = new WeakMap<HostState, Map<string, ShownSession>>();
  /** The connection nodes the view holds (a refresh must name the very object the view knows). */
  private readonly roots = new Map<string, Extract<Node, { kind: 'connection' }>>();
  /** Id prefix filter per connection: survives Refresh, shown on the connection's row. */
  private readonly filters = new Map<string, string>();
  /** Connections whose password (or variables) were asked for since their last refresh: ask once. */
  private readonly asked = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ConnectionStore) {
    this.subscription = store.onDidChange((what) =>
      what === 'workspace' ? void this.reconcile().catch(() => this.refresh()) : this.refresh(),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    for (const list of this.hosts.values()) for (const h of list) this.closeHost(h);
  }

  private closeHost(h: HostState): void {
    h.stopCounting();
    h.scanner.close();
  }

  /** The order sessions are shown in (kept per workspace). */
  get order(): SessionOrder {
    const o = this.store.workspaceState.get<string>(ORDER_KEY, 'scan');
    return (ORDERS as readonly string[]).includes(o) ? (o as SessionOrder) : 'scan';
  }

  async setOrder(order: SessionOrder): Promise<void> {
    await this.store.workspaceState.update(ORDER_KEY, order);
    this.changed.fire(undefined);
  }

  /** The hosts of a connection listed so far (none before its first expansion). */
  knownHosts(connectionId: string): HostState[] {
    return this.hosts.get(connectionId) ?? [];
  }

  filterOf(connectionId: string): string {
    return this.filters.get(connectionId) ?? '';
  }

  /** Lists the connection's sessions whose id starts with `prefix` ('' lists them all). */
  setFilter(connection: Connection, prefix: string): void {
    if (prefix) this.filters.set(connection.id, prefix);
    else this.filters.delete(connection.id);
    for (const h of this.hosts.get(connection.id) ?? []) {
      h.reset();
      h.filter = prefix;
    }
    this.fireConnection(connection.id);
  }

  /** The view's own node of a connection, when it has shown it. */
  connectionNode(id: string): Extract<Node, { kind: 'connection' }> | undefined {
    return this.roots.get(id);
  }

  /** Tells the view a connection's row and children changed (the whole view when it has not shown it). */
  private fireConnection(id: string): void {
    this.changed.fire(this.roots.get(id));
  }

  /** Forgets a connection's listing: it reconnects (and may ask again) on its next expansion. */
  refreshConnection(id: string): void {
    for (const h of this.hosts.get(id) ?? []) this.closeHost(h);
    this.hosts.delete(id);
    this.asked.delete(id);
    this.fireConnection(id);
  }

  /** Lists a host again from its first page (after a write). */
  refreshHost(host: HostState): void {
    host.reset();
    this.decoded.delete(host);
    this.fireHost(host);
  }

  /** Forgets every listing (connections reconnect on the next expansion). */
  refresh(node?: Node): void {
    if (node && (node.kind === 'connection' || node.kind === 'host' || node.kind === 'message')) {
      if (node.kind === 'host') {
        this.refreshHost(node.host);
        return;
      }
      const id = node.kind === 'connection' ? node.connection.id : (node.connection?.id ?? node.host?.connection.id);
      if (id) this.refreshConnection(id);
      else this.changed.fire(undefined);
      return;
    }
    for (const list of this.hosts.values()) for (const h of list) this.closeHost(h);
    this.hosts.clear();
    this.asked.clear();
    this.changed.fire(undefined);
  }

  /**
   * After the workspace's files changed the connections they name: drops the listings of the
   * connections that are gone or now point elsewhere, keeps the others (open, paged, expanded).
   */
  private async reconcile(): Promise<void> {
    const current = new Map((await this.store.all()).map((c) => [c.id, c]));
    for (const [id, list] of this.hosts) {
      const c = current.get(id);
      const was = list[0]?.connection;
      if (!c || !was || c.address !== was.address || c.prefix !== was.prefix || c.readOnly !== was.readOnly) {
        for (const h of list) this.closeHost(h);
        this.hosts.delete(id);
      }
    }
    this.changed.fire(undefined);
  }

  /** The hosts of a connection (parsed once), or an error message. */
  async hostsOf(connection: Connection): Promise<HostState[]> {
    let list = this.hosts.get(connection.id);
    if (!list) {
      const targets = await this.store.targets(connection);
      const { SessionScanner } = await loadRedis();
      // (another expansion may have filled it while the module loaded)
      const again = this.hosts.get(connection.id);
      if (again) return again;
      const readOnly = connection.readOnly;
      const filter = this.filterOf(connection.id);
      list = targets.map((t) => {
        const h = new HostState(connection, t, new SessionScanner(t, { readOnly, pageSize: config.pageSize }));
        h.filter = filter;
        return h;
      });
      this.hosts.set(connection.id, list);
    }
    return list;
  }

  /**
   * A connection that named no prefix, with no phpredis session: are a framework's sessions there?
   * Then the host lists those (Laravel's cache prefix + 40-character ids, Symfony's sf_s).
   */
  private async detectLayout(host: HostState): Promise<boolean> {
    if (host.connection.prefix !== undefined || host.target.framework || host.filter) return false;
    const chosen = await chooseLayout(host.target, {}, (o) => host.scanner.sampleLayout(o));
    if (!chosen.detected) return false;
    const { SessionScanner } = await loadRedis();
    host.scanner.close();
    host.target = chosen.target;
    host.scanner = new SessionScanner(chosen.target, { readOnly: host.connection.readOnly, pageSize: config.pageSize });
    host.detected = true;
    return true;
  }

  async loadMore(host: HostState): Promise<void> {
    host.loading ??= (async () => {
      try {
        let page = await host.scanner.listPage({
          pageSize: config.pageSize,
          ...(host.state ? { state: host.state } : {}),
          ...(host.filter ? { pattern: host.filter } : {}),
        });
        if (!host.state && page.done && page.sessions.length === 0 && (await this.detectLayout(host)))
          page = await host.scanner.listPage({ pageSize: config.pageSize });
        host.sessions.push(...page.sessions);
        host.state = page.state;
        host.done = page.done;
        host.error = undefined;
        host.errorCode = undefined;
        if (page.done) {
          host.stopCounting();
          host.total = { count: host.loadedCount, exact: true };
        } else if (!host.total?.exact) {
          const estimate = host.scanner.estimateSessions(page.state);
          if (estimate !== undefined) host.total = { count: estimate, exact: false };
          host.startCounting(() => this.fireHost(host));
        }
      } catch (err) {
        host.error = errorText(err);
        host.errorCode = (err as { code?: string }).code;
        host.state = undefined;
        logError(`${host.connection.name} (${host.label}): ${host.error}`);
      } finally {
        host.loading = undefined;
      }
    })();
    await host.loading;
  }

  /** Tells the view a host's counts changed: its connection row (a single host) or its own row. */
  private fireHost(host: HostState): void {
    const list = this.hosts.get(host.connection.id) ?? [];
    if (list.length > 1) this.changed.fire(undefined);
    else this.fireConnection(host.connection.id);
  }

  async decode(host: HostState, session: SessionInfo): Promise<DecodedSession> {
    let cache = this.decoded.get(host);
    if (!cache) this.decoded.set(host, (cache = new Map()));
    const hit = cache.get(session.id);
    if (hit) return hit.session;
    const bytes = await host.scanner.getSession(session.id);
    if (bytes === null)
      throw new (await loadRedis()).RedisSessionError(
        vscode.l10n.t('Session {0} no longer exists (expired or deleted): refresh.', session.id),
        'CLOSED',
      );
    const decoded = decodeSession(bytes, { key: session.key, serializer: config.serializer });
    // (a framework layout names whose sessions they are; the decoder recognises the others by their bytes)
    if (host.target.framework && !decoded.framework) decoded.framework = host.target.framework;
    cache.set(session.id, { session: decoded, bytes });
    return decoded;
  }

  /** The session as the view last decoded it, while it keeps it. */
  decodedOf(host: HostState, id: string): DecodedSession | undefined {
    return this.decoded.get(host)?.get(id)?.session;
  }

  /** The stored bytes the view decoded (and showed) the session from, while it keeps them. */
  shownBytes(host: HostState, id: string): Uint8Array | undefined {
    return this.decoded.get(host)?.get(id)?.bytes;
  }

  /**
   * Shows a session anew (after an edit, or when it changed under the view): its size, TTL and lock
   * read again, its variables decoded again on the next expansion.
   */
  async refreshSession(host: HostState, id: string): Promise<void> {
    this.forget(host, id);
    const info = await host.scanner.getSessionInfo(id).catch(() => undefined);
    const i = host.sessions.findIndex((s) => s.id === id);
    if (info === null) {
      this.refreshHost(host);
      return;
    }
    if (info && i >= 0) host.sessions[i] = { ...host.sessions[i], ...info };
    this.changed.fire(undefined);
  }

  forget(host: HostState, id?: string): void {
    if (id === undefined) this.decoded.delete(host);
    else this.decoded.get(host)?.delete(id);
  }

  fire(node?: Node): void {
    this.changed.fire(node);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const all = await this.store.all();
      this.roots.clear();
      return all.map((connection) => {
        const n = { kind: 'connection' as const, connection };
        this.roots.set(connection.id, n);
        return n;
      });
    }
    switch (node.kind) {
      case 'connection':
        return this.connectionChildren(node.connection);
      case 'host':
        return this.sessionNodes(node.host);
      case 'session': {
        try {
          const known = this.decodedOf(node.host, node.session.id);
          const decoded = await this.decode(node.host, node.session);
          // Its row shows what PHP makes of it once decoded: redrawn once the view has its children.
          if (!known && sessionCaveats(decoded).length > 0) setTimeout(() => this.changed.fire(node), 500);
          return sessionRows(node.host, node.session, decoded);
        } catch (err) {
          return [{ kind: 'message', text: errorText(err), error: true }];
        }
      }
      case 'variable':
        return variableRows(node, this.decodedOf(node.host, node.session.id));
      default:
        return [];
    }
  }

  private async connectionChildren(connection: Connection): Promise<Node[]> {
    let hosts: HostState[];
    try {
      hosts = await this.hostsOf(connection);
    } catch (err) {
      if (err instanceof MissingVariablesError) {
        this.askVariables(connection, err.names);
        return [{ kind: 'message', text: err.message, connection, variables: err.names }];
      }
      logError(`${connection.name}: ${errorText(err)}`);
      return [{ kind: 'message', text: errorText(err), error: true, connection }];
    }
    if (hosts.length === 0)
      return [{ kind: 'message', text: vscode.l10n.t('The address names no Redis server.'), error: true, connection }];
    let allowed: boolean;
    try {
      allowed = await this.store.mayConnect(connection, hosts.map((h) => h.label).join(', '));
    } catch (err) {
      // (the confirmation could not be shown: nothing connects)
      return [{ kind: 'message', text: errorText(err), error: true, connection }];
    }
    if (!allowed) {
      return [
        {
          kind: 'message',
          text: vscode.l10n.t('Not connected: this untrusted workspace named the server. Refresh to ask again.'),
          connection,
        },
      ];
    }
    if (hosts.length > 1) return hosts.map((host) => ({ kind: 'host', host }));
    return this.sessionNodes(hosts[0]);
  }

  private async sessionNodes(host: HostState): Promise<Node[]> {
    if (!host.state && !host.done && !host.error && host.sessions.length === 0) {
      await this.loadMore(host);
      // The connection's row shows the count: told once the view has taken these children (a
      // refresh of the row while VS Code still registers them loses them: "No tree item with id").
      if ((this.hosts.get(host.connection.id) ?? []).length === 1) setTimeout(() => this.fireHost(host), 500);
    }
    const nodes: Node[] = sortSessions(host.sessions, this.order).map((session) => ({
      kind: 'session',
      host,
      session,
    }));
    if (host.detected && host.target.framework)
      nodes.unshift({
        kind: 'message',
        text: vscode.l10n.t(
          '{0} sessions under "{1}" (read from the keys: no phpredis session here)',
          FRAMEWORK_LABELS[host.target.framework],
          host.target.prefix,
        ),
        host,
      });
    if (host.error) {
      const auth = host.errorCode === 'NOAUTH' || host.errorCode === 'WRONGPASS';
      nodes.push({ kind: 'message', text: host.error, error: true, host, auth });
      if (auth) this.askPassword(host.connection, host.error);
    } else if (!host.done) nodes.push({ kind: 'more', host });
    else if (host.sessions.length === 0)
      nodes.push({
        kind: 'message',
        text: host.filter
          ? vscode.l10n.t('No session id starts with "{0}"', host.filter)
          : vscode.l10n.t('No sessions'),
        host,
      });
    return nodes;
  }

  /**
   * Redis wants a password (NOAUTH) or refused this one (WRONGPASS): asks for it once, keeps it in
   * the secret storage and lists again by itself. Cancelled, the row keeps Set Password… and Retry.
   */
  private askPassword(connection: Connection, reason: string): void {
    if (this.asked.has(connection.id)) return;
    this.asked.add(connection.id);
    void (async () => {
      const password = await vscode.window.showInputBox({
        title: vscode.l10n.t('Password for {0}', connection.name),
        prompt: vscode.l10n.t("{0} It is kept in VS Code's secret storage.", reason),
        password: true,
        ignoreFocusOut: true,
      });
      if (!password) return;
      await this.store.setPassword(connection.id, password);
      this.refreshConnection(connection.id);
      // (asked once more only if this one is refused too)
    })().catch((err: unknown) => logError(`${connection.name}: ${errorText(err)}`));
  }

  /** A workspace save_path reads `${VAR}` nobody gave a value for: asks once, then lists. */
  private askVariables(connection: Connection, names: string[]): void {
    if (this.asked.has(connection.id)) return;
    this.asked.add(connection.id);
    void vscode.commands.executeCommand('phpRedisSessions.setVariable', this.roots.get(connection.id), names);
  }

  /** Only connections are revealed (from the code lens): they sit at the root. */
  getParent(node: Node): Node | undefined {
    if (node.kind === 'host' || node.kind === 'more')
      return this.roots.get(node.host.connection.id) ?? { kind: 'connection', connection: node.host.connection };
    return undefined;
  }

  /** How the view shows a node (client/src/treeItems.ts). */
  getTreeItem(node: Node): vscode.TreeItem {
    return treeItem(node, this);
  }
}
