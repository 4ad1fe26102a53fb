// Activation: start the language client and register commands. Nothing here connects to Redis.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { convertRedisUrl, fillFromRedisUrl, type FillArgs } from './fillFromRedisUrl.ts';
import { createLanguageClient } from './languageClient.ts';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  client = createLanguageClient(context);
  // Not awaited: activation stays fast; the server's start-up runs in the background.
  client.start().catch((err: unknown) => {
    void vscode.window.showErrorMessage(`PHP Redis Sessions: the language server did not start (${err instanceof Error ? err.message : String(err)}).`);
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('phpRedisSessions.fillFromRedisUrl', (uri: string, args: FillArgs) => fillFromRedisUrl(uri, args)),
    vscode.commands.registerCommand('phpRedisSessions.convertRedisUrl', () => convertRedisUrl()),
  );
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
