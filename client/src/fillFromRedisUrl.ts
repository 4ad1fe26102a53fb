// "Fill from Redis URL…": asks for a redis:// URL (pre-filled from the editor's environment) and
// writes the equivalent phpredis save_path where the diagnostic was.
import * as vscode from 'vscode';
import { encodeJsonStringBody, quoteIniValue, redisUrlToSavePath } from '../../server/src/core/index.ts';
import type { FillArgs } from '../../server/src/protocol.ts';
import { errorText } from './errorText.ts';

function envDefault(envName?: string): string {
  for (const name of [envName, 'SCALINGO_REDIS_URL', 'REDIS_URL', 'REDIS_TLS_URL']) {
    const v = name ? process.env[name] : undefined;
    if (v && /^rediss?:\/\//.test(v)) return v;
  }
  return '';
}

/** Asks for a URL; returns the converted save_path or undefined when cancelled. */
export async function askSavePath(envName?: string): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: vscode.l10n.t('Redis URL'),
    prompt: vscode.l10n.t('A redis:// or rediss:// URL, e.g. the value of SCALINGO_REDIS_URL'),
    value: envDefault(envName),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        redisUrlToSavePath(v.trim());
        return undefined;
      } catch (err) {
        return errorText(err);
      }
    },
  });
  return url === undefined ? undefined : redisUrlToSavePath(url.trim());
}

export async function fillFromRedisUrl(uri: string, args: FillArgs): Promise<void> {
  const savePath = await askSavePath(args.envName);
  if (savePath === undefined) return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const value = quoteIniValue(savePath);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    doc.uri,
    new vscode.Range(doc.positionAt(args.start), doc.positionAt(args.end)),
    args.json ? encodeJsonStringBody(value) : value,
  );
  await vscode.workspace.applyEdit(edit);
}

export async function convertRedisUrl(): Promise<void> {
  const savePath = await askSavePath();
  if (savePath === undefined) return;
  await vscode.env.clipboard.writeText(`session.save_path = ${quoteIniValue(savePath)}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('The session.save_path line is on the clipboard.'));
}
