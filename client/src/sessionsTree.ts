// The PHP Sessions view: connections → (hosts) → sessions (paged, with TTL, size, lock) →
// decoded variables. Nothing connects until a node is expanded or a command runs.
import * as vscode from 'vscode';
import {
  chooseLayout,
  decodeSession,
  describeTarget,
  formatSize,
  formatTtl,
  FRAMEWORK_LABELS,
  phpChildren,
  phpHasChildren,
  phpSummary,
  presentSession,
  type ConnectionTarget,
  type DecodedSession,
  type FrameworkView,
  type PhpValue,
} from '../../server/src/sessions/index.ts';
import type { ScanState, SessionInfo, SessionScanner } from '../../server/src/sessions/redis/index.ts';
import { config } from './config.ts';
import type { Connection, ConnectionStore } from './connections.ts';
import { errorText } from './errorText.ts';

/** ioredis and the scanner, evaluated at the first connection rather than at activation. */
export const loadRedis = (): Promise<typeof import('./redisRuntime.ts')> => import('./redisRuntime.ts');

/** One Redis server (or cluster) of a connection, with its listing state. */
export class HostState {
  sessions: SessionInfo[] = [];
  state: ScanState | undefined;
  done = false;
  error: string | undefined;
  filter = '';
  loading: Promise<void> | undefined;
  /** The framework layout was read from the keys (the connection named no prefix and phpredis's had none). */
  detected = false;
  constructor(
    readonly connection: Connection,
    public target: ConnectionTarget,
    public scanner: SessionScanner,
  ) {}
  get label(): string {
    return describeTarget(this.target);
  }
  reset(): void {
    this.sessions = [];
    this.state = undefined;
    this.done = false;
    this.error = undefined;
  }
}

export type Node =
  | { kind: 'connection'; connection: Connection }
  | { kind: 'host'; host: HostState }
  | { kind: 'session'; host: HostState; session: SessionInfo }
  | {
      kind: 'variable';
      host: HostState;
      session: SessionInfo;
      label: string;
      detail?: string;
      /** A framework's reading of the value (a timestamp as a date): shown instead of the value. */
      display?: string;
      value: PhpValue;
      path: string;
    }
  | { kind: 'more'; host: HostState }
  | { kind: 'message'; text: string; error?: boolean; host?: HostState; connection?: Connection };

/**
 * A framework's session: who it is and where from, the framework's own keys explained (a CSRF
 * token, `_sf2_meta`'s dates), then the application's attributes.
 */
function frameworkNodes(host: HostState, session: SessionInfo, view: FrameworkView): Node[] {
  const nodes: Node[] = [];
  if (view.summary) nodes.push({ kind: 'message', text: `${FRAMEWORK_LABELS[view.framework]} · ${view.summary}` });
  for (const f of view.fields)
    nodes.push({
      kind: 'variable',
      host,
      session,
      label: f.label,
      detail: f.name,
      ...(f.display !== undefined ? { display: f.display } : {}),
      value: f.value,
      path: f.name,
    });
  view.attributes.forEach(([label, value], i) =>
    nodes.push({ kind: 'variable', host, session, label, value, path: view.attributePaths[i] ?? label }),
  );
  return nodes;
}

/** A TTL as the tree shows it. */
function ttlText(seconds: number): string {
  return formatTtl(seconds, vscode.l10n.t('no TTL'));
}

