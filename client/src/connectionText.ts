// How the view words a connection: its hosts' labels and its row's tooltip (where it points,
// database, prefix, origin, filter, order, counts). Never a password: addresses go through the
// target labels or the masker.
import * as vscode from 'vscode';
import { maskCredentials } from '../../server/src/core/index.ts';
import {
  describeTarget,
  formatCount,
  FRAMEWORK_LABELS,
  parseConnectionTargets,
  type ConnectionTarget,
} from '../../server/src/sessions/index.ts';
import type { Connection } from './connections.ts';

/** A host row's label: the server as the user wrote it, password masked. */
export function hostLabel(target: ConnectionTarget): string {
  return describeTarget(target);
}

/** Text shown inside a MarkdownString as itself (a connection name may contain `*`, `_`, `[`…). */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** Inline code in Markdown, whatever backticks the text holds. */
function code(text: string): string {
  const fence = '`'.repeat((text.match(/`+/g) ?? []).reduce((n, r) => Math.max(n, r.length), 0) + 1);
  return `${fence} ${text} ${fence}`;
}

export interface TooltipExtras {
  filter?: string;
  order?: string | undefined;
  count?: string | undefined;
  keys?: number | undefined;
}

export function connectionTooltip(c: Connection, extras: TooltipExtras = {}): vscode.MarkdownString {
  const lines = [`**${markdownText(c.name)}**`];
  if (c.sessionStore?.env.length) {
    lines.push(
      vscode.l10n.t(
        'session.save_path {0} ({1}): {2} known where PHP runs',
        code(maskCredentials(c.sessionStore.savePath)),
        markdownText(vscode.workspace.asRelativePath(c.file ?? c.name)),
        c.sessionStore.env.map(code).join(', '),
      ),
    );
  } else {
    let targets: ConnectionTarget[] | undefined;
    try {
      targets = parseConnectionTargets(c.address, { env: {}, ...(c.prefix !== undefined ? { prefix: c.prefix } : {}) });
    } catch {
      targets = undefined;
    }
    if (targets?.length) {
      for (const t of targets.slice(0, 8)) {
        const where =
          t.kind === 'socket'
            ? t.path
            : t.kind === 'cluster'
              ? t.seeds.map((s) => `${s.host}:${s.port}`).join(', ')
              : `${t.host}:${t.port}`;
        const details = [
          t.kind === 'cluster' ? vscode.l10n.t('cluster') : t.tls ? 'TLS' : '',
          t.kind !== 'cluster' ? vscode.l10n.t('database {0}', t.db) : '',
          t.username ? vscode.l10n.t('user {0}', code(t.username)) : '',
          vscode.l10n.t('prefix {0}', code(t.prefix)),
        ].filter(Boolean);
        lines.push(`${code(where)} · ${details.join(' · ')}`);
      }
      if (targets.length > 8) lines.push(vscode.l10n.t('and {0} more servers', targets.length - 8));
    } else {
      lines.push(code(maskCredentials(c.address)));
    }
  }
  const file = markdownText(vscode.workspace.asRelativePath(c.file ?? c.name));
  const origin =
    c.source === 'workspace'
      ? c.framework
        ? vscode.l10n.t('From {0} ({1} configuration)', file, FRAMEWORK_LABELS[c.framework])
        : vscode.l10n.t("From {0}'s session.save_path", file)
      : c.source === 'settings'
        ? vscode.l10n.t('From settings (phpRedisSessions.connections)')
        : vscode.l10n.t('Added with Add Connection…');
  lines.push(`${origin} · ${c.readOnly ? vscode.l10n.t('read-only') : vscode.l10n.t('writable')}`);
  if (c.framework)
    lines.push(vscode.l10n.t('{0} sessions, key prefix {1}', FRAMEWORK_LABELS[c.framework], code(c.prefix ?? '')));
  if (c.passwordVar)
    lines.push(
      vscode.l10n.t('The password is in {0}, which is never read: Set Password… gives it.', code(c.passwordVar)),
    );
  const view = [
    extras.filter ? vscode.l10n.t('Filter: ids starting with {0}', code(extras.filter)) : '',
    extras.order ? vscode.l10n.t('Sorted {0}', extras.order) : '',
  ].filter(Boolean);
  if (view.length) lines.push(view.join(' · '));
  if (extras.count)
    lines.push(
      extras.keys !== undefined
        ? vscode.l10n.t('{0} among {1} keys', extras.count, formatCount(extras.keys))
        : extras.count,
    );
  return new vscode.MarkdownString(lines.join('\n\n'));
}
