// Edit Value…: one value of a session written anew from JSON through the safe edit
// (server/src/sessions/edit/safeEdit.ts): encoded with the session's own serializer and
// compression, its TTL kept, and only over the very bytes the view showed, while no request holds
// the session's lock. Writable connections only.
import * as vscode from 'vscode';
import {
  editSession,
  formatDottedPath,
  formatTtl,
  phpValueFromJson,
  SessionEditRefused,
  toCanonicalJson,
  type EditRefusal,
  type EditResult,
} from '../../../server/src/sessions/index.ts';
import { config } from '../config.ts';
import { errorText } from '../errorText.ts';
import type { Node } from '../sessionsTree.ts';
import type { Cmd, CommandContext } from './context.ts';
import { refuseReadOnly } from './pick.ts';

type VariableNode = Extract<Node, { kind: 'variable' }>;

/** What the command returns (the end-to-end suite reads it): what was written, or why nothing was. */
export type EditOutcome =
  | { written: EditResult; path: readonly string[] }
  | { refused: EditRefusal | 'read-only' | 'not-editable' | 'not-shown'; message: string };

function isVariable(n: unknown): n is VariableNode {
  return !!n && typeof n === 'object' && (n as Node).kind === 'variable';
}

/** The input box's check as the user types: undefined when the text is a JSON value. */
function jsonProblem(text: string): string | undefined {
  try {
    phpValueFromJson(text);
    return undefined;
  } catch (err) {
    return errorText(err);
  }
}

/** What the user is told after a refusal, with what to do next. */
function refusalText(err: SessionEditRefused, id: string): string {
  switch (err.reason) {
    case 'changed':
      return vscode.l10n.t(
        'Not written: session {0} changed since it was shown (a request wrote it). The view shows it again: check the value and try again.',
        id,
      );
    case 'locked':
      return vscode.l10n.t(
        "{0} Try again when the request is done (a lock left by a request that died can be released from the session's menu).",
        errorText(err),
      );
    case 'missing':
      return vscode.l10n.t('Not written: session {0} no longer exists (it expired or was deleted).', id);
    default:
      return errorText(err);
  }
}

/** "TTL kept (23m left)" / "no TTL, as before". */
function ttlText(ttlMs: number): string {
  return ttlMs < 0
    ? vscode.l10n.t('no TTL, as before')
    : vscode.l10n.t('TTL kept ({0} left)', formatTtl(Math.ceil(ttlMs / 1000)));
}

export function editValue(ctx: CommandContext): Cmd {
  return async (n?: unknown, json?: unknown): Promise<EditOutcome | undefined> => {
    const node = isVariable(n) ? n : ctx.view.selection.find(isVariable);
    if (!node) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Select a variable of a session in the PHP Sessions view to edit its value.'),
      );
      return undefined;
    }
    const { host, session } = node;
    if (refuseReadOnly(ctx, host.connection))
      return { refused: 'read-only', message: `${host.connection.name} is read-only` };
    const refuse = (refused: 'not-editable' | 'not-shown', message: string): EditOutcome => {
      void vscode.window.showWarningMessage(message);
      return { refused, message };
    };
    if (!node.path)
      return refuse(
        'not-editable',
        vscode.l10n.t(
          '"{0}" cannot be edited here: PHP does not read this session back as stored, or the value has no place of its own in it.',
          node.label,
        ),
      );
    const expected = ctx.tree.shownBytes(host, session.id);
    if (!expected)
      return refuse(
        'not-shown',
        vscode.l10n.t('Session {0} is no longer shown as it was read: expand it again, then edit.', session.id),
      );
    const where = formatDottedPath(node.path);
    const text =
      typeof json === 'string'
        ? json
        : await vscode.window.showInputBox({
            title: vscode.l10n.t('Edit {0} in session {1}', where, session.id),
            prompt: vscode.l10n.t(
              'The new value as JSON: "text", 42, true, null, [..], {"key": ..}, {"__class": "Name", "property": ..}',
            ),
            value: toCanonicalJson(node.value),
            ignoreFocusOut: true,
            validateInput: jsonProblem,
          });
    if (text === undefined) return undefined;
    const value = phpValueFromJson(text);
    try {
      const handle = await host.scanner.writableConnection();
      const written = await editSession(handle, host.scanner.prefix, {
        id: session.id,
        path: node.path,
        value,
        ...(config.serializer ? { serializer: config.serializer } : {}),
        expected,
      });
      await ctx.tree.refreshSession(host, session.id);
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Written: {0} in {1} ({2} serializer, {3}, {4} bytes; {5}).',
          where,
          written.key,
          written.serializer,
          written.compression === 'none' ? vscode.l10n.t('no compression') : written.compression,
          written.bytes,
          ttlText(written.ttlMs),
        ),
      );
      return { written, path: node.path };
    } catch (err) {
      if (!(err instanceof SessionEditRefused)) throw err;
      // What the user saw is out of date (or gone): the view shows the session as it is now.
      if (err.reason === 'changed' || err.reason === 'missing' || err.reason === 'locked')
        await ctx.tree.refreshSession(host, session.id);
      const message = refusalText(err, session.id);
      void vscode.window.showWarningMessage(message);
      return { refused: err.reason, message };
    }
  };
}
