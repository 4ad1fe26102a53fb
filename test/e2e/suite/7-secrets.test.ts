// No secret in what the extension shows: a php-fpm pool names a password in its save_path; the
// diagnostics on it (message, related information) never repeat it. test/e2e/run.mjs then scans
// every log file of the run (output channels, extension host, language server) for it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, codeOf, diagnosticsOf, openFile, workspaceFile } from './helpers.ts';

export const SECRET = 'E2E-Log-Secret-91';

suite('secrets', () => {
  test('diagnostics on a save_path with a password never repeat it', async () => {
    await activated();
    await openFile('pool/www.conf');
    const uri = workspaceFile('pool/www.conf');
    const ds = await diagnosticsOf(
      uri,
      (d) =>
        ['userinfo-ignored', 'invalid-weight', 'hardcoded-credentials'].every((c) => d.some((x) => codeOf(x) === c)),
      'the pool file linted',
    );
    for (const d of ds) {
      const text = [d.message, ...(d.relatedInformation ?? []).map((r) => r.message)].join('\n');
      assert.ok(!text.includes(SECRET), `${String(codeOf(d))} repeats the password: ${text}`);
    }
    // The hover over the password parameter documents `auth`, it does not echo the value.
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = doc.positionAt(doc.getText().lastIndexOf(SECRET) + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.ok(!shown.includes(SECRET), `hover repeats the password: ${shown}`);
  });
});
