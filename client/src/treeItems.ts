// How the PHP Sessions view shows its nodes: a connection's row (origin, read-only, filter, count,
// its tooltip), hosts, sessions (compact id, TTL, size, lock), variables, Load more (how many are
// loaded of how many) and message rows (Set Password…, Set Value… on them).
import * as vscode from 'vscode';
import {
  compactId,
  FRAMEWORK_LABELS,
  formatCount,
  formatSize,
  formatTtl,
  phpHasChildren,
  phpSummary,
  type DecodedSession,
  type SessionOrder,
} from '../../server/src/sessions/index.ts';
import { config } from './config.ts';
import { connectionTooltip } from './connectionText.ts';
import type { HostState, Node } from './hostState.ts';
import { sessionCaveats } from './variableNodes.ts';

/** What the items need to know of the view's state. */
export interface TreeState {
  knownHosts(connectionId: string): HostState[];
  filterOf(connectionId: string): string;
  readonly order: SessionOrder;
  connectionNode(connectionId: string): Extract<Node, { kind: 'connection' }> | undefined;
  /** The session as the view decoded it, once expanded or opened. */
  decodedOf(host: HostState, id: string): DecodedSession | undefined;
}

/** A TTL as the tree shows it. */
function ttlText(seconds: number): string {
  return formatTtl(seconds, vscode.l10n.t('no TTL'));
}

/** The orders of Sort Sessions…, as offered. */
export const ORDERS: readonly SessionOrder[] = ['scan', 'id', 'ttl', 'ttl-desc', 'size'];

/** How each order reads in the view (descriptions, tooltips, the Sort picker). */
export function orderText(order: SessionOrder): string {
  switch (order) {
    case 'scan':
      return vscode.l10n.t('as listed by Redis');
    case 'id':
      return vscode.l10n.t('by id');
    case 'ttl':
      return vscode.l10n.t('by TTL, shortest first');
    case 'ttl-desc':
      return vscode.l10n.t('by TTL, longest first');
    case 'size':
      return vscode.l10n.t('by size, largest first');
  }
}

/** The count a row shows: `50,000 sessions`, `≈ 49,800 sessions`, `200+ sessions` while unknown. */
function countText(host: HostState): string {
  const total = host.total;
  if (!total) return host.sessions.length ? vscode.l10n.t('{0}+ sessions', formatCount(host.loadedCount)) : '';
  return total.count === 1 && total.exact
    ? vscode.l10n.t('1 session')
    : vscode.l10n.t('{0} sessions', formatCount(total.count, total.exact));
}

