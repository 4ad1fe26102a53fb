// Copying for the user, with a way out when the clipboard did not take it: in a browser
// (code-server, vscode.dev) VS Code's clipboard gives up without an error (no focus, no
// permission), so every copy says what it copied and offers the text in a box to copy by hand.
import * as vscode from 'vscode';
import { logError } from './output.ts';

/** The text in an input box, selected: Ctrl+C copies it. (An input box lands in no log nor setting.) */
async function showToCopy(text: string, what: string, refused: boolean): Promise<void> {
  await vscode.window.showInputBox({
    title: refused ? vscode.l10n.t('The clipboard refused {0}', what) : vscode.l10n.t('Copy {0}', what),
    prompt: vscode.l10n.t('Copy it from here (Ctrl+C, or Cmd+C), then press Enter or Escape.'),
    value: text,
    valueSelection: [0, text.length],
    ignoreFocusOut: true,
  });
}

/**
 * Puts `text` on the clipboard and says so (`shown`: what the message may show of it, e.g. masked),
 * with "Not There? Show It"; `more` adds buttons of the caller's, whose choice it resolves with.
 */
export async function copyText(
  text: string,
  what: string,
  shown?: string,
  more: string[] = [],
): Promise<string | undefined> {
  try {
    await vscode.env.clipboard.writeText(text);
  } catch (err) {
    logError(`the clipboard refused ${what}: ${err instanceof Error ? err.message : String(err)}`);
    await showToCopy(text, what, true);
    return undefined;
  }
  const show = vscode.l10n.t('Not There? Show It');
  const answer = await vscode.window.showInformationMessage(
    shown === undefined
      ? vscode.l10n.t('Copied {0} to the clipboard.', what)
      : vscode.l10n.t('Copied {0} to the clipboard: {1}', what, shown),
    show,
    ...more,
  );
  if (answer === show) {
    await showToCopy(text, what, false);
    return undefined;
  }
  return answer;
}
