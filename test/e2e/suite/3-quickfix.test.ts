// Quick fixes as VS Code gets them (vscode.executeCodeActionProvider), applied the way the light
// bulb applies them, and the document that results; then Fix all.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, codeOf, diagnosticsOf, findDiagnostic, openFile } from './helpers.ts';

const FILE = 'composer.json';

async function quickFixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
    10, // resolve lazily computed edits too
  );
  // (a provider may also return plain Commands: those have a string `command` and no kind)
  return (actions ?? []).filter(
    (a): a is vscode.CodeAction => a instanceof vscode.CodeAction || 'kind' in a || 'edit' in a,
  );
}

/** Applies a code action as the light bulb does: its edit, then its command. */
async function apply(action: vscode.CodeAction): Promise<void> {
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `applyEdit(${action.title})`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

async function fixFor(doc: vscode.TextDocument, code: string, title: string): Promise<void> {
  const ds = await diagnosticsOf(doc.uri, (d) => d.some((x) => codeOf(x) === code), code);
  const diagnostic = findDiagnostic(ds, code);
  const actions = await quickFixes(doc.uri, diagnostic);
  // (the actions VS Code hands back do not carry their diagnostics: they are the ones at its range)
  const action = actions.find((a) => a.title === title);
  assert.ok(
    action,
    `no quick fix "${title}" for ${code}; offered: ${actions.map((a) => `${JSON.stringify(a.title)} [${a.kind?.value}] for ${a.diagnostics?.map(codeOf).join(',')}`).join('; ')}`,
  );
  assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
  await apply(action);
  // the fixed problem goes away (the server lints the edited text again)
  await diagnosticsOf(
    doc.uri,
    (d) => !d.some((x) => codeOf(x) === code && x.range.intersection(diagnostic.range)),
    `${code} to go away after "${title}"`,
  );
}

function lineWith(doc: vscode.TextDocument, needle: string): string {
  const line = doc
    .getText()
    .split('\n')
    .find((l) => l.includes(needle));
  assert.ok(line !== undefined, `no line with ${needle} in:\n${doc.getText()}`);
  return line.trim();
}

suite('quick fixes', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    await activated();
    doc = (await openFile(FILE)).document;
  });

  teardown(async () => {
    // back to the file on disk for the next test
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('one fix after another: handler name, then the ext-redis it now needs, then the URL scheme', async () => {
    await fixFor(doc, 'unknown-save-handler', 'Replace with "redis"');
    assert.equal(lineWith(doc, 'session.save_handler'), '"session.save_handler = redis",');

    // With a real handler, the require check starts: ext-redis is missing.
    await fixFor(doc, 'missing-ext-redis', 'Add "ext-redis": "*" to require');
    assert.ok(
      doc.getText().includes('    "require": {\n        "php": "^8.2",\n        "ext-redis": "*"\n    },'),
      `require keeps the file's 4-space indentation:\n${doc.getText()}`,
    );

    const scheme = findDiagnostic(vscode.languages.getDiagnostics(doc.uri), 'unsupported-scheme');
    const titles = (await quickFixes(doc.uri, scheme)).map((a) => a.title);
    assert.ok(titles.length >= 1, 'unsupported-scheme has a fix');
    await fixFor(doc, 'unsupported-scheme', titles[0]);
    // redis://host:port/2 -> tcp://host:port?database=2, with the timeout phpredis otherwise lacks
    assert.equal(
      lineWith(doc, 'session.save_path'),
      '"session.save_path = \\"tcp://127.0.0.1:6379?database=2&timeout=2.5\\"",',
    );

    // Every edit kept the document valid JSON.
    assert.doesNotThrow(() => JSON.parse(doc.getText()));
  });

  test('Fix all (source.fixAll.php-redis-sessions) applies every safe fix at once', async () => {
    await diagnosticsOf(
      doc.uri,
      (d) => d.some((x) => codeOf(x) === 'unknown-save-handler'),
      'the original diagnostics',
    );
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      whole,
      'source.fixAll.php-redis-sessions',
      10,
    );
    const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.php-redis-sessions');
    assert.ok(fixAll, `no fix-all action among ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fixAll.title, 'Fix all PHP Redis Sessions problems');
    await apply(fixAll);
    assert.equal(
      doc.getText(),
      [
        '{',
        '    "name": "acme/e2e-app",',
        '    "description": "Workspace opened by the end-to-end tests (test/e2e): one broken Scalingo configuration.",',
        '    "type": "project",',
        '    "require": {',
        '        "php": "^8.2",',
        '        "ext-redis": "*"',
        '    },',
        '    "extra": {',
        '        "paas": {',
        '            "php-config": [',
        '                "session.save_handler = redis",',
        '                "session.save_path = \\"tcp://127.0.0.1:6379?database=2&timeout=2.5\\"",',
        '                "session.gc_maxlifetime = 1440",',
        '                "redis.session.locking_enabled = 1",',
        '                "redis.session.lock_expire = 30"',
        '            ]',
        '        }',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    await diagnosticsOf(doc.uri, (d) => d.length === 0, 'no diagnostic left after Fix all');
  });
});
