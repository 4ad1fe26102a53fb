// The "Session Health Report" command: scans a connection's sessions with a cancellable progress
// notification, shows the report in a webview, opens the session a finding names, and on
// writable connections releases a stuck lock or gives a leak a TTL, each after a confirmation.
import * as vscode from 'vscode';
import { documentKind, parseDocument, sessionSettingsOf } from '../../../server/src/core/index.ts';
import {
  HealthReportBuilder,
  scanInto,
  type HealthReport,
  type ReportConfig,
  type SessionSerializer,
} from '../../../server/src/sessions/index.ts';
import type { CommandContext } from '../commands/context.ts';
import { hostsFor } from '../commands/pick.ts';
import type { Connection } from '../connections.ts';
import { errorText } from '../errorText.ts';
import type { HostState } from '../sessionsTree.ts';
import { reportHtml, type ReportMessage } from './reportHtml.ts';

/** What the e2e tests read back: the figures the page shows. */
export let lastReport: HealthReport | undefined;

async function settingsFor(c: Connection): Promise<ReportConfig> {
  const config: ReportConfig = { gcMaxlifetime: 1440 };
  const setting = vscode.workspace.getConfiguration('phpRedisSessions').get<string>('serializer', 'auto');
  if (setting && setting !== 'auto') config.serializer = setting as SessionSerializer;
  if (c.file) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(c.file));
      const kind = documentKind(c.file.path);
      if (kind) {
        const s = sessionSettingsOf(parseDocument(text, kind));
        if (s.gcMaxlifetime) config.gcMaxlifetime = s.gcMaxlifetime;
        if (s.lockExpire) config.lockExpire = s.lockExpire;
        if (s.serializer) config.serializer = s.serializer as SessionSerializer;
      }
    } catch {
      // The file went away: PHP's defaults.
    }
  }
  // A framework's sessions live as long as it says (Laravel: SESSION_LIFETIME), not gc_maxlifetime.
  if (c.lifetime) config.gcMaxlifetime = c.lifetime;
  return config;
}

export class ReportPanel {
  private panel: vscode.WebviewPanel | undefined;
  private hosts: HostState[] = [];
  private connection: Connection | undefined;

  constructor(private readonly ctx: CommandContext) {}

  /** The command: the node's connection or host (else a pick), scanned, then the page. */
  async show(n?: unknown): Promise<void> {
    const hosts = await hostsFor(this.ctx, n);
    if (hosts.length === 0) return;
    this.connection = hosts[0]!.connection;
    this.hosts = hosts;
    await this.run();
  }

  private async run(): Promise<void> {
    const c = this.connection!;
    const config = await settingsFor(c);
    const builder = new HealthReportBuilder(config);
    let keyspaceKeys = 0;
    let stopped = false;
    const ctl = new AbortController();
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Session health of {0}', c.name),
        cancellable: true,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => ctl.abort());
        for (let i = 0; i < this.hosts.length && !ctl.signal.aborted; i++) {
          const host = this.hosts[i]!;
          builder.host = i; // findings remember their host: a click goes to the right server
          const r = await scanInto(host.scanner, builder, {
            signal: ctl.signal,
            decode: config.serializer ? { serializer: config.serializer } : {},
            onProgress: (seen) => progress.report({ message: vscode.l10n.t('{0} keys scanned', seen) }),
          });
          keyspaceKeys += r.keyspaceKeys;
          stopped ||= r.stopped;
        }
      },
    );
    const report = builder.finish(stopped);
    lastReport = report;
    this.render(report, keyspaceKeys, ctl.signal.aborted);
  }

  private render(report: HealthReport, keyspaceKeys: number, cancelled: boolean): void {
    const c = this.connection!;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'phpRedisSessions.report',
        vscode.l10n.t('Session Health: {0}', c.name),
        vscode.ViewColumn.Active,
        { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((m: ReportMessage) => {
        this.handle(m).catch((err: unknown) =>
          vscode.window.showErrorMessage(vscode.l10n.t('PHP Redis Sessions: {0}', errorText(err))),
        );
      });
    }
    this.panel.title = vscode.l10n.t('Session Health: {0}', c.name);
    this.panel.webview.html = reportHtml(report, {
      nonce: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString('base64'),
      cspSource: this.panel.webview.cspSource,
      connectionName: c.name,
      writable: !c.readOnly,
      keyspaceKeys,
      cancelled,
    });
    this.panel.reveal();
  }

  private async handle(m: ReportMessage): Promise<void> {
    if (m.command === 'refresh') return this.run();
    const host = this.hosts[m.host];
    if (!host) return;
    if (m.command === 'open') {
      const info = await host.scanner.getSessionInfo(m.id);
      if (!info) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Session {0} is gone.', m.id));
        return;
      }
      await vscode.commands.executeCommand('phpRedisSessions.openSession', { kind: 'session', host, session: info });
      return;
    }
    if (host.connection.readOnly) return; // the page offers no action then; never act on a crafted message
    if (m.command === 'releaseLock') {
      const info = await host.scanner.getSessionInfo(m.id);
      const owner = info?.lock?.owner ?? undefined;
      const ok = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Release the lock of session {0}{1}? A request still running would lose it.',
          m.id,
          owner ? ` (${owner})` : '',
        ),
        { modal: true },
        vscode.l10n.t('Release Lock'),
      );
      if (!ok) return;
      await host.scanner.releaseLock(m.id, owner);
    } else if (m.command === 'expire') {
      const seconds = lastReport?.gcMaxlifetime ?? 1440;
      const ok = await vscode.window.showWarningMessage(
        vscode.l10n.t('Give session {0} a TTL of {1} s (session.gc_maxlifetime)? It will expire then.', m.id, seconds),
        { modal: true },
        vscode.l10n.t('Set TTL'),
      );
      if (!ok) return;
      await host.scanner.setTtl(m.id, seconds);
    }
    this.ctx.tree.forget(host, m.id);
    await this.run();
  }
}
