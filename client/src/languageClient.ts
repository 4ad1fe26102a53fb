// The language client: which documents go to the server, how diagnostics are pulled, and the
// language status item that shows how long the last lint took.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { LINTED_FILES, LINTED_GLOB, PROJECT_WATCH_GLOBS } from '../../server/src/core/index.ts';
import { LintStatusNotification, SERVER_SECTION, type LintStatusParams } from '../../server/src/protocol.ts';
import { outputChannel } from './output.ts';

export const DOCUMENT_SELECTOR: DocumentSelector = LINTED_FILES.map((f) => ({ scheme: 'file', pattern: f.glob }));

/** A lint slower than this is worth a warning in the status: typing would feel it. */
const SLOW_LINT_MS = 200;

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // The server lints the workspace's files that are not open too, and framework findings depend on
    // other files (composer.json, .env, a Procfile): it hears of their changes.
    synchronize: {
      configurationSection: SERVER_SECTION,
      fileEvents: [LINTED_GLOB, ...PROJECT_WATCH_GLOBS].map((glob) => vscode.workspace.createFileSystemWatcher(glob)),
    },
    diagnosticPullOptions: { onChange: true, onSave: true },
    // One channel for the server's log and the Sessions view's (client/src/output.ts).
    outputChannel: outputChannel(),
  };
  const client = new LanguageClient('phpRedisSessions', 'PHP Redis Sessions', serverOptions, clientOptions);
  context.subscriptions.push(lintStatus(client));
  return client;
}

/** The language status item of linted documents: time of the last lint and its findings. */
function lintStatus(client: LanguageClient): vscode.Disposable {
  const item = vscode.languages.createLanguageStatusItem(
    'phpRedisSessions.lint',
    DOCUMENT_SELECTOR as vscode.DocumentSelector,
  );
  item.name = 'PHP Redis Sessions';
  item.text = 'PHP Redis Sessions';
  item.command = { title: vscode.l10n.t('Show Output'), command: 'phpRedisSessions.showOutput' };
  const last = new Map<string, LintStatusParams>();
  const show = (): void => {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const s = uri ? last.get(uri) : undefined;
    if (!s) {
      item.detail = vscode.l10n.t('session configuration');
      item.severity = vscode.LanguageStatusSeverity.Information;
      return;
    }
    const ms = s.validationTime < 10 ? s.validationTime.toFixed(1) : Math.round(s.validationTime).toString();
    item.detail =
      s.validationTime > SLOW_LINT_MS
        ? vscode.l10n.t('slow lint: {0} ms, {1} finding(s)', ms, s.findings)
        : vscode.l10n.t('linted in {0} ms, {1} finding(s)', ms, s.findings);
    item.severity =
      s.validationTime > SLOW_LINT_MS
        ? vscode.LanguageStatusSeverity.Warning
        : vscode.LanguageStatusSeverity.Information;
  };
  show();
  return vscode.Disposable.from(
    item,
    client.onNotification(LintStatusNotification.method, (params: LintStatusParams) => {
      last.set(params.uri, params);
      show();
    }),
    vscode.window.onDidChangeActiveTextEditor(show),
    vscode.workspace.onDidCloseTextDocument((d) => last.delete(d.uri.toString())),
  );
}