/** Text shown inside a MarkdownString as itself (a connection name may contain `*`, `_`, `[`…). */
function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export class SessionsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Hosts per connection id, created on first expansion. */
  private readonly hosts = new Map<string, HostState[]>();
  /** Decoded sessions by host+id, so expanding variables does not refetch. */
  private readonly decoded = new WeakMap<HostState, Map<string, DecodedSession>>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ConnectionStore) {
    this.subscription = store.onDidChange((what) =>
      what === 'workspace' ? void this.reconcile().catch(() => this.refresh()) : this.refresh(),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    for (const list of this.hosts.values()) for (const h of list) h.scanner.close();
  }

  /** Forgets every listing (connections reconnect on the next expansion). */
  refresh(node?: Node): void {
    if (node && (node.kind === 'connection' || node.kind === 'host' || node.kind === 'message')) {
      const id =
        node.kind === 'connection'
          ? node.connection.id
          : node.kind === 'host'
            ? node.host.connection.id
            : (node.connection?.id ?? node.host?.connection.id);
      const list = id ? this.hosts.get(id) : undefined;
      if (node.kind === 'host') {
        node.host.reset();
        this.decoded.delete(node.host);
      } else if (list) {
        for (const h of list) h.scanner.close();
        this.hosts.delete(id!);
      }
      this.changed.fire(node.kind === 'message' ? undefined : node);
      return;
    }
    for (const list of this.hosts.values()) for (const h of list) h.scanner.close();
    this.hosts.clear();
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
        for (const h of list) h.scanner.close();
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
      list = targets.map(
        (t) => new HostState(connection, t, new SessionScanner(t, { readOnly, pageSize: config.pageSize })),
      );
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
      } catch (err) {
        host.error = errorText(err);
        host.state = undefined;
      } finally {
        host.loading = undefined;
      }
    })();
    await host.loading;
  }

  async decode(host: HostState, session: SessionInfo): Promise<DecodedSession> {
    let cache = this.decoded.get(host);
    if (!cache) this.decoded.set(host, (cache = new Map()));
    const hit = cache.get(session.id);
    if (hit) return hit;
    const bytes = await host.scanner.getSession(session.id);
    if (bytes === null)
      throw new (await loadRedis()).RedisSessionError(
        vscode.l10n.t('Session {0} no longer exists (expired or deleted): refresh.', session.id),
        'CLOSED',
      );
    const decoded = decodeSession(bytes, { key: session.key, serializer: config.serializer });
    // (a framework layout names whose sessions they are; the decoder recognises the others by their bytes)
    if (host.target.framework && !decoded.framework) decoded.framework = host.target.framework;
    cache.set(session.id, decoded);
    return decoded;
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
      return all.map((connection) => ({ kind: 'connection', connection }));
    }
    switch (node.kind) {
      case 'connection': {
        let hosts: HostState[];
        try {
          hosts = await this.hostsOf(node.connection);
        } catch (err) {
          return [{ kind: 'message', text: errorText(err), error: true, connection: node.connection }];
        }
        if (hosts.length === 0)
          return [
            {
              kind: 'message',
              text: vscode.l10n.t('The address names no Redis server.'),
              error: true,
              connection: node.connection,
            },
          ];
        let allowed: boolean;
        try {
          allowed = await this.store.mayConnect(node.connection, hosts.map((h) => h.label).join(', '));
        } catch (err) {
          // (the confirmation could not be shown: nothing connects)
          return [{ kind: 'message', text: errorText(err), error: true, connection: node.connection }];
        }
        if (!allowed) {
          return [
            {
              kind: 'message',
              text: vscode.l10n.t('Not connected: this untrusted workspace named the server. Refresh to ask again.'),
              connection: node.connection,
            },
          ];
        }
        if (hosts.length > 1) return hosts.map((host) => ({ kind: 'host', host }));
        return this.sessionNodes(hosts[0]);
      }
      case 'host':
        return this.sessionNodes(node.host);
      case 'session': {
        try {
          const decoded = await this.decode(node.host, node.session);
          if (decoded.variables.length === 0) return [{ kind: 'message', text: vscode.l10n.t('Empty session') }];
          const view = decoded.framework ? presentSession(decoded.framework, decoded.variables) : undefined;
          if (view) return frameworkNodes(node.host, node.session, view);
          return decoded.variables.map(([label, value]) => ({
            kind: 'variable',
            host: node.host,
            session: node.session,
            label,
            value,
            path: label,
          }));
        } catch (err) {
          return [{ kind: 'message', text: errorText(err), error: true }];
        }
      }
      case 'variable':
        return phpChildren(node.value).map((c) => ({
          kind: 'variable',
          host: node.host,
          session: node.session,
          label: c.label,
          ...(c.detail ? { detail: c.detail } : {}),
          value: c.value,
          path: `${node.path}.${c.label}`,
        }));
      default:
        return [];
    }
  }

  private async sessionNodes(host: HostState): Promise<Node[]> {
    if (!host.state && !host.done && !host.error && host.sessions.length === 0) await this.loadMore(host);
    const nodes: Node[] = host.sessions.map((session) => ({ kind: 'session', host, session }));
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
    if (host.error) nodes.push({ kind: 'message', text: host.error, error: true, host });
    else if (!host.done) nodes.push({ kind: 'more', host });
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

  /** Only connections are revealed (from the code lens): they sit at the root. */
  getParent(node: Node): Node | undefined {
    if (node.kind === 'host' || node.kind === 'more') return { kind: 'connection', connection: node.host.connection };
    return undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'connection': {
        const c = node.connection;
        const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `c:${c.id}`;
        const framework = c.framework ?? this.hosts.get(c.id)?.find((h) => h.detected)?.target.framework;
        const where =
          c.source === 'workspace' ? vscode.l10n.t('from workspace') : c.readOnly ? vscode.l10n.t('read-only') : '';
        item.description = framework ? [FRAMEWORK_LABELS[framework], where].filter(Boolean).join(' · ') : where;
        const origin =
          c.source === 'workspace'
            ? c.framework
              ? vscode.l10n.t("From the workspace's {0} configuration", FRAMEWORK_LABELS[c.framework])
              : vscode.l10n.t("From the workspace's session.save_path")
            : c.source === 'settings'
              ? vscode.l10n.t('From settings')
              : vscode.l10n.t('Added');
        const layout = c.framework
          ? `\n\n${vscode.l10n.t('{0} sessions, key prefix {1}', FRAMEWORK_LABELS[c.framework], `\`${c.prefix ?? ''}\``)}`
          : '';
        const password = c.passwordVar
          ? `\n\n${vscode.l10n.t('The password is in {0}, which is never read: Set Password… gives it.', `\`${c.passwordVar}\``)}`
          : '';
        item.tooltip = new vscode.MarkdownString(
          `**${markdownText(c.name)}**\n\n${origin} · ${c.readOnly ? vscode.l10n.t('read-only') : vscode.l10n.t('writable')}${layout}${password}`,
        );
        item.iconPath = new vscode.ThemeIcon(c.source === 'workspace' ? 'file-code' : 'database');
        item.contextValue = `phpRedisSessions.connection.${c.readOnly ? 'ro' : 'rw'}.${c.source}`;
        return item;
      }
      case 'host': {
        const item = new vscode.TreeItem(node.host.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `h:${node.host.connection.id}:${node.host.label}`;
        item.iconPath = new vscode.ThemeIcon('server');
        item.description = node.host.filter ? vscode.l10n.t('filter: {0}*', node.host.filter) : '';
        item.contextValue = `phpRedisSessions.host.${node.host.connection.readOnly ? 'ro' : 'rw'}`;
        return item;
      }
      case 'session': {
        const s = node.session;
        const item = new vscode.TreeItem(
          s.id,
          s.lockOnly ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `s:${node.host.connection.id}:${node.host.label}:${s.key}`;
        item.description = `${ttlText(s.ttl)} · ${formatSize(s.size)}${s.locked ? ` · ${vscode.l10n.t('locked')}` : ''}`;
        const lock = s.lock
          ? `\n\n${vscode.l10n.t('Locked by {0}', `\`${s.lock.owner ?? '?'}\``)}, ${s.lock.noExpiry ? vscode.l10n.t('**lock without TTL** (stuck until released)') : vscode.l10n.t('lock expires in {0} s', Math.ceil(s.lock.ttlMs / 1000))}`
          : '';
        item.tooltip = new vscode.MarkdownString(
          `\`${s.key}\`\n\n${vscode.l10n.t('TTL {0} · {1} bytes', ttlText(s.ttl), s.size)}${s.node ? ` · ${vscode.l10n.t('node {0}', s.node)}` : ''}${lock}`,
        );
        item.iconPath = new vscode.ThemeIcon(s.lock?.noExpiry ? 'warning' : s.locked ? 'lock' : 'account');
        item.contextValue = `phpRedisSessions.session.${node.host.connection.readOnly ? 'ro' : 'rw'}${s.locked ? '.locked' : ''}`;
        item.command = {
          command: 'phpRedisSessions.openSession',
          title: vscode.l10n.t('Open Session'),
          arguments: [node],
        };
        return item;
      }
      case 'variable': {
        const item = new vscode.TreeItem(
          node.label,
          phpHasChildren(node.value) ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.description = node.display ?? `${node.detail ? `${node.detail} · ` : ''}${phpSummary(node.value)}`;
        item.tooltip =
          node.display !== undefined
            ? `${node.detail ? `${node.detail}: ` : ''}${phpSummary(node.value, 2000)}`
            : phpSummary(node.value, 2000);
        item.contextValue = 'phpRedisSessions.variable';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = {
          command: 'phpRedisSessions.loadMore',
          title: vscode.l10n.t('Load More Sessions'),
          arguments: [node],
        };
        item.contextValue = 'phpRedisSessions.more';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info');
        item.tooltip = node.text;
        item.contextValue = node.error ? 'phpRedisSessions.error' : 'phpRedisSessions.message';
        return item;
      }
    }
  }
}