/** How the view shows a node: label, description, tooltip, icon, context value, click command. */
export function treeItem(node: Node, tree: TreeState): vscode.TreeItem {
  switch (node.kind) {
    case 'connection': {
      const c = node.connection;
      const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `c:${c.id}`;
      const hosts = tree.knownHosts(c.id);
      const single = hosts.length === 1 ? hosts[0] : undefined;
      const filter = tree.filterOf(c.id);
      const framework = c.framework ?? hosts.find((h) => h.detected)?.target.framework;
      // The count first: a narrow side bar cuts the end of the description.
      const parts = [
        single && !single.error ? countText(single) : '',
        filter ? vscode.l10n.t('filter: {0}*', filter) : '',
        framework ? FRAMEWORK_LABELS[framework] : '',
        c.source === 'workspace' ? vscode.l10n.t('from workspace') : c.readOnly ? vscode.l10n.t('read-only') : '',
      ].filter(Boolean);
      item.description = parts.join(' · ');
      item.tooltip = connectionTooltip(c, {
        filter,
        order: tree.order === 'scan' ? undefined : orderText(tree.order),
        count: single && !single.error ? countText(single) : undefined,
        keys: single?.keys,
      });
      item.iconPath = new vscode.ThemeIcon(c.source === 'workspace' ? 'file-code' : 'database');
      item.contextValue = `phpRedisSessions.connection.${c.readOnly ? 'ro' : 'rw'}.${c.source}${filter ? '.filtered' : ''}`;
      return item;
    }
    case 'host': {
      const h = node.host;
      const item = new vscode.TreeItem(h.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `h:${h.connection.id}:${h.label}`;
      item.iconPath = new vscode.ThemeIcon('server');
      item.description = [h.filter ? vscode.l10n.t('filter: {0}*', h.filter) : '', h.error ? '' : countText(h)]
        .filter(Boolean)
        .join(' · ');
      item.contextValue = `phpRedisSessions.host.${h.connection.readOnly ? 'ro' : 'rw'}`;
      return item;
    }
    case 'session': {
      const s = node.session;
      const item = new vscode.TreeItem(
        compactId(s.id),
        s.lockOnly ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `s:${node.host.connection.id}:${node.host.label}:${s.key}`;
      item.description = `${ttlText(s.ttl)} · ${formatSize(s.size)}${s.locked ? ` · ${vscode.l10n.t('locked')}` : ''}`;
      const lock = s.lock
        ? `\n\n${vscode.l10n.t('Locked by {0}', `\`${s.lock.owner ?? '?'}\``)}, ${s.lock.noExpiry ? vscode.l10n.t('**lock without TTL** (stuck until released)') : vscode.l10n.t('lock expires in {0} s', Math.ceil(s.lock.ttlMs / 1000))}`
        : '';
      const decoded = tree.decodedOf(node.host, s.id);
      const caveats = decoded ? sessionCaveats(decoded) : [];
      const tooltip = new vscode.MarkdownString(
        `\`${s.key}\`\n\n${vscode.l10n.t('TTL {0} · {1} bytes', ttlText(s.ttl), s.size)}${s.node ? ` · ${vscode.l10n.t('node {0}', s.node)}` : ''}${lock}`,
      );
      for (const c of caveats) tooltip.appendMarkdown('\n\n$(warning) ').appendText(c);
      tooltip.supportThemeIcons = true;
      item.tooltip = tooltip;
      item.iconPath = new vscode.ThemeIcon(
        s.lock?.noExpiry || caveats.length > 0 ? 'warning' : s.locked ? 'lock' : 'account',
      );
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
      // rw/ro as the connection is; `.fixed` where no edit is offered (see variableNodes.ts).
      item.contextValue = `phpRedisSessions.variable.${node.host.connection.readOnly ? 'ro' : 'rw'}${node.path ? '' : '.fixed'}`;
      return item;
    }
    case 'more': {
      const h = node.host;
      const item = new vscode.TreeItem(
        vscode.l10n.t('Load {0} more…', config.pageSize),
        vscode.TreeItemCollapsibleState.None,
      );
      const loaded = formatCount(h.loadedCount);
      item.description = h.total
        ? vscode.l10n.t('{0} of {1} loaded', loaded, formatCount(h.total.count, h.total.exact))
        : vscode.l10n.t('{0} loaded', loaded);
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
      item.iconPath = new vscode.ThemeIcon(
        node.error ? 'error' : node.warning ? 'warning' : node.variables ? 'symbol-variable' : 'info',
      );
      item.tooltip = node.text;
      item.contextValue = node.auth
        ? 'phpRedisSessions.error.auth'
        : node.variables
          ? 'phpRedisSessions.variables'
          : node.error
            ? 'phpRedisSessions.error'
            : 'phpRedisSessions.message';
      const connection = node.connection ?? node.host?.connection;
      const target = connection && (tree.connectionNode(connection.id) ?? { kind: 'connection', connection });
      if (node.auth && target)
        item.command = {
          command: 'phpRedisSessions.setPassword',
          title: vscode.l10n.t('Set Password…'),
          arguments: [target],
        };
      else if (node.variables && target)
        item.command = {
          command: 'phpRedisSessions.setVariable',
          title: vscode.l10n.t('Set Value…'),
          arguments: [target, node.variables],
        };
      return item;
    }
  }
}
