// The extension's one output channel (a log channel: levels, timestamps, VS Code's log files): the
// language server writes to it through the language client, and the Sessions view and its commands
// log connection failures there. Every line goes through the masker: no password reaches it.
import * as vscode from 'vscode';
import { maskCredentials } from '../../server/src/core/index.ts';

let channel: vscode.LogOutputChannel | undefined;

/** The channel, made on first use (the language client asks for it right after activation). */
export function outputChannel(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('PHP Redis Sessions', { log: true });
  return channel;
}

/** A failure worth a line: a connection that failed, a command that could not finish. */
export function logError(message: string): void {
  outputChannel().error(maskCredentials(message));
}

export function logInfo(message: string): void {
  outputChannel().info(maskCredentials(message));
}
