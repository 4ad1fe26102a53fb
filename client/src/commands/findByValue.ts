// Find Sessions by Value…: the CLI's `--where` in the view. Conditions on the decoded contents
// (`user.id=42`, `cart.*.sku~SKU-9*`, several joined with &&); matches stream into a quick pick as
// the search finds them, its title counting what was scanned and what could not be decoded;
// Escape stops the search, picking a match opens it. Read-only: values are only read.
import * as vscode from 'vscode';
import {
  QueryError,
  SessionQuery,
  formatSize,
  formatTtl,
  parseConditions,
  searchSessions,
  type SearchProgress,
} from '../../../server/src/sessions/index.ts';
import type { SessionInfo } from '../../../server/src/sessions/redis/index.ts';
import { config } from '../config.ts';
import type { HostState } from '../sessionsTree.ts';
import type { Cmd, CommandContext } from './context.ts';
import { hostsFor } from './pick.ts';

/** Matches listed at most (a `!=` can match every session); the count goes on. */
const SHOWN = 1000;

interface MatchItem extends vscode.QuickPickItem {
  host: HostState;
  session: SessionInfo;
}

function parse(text: string): SessionQuery | string {
  try {
    return new SessionQuery(parseConditions(text));
  } catch (err) {
    if (err instanceof QueryError) return err.message;
    throw err;
  }
}

function counts(p: SearchProgress): string {
  const scanned = vscode.l10n.t('{0} scanned', p.scanned.toLocaleString());
  return p.undecodable
    ? `${scanned} · ${vscode.l10n.t('{0} could not be decoded', p.undecodable.toLocaleString())}`
    : scanned;
}

/** What the command found (its result, for scripts and tests: `executeCommand(id, node, conditions)`). */
export interface FoundByValue {
  ids: string[];
  progress: SearchProgress;
}

export function findByValue(ctx: CommandContext): Cmd {
  return async (n?: unknown, conditions?: string): Promise<FoundByValue | undefined> => {
    const hosts = await hostsFor(ctx, n);
    if (hosts.length === 0) return;
    const text =
      typeof conditions === 'string'
        ? conditions
        : await vscode.window.showInputBox({
            title: vscode.l10n.t('Find sessions by value'),
            prompt: vscode.l10n.t(
              'path=value, path!=value or path~text (substring, or a glob with * and ?); several joined with &&. A path names a variable, then keys: user.id, cart.*.sku, user.__class',
            ),
            placeHolder: 'user.id=42',
            validateInput: (v) =>
              v.trim() ? (typeof parse(v) === 'string' ? (parse(v) as string) : undefined) : undefined,
          });
    if (!text?.trim()) return;
    const query = parse(text);
    if (typeof query === 'string') throw new Error(query);

    const pick = vscode.window.createQuickPick<MatchItem>();
    const ctl = new AbortController();
    pick.title = vscode.l10n.t('Sessions where {0}', text.trim());
    pick.placeholder = vscode.l10n.t('Searching…');
    pick.matchOnDescription = true;
    pick.busy = true;
    const items: MatchItem[] = [];
    const ids: string[] = [];
    const total: SearchProgress = { scanned: 0, matched: 0, undecodable: 0 };
    pick.onDidHide(() => {
      ctl.abort();
      pick.dispose();
    });
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      if (!chosen) return;
      pick.hide();
      void vscode.commands.executeCommand('phpRedisSessions.openSession', {
        kind: 'session',
        host: chosen.host,
        session: chosen.session,
      });
    });
    pick.show();

    try {
      for (const host of hosts) {
        const before = { ...total };
        const batches = host.scanner.listAll({ headBytes: Infinity, signal: ctl.signal });
        for await (const { matches, progress } of searchSessions(batches, query, { serializer: config.serializer })) {
          if (ctl.signal.aborted) return;
          total.scanned = before.scanned + progress.scanned;
          total.undecodable = before.undecodable + progress.undecodable;
          for (const s of matches) ids.push(s.id);
          for (const s of matches.slice(0, Math.max(0, SHOWN - items.length)))
            items.push({
              label: s.id,
              description: `${formatTtl(s.ttl, vscode.l10n.t('no TTL'))} · ${formatSize(s.size)} · ${host.label}`,
              host,
              session: s,
            });
          if (matches.length) pick.items = items;
          pick.placeholder = `${vscode.l10n.t('Searching…')} ${counts(total)}`;
        }
      }
      const matched = ids.length;
      pick.busy = false;
      pick.placeholder =
        matched === 0
          ? `${vscode.l10n.t('No session matches.')} ${counts(total)}`
          : `${matched > items.length ? vscode.l10n.t('{0} match, the first {1} shown.', matched, items.length) : vscode.l10n.t('{0} match.', matched)} ${counts(total)}`;
      return { ids, progress: { ...total, matched } };
    } catch (err) {
      pick.hide();
      if (ctl.signal.aborted) return;
      throw err;
    }
  };
}
