// Hover, completion and code lenses inside php-config strings and ini files, through VS Code's
// own provider commands (what the editor calls).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, openFile } from './helpers.ts';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n---\n');
}

/** The position of `needle` (plus `delta` characters) in the document. */
function at(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const offset = doc.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in ${doc.uri.path}`);
  return doc.positionAt(offset + delta);
}

async function hoverAt(doc: vscode.TextDocument, pos: vscode.Position): Promise<string> {
  return hoverText(
    (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)) ?? [],
  );
}

async function completionLabels(doc: vscode.TextDocument, pos: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    doc.uri,
    pos,
  );
  return (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

suite('hover, completion, code lens', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    await activated();
    doc = (await openFile('app/composer.json')).document;
  });

  test('hover on a directive inside a php-config string', async () => {
    const text = await hoverAt(doc, at(doc, 'session.save_handler', 5));
    assert.match(text, /session\.save_handler/);
    assert.match(text, /Default: `files`/);
  });

  test('hover on a handler name', async () => {
    const text = await hoverAt(doc, at(doc, '= redis"', 3));
    assert.match(text, /phpredis/);
  });

  test('hover on a save_path parameter', async () => {
    const text = await hoverAt(doc, at(doc, 'timeout=2.5', 2));
    assert.match(text, /timeout/i);
  });

  test('hover in a php.ini file', async () => {
    const ini = (await openFile('cluster/php.ini')).document;
    const text = await hoverAt(ini, at(ini, 'session.save_handler', 3));
    assert.match(text, /session\.save_handler/);
  });

  test('completion of directive names at the start of a php-config string', async () => {
    const labels = await completionLabels(doc, at(doc, 'redis.session.locking_enabled', 0));
    for (const name of [
      'session.save_handler',
      'session.save_path',
      'session.serialize_handler',
      'redis.session.lock_expire',
    ]) {
      assert.ok(labels.includes(name), `${name} not among ${labels.slice(0, 40).join(', ')}`);
    }
  });

  test('completion of handler names after session.save_handler =', async () => {
    const labels = await completionLabels(doc, at(doc, '= redis"', 2));
    for (const name of ['redis', 'rediscluster', 'files'])
      assert.ok(labels.includes(name), `${name} not among ${labels.join(', ')}`);
  });

  test('completion of save_path parameter names after ?', async () => {
    const labels = await completionLabels(doc, at(doc, 'timeout=2.5', 0));
    for (const name of ['timeout', 'auth', 'database', 'prefix', 'persistent'])
      assert.ok(labels.includes(name), `${name} not among ${labels.join(', ')}`);
  });

  test('code lenses over the effective session.save_path: Test connection, Browse sessions', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      doc.uri,
      10,
    );
    const titles = lenses.map((l) => l.command?.title);
    assert.deepEqual(titles.sort(), ['Browse sessions', 'Test connection']);
    const line = at(doc, 'session.save_path').line;
    for (const l of lenses) assert.equal(l.range.start.line, line);
  });
});
