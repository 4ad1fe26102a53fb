// Redis URLs → phpredis save_paths. "Fill from Redis URL…" (a quick fix) asks for the URL
// (pre-filled from the editor's environment) and writes the save_path where the diagnostic was;
// when that save_path holds a password, the file gets `"${REDIS_SESSION_PATH}"` instead and the
// user gets the value to set where PHP runs (a secret stays out of committed files).
// "Convert a Redis URL…" (the palette) puts the session.save_path line on the clipboard.
import * as vscode from 'vscode';
import {
  encodeJsonStringBody,
  hasCredentials,
  maskCredentials,
  quoteIniValue,
  redisUrlToSavePath,
} from '../../server/src/core/index.ts';
import type { FillArgs } from '../../server/src/protocol.ts';
import { copyText } from './clipboard.ts';
import { EnvValues } from './envValues.ts';
import { errorText } from './errorText.ts';
import { logInfo } from './output.ts';

/** The variable the save_path is read from when it holds a password (the README's convention). */
export const SAVE_PATH_VARIABLE = 'REDIS_SESSION_PATH';

function envDefault(envName?: string): string {
  for (const name of [envName, 'SCALINGO_REDIS_URL', 'REDIS_URL', 'REDIS_TLS_URL']) {
    const v = name ? process.env[name] : undefined;
    if (v && /^rediss?:\/\//.test(v)) return v;
  }
  return '';
}

/** Asks for a URL (shown as typed: the user checks what was pasted); returns the save_path, undefined when cancelled. */
export async function askSavePath(envName?: string): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: vscode.l10n.t('Redis URL'),
    prompt: vscode.l10n.t('A redis:// or rediss:// URL, e.g. the value of SCALINGO_REDIS_URL'),
    placeHolder: 'redis://user:password@host:port',
    value: envDefault(envName),
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

/** A shell word: single-quoted, a `'` inside written `'\''`. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** The command lines that set `name` on Scalingo and Heroku (run in the app's git folder, or add --app). */
export function platformCommands(name: string, value: string): { scalingo: string; heroku: string } {
  const assignment = shellQuote(`${name}=${value}`);
  return { scalingo: `scalingo env-set ${assignment}`, heroku: `heroku config:set ${assignment}` };
}

/**
 * The save_path is in `${name}` now: offers its value and the platforms' command lines (each
 * copied on demand; the messages show the value masked).
 */
export async function offerVariable(name: string, savePath: string, intro: string): Promise<void> {
  const { scalingo, heroku } = platformCommands(name, savePath);
  const copyValue = vscode.l10n.t('Copy Value');
  const copyScalingo = vscode.l10n.t('Copy scalingo env-set');
  const copyHeroku = vscode.l10n.t('Copy heroku config:set');
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('{0} Set {1} where PHP runs to {2}', intro, name, maskCredentials(savePath)),
    copyValue,
    copyScalingo,
    copyHeroku,
  );
  if (answer === copyValue)
    await copyText(savePath, vscode.l10n.t('the value of {0}', name), maskCredentials(savePath));
  else if (answer === copyScalingo)
    await copyText(scalingo, vscode.l10n.t('the scalingo command'), maskCredentials(scalingo));
  else if (answer === copyHeroku) await copyText(heroku, vscode.l10n.t('the heroku command'), maskCredentials(heroku));
}

/** The quick fix: writes the converted save_path, or `"${REDIS_SESSION_PATH}"` when it holds a password. */
export async function fillFromRedisUrl(uri: string, args: FillArgs, secrets?: vscode.SecretStorage): Promise<void> {
  const savePath = await askSavePath(args.envName);
  if (savePath === undefined) return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const secret = hasCredentials(savePath);
  const value = secret ? `"\${${SAVE_PATH_VARIABLE}}"` : quoteIniValue(savePath);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    doc.uri,
    new vscode.Range(doc.positionAt(args.start), doc.positionAt(args.end)),
    args.json ? encodeJsonStringBody(value) : value,
  );
  if (!(await vscode.workspace.applyEdit(edit))) return;
  if (!secret) return;
  // Test connection and the view find the value here until the environment has it.
  if (secrets) await new EnvValues(secrets).set(SAVE_PATH_VARIABLE, doc.uri, savePath);
  logInfo(`${vscode.workspace.asRelativePath(doc.uri)}: session.save_path now reads \${${SAVE_PATH_VARIABLE}}`);
  await offerVariable(
    SAVE_PATH_VARIABLE,
    savePath,
    vscode.l10n.t('session.save_path now reads {0}: the password stays out of the file.', `\${${SAVE_PATH_VARIABLE}}`),
  );
}

/** The palette command: the session.save_path line on the clipboard (shown masked). */
export async function convertRedisUrl(): Promise<void> {
  const savePath = await askSavePath();
  if (savePath === undefined) return;
  const line = `session.save_path = ${quoteIniValue(savePath)}`;
  const keepOut = vscode.l10n.t('Keep the Password Out…');
  const secret = hasCredentials(savePath);
  const answer = await copyText(
    line,
    vscode.l10n.t('the session.save_path line'),
    maskCredentials(line),
    secret ? [keepOut] : [],
  );
  if (answer !== keepOut) return;
  await offerVariable(
    SAVE_PATH_VARIABLE,
    savePath,
    vscode.l10n.t('In committed files, write session.save_path = "{0}".', `\${${SAVE_PATH_VARIABLE}}`),
  );
}
