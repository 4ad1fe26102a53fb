// Diagnostics on the workspace's files, as VS Code holds them (vscode.languages.getDiagnostics):
// at least one rule of each family, with its severity, exact range, code and link.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activated, codeOf, describeDiagnostics, diagnosticsOf, openFile, poll, sleep, SOURCE } from './helpers.ts';

const E = vscode.DiagnosticSeverity.Error;
const W = vscode.DiagnosticSeverity.Warning;

interface Expected {
  code: string;
  severity: vscode.DiagnosticSeverity;
  /** The document text the range covers. */
  text: string;
}

const FILES: Record<string, Expected[]> = {
  // save_handler, save_path, ini lines, other settings
  'composer.json': [
    { code: 'unknown-save-handler', severity: E, text: 'reddis' },
    // meant as redis: the extension it needs is still missing
    { code: 'missing-ext-redis', severity: W, text: 'reddis' },
    { code: 'unsupported-scheme', severity: E, text: 'redis' },
    { code: 'unknown-directive', severity: W, text: 'session.gc_maxlifetme' },
    { code: 'lock-without-expire', severity: W, text: '1' },
  ],
  // composer.json structure, ini syntax and quoting, missing save_path
  'legacy/composer.json': [
    { code: 'paas-config-shadowed', severity: W, text: '"heroku"' },
    { code: 'missing-save-path', severity: E, text: 'redis' },
    { code: 'ini-syntax', severity: E, text: 'tcp://127.0.0.1:6379?timeout=2.5&database=1' },
    { code: 'env-in-single-quotes', severity: W, text: '${SERIALIZER}' },
  ],
  // Not strict JSON (a trailing comma): VS Code's JSON language reports that, the extension lints the
  // php-config it recovers (its own invalid-json stays for the CLI: see the test below).
  'broken/composer.json': [{ code: 'unknown-save-handler', severity: E, text: 'file' }],
  // rediscluster, in a php.ini file
  'cluster/php.ini': [
    { code: 'cluster-bad-seed', severity: E, text: '127.0.0.1' },
    { code: 'cluster-param-ignored', severity: W, text: 'database=2' },
  ],
};

suite('diagnostics', () => {
  suiteSetup(async () => {
    await activated();
  });

  for (const [file, expected] of Object.entries(FILES)) {
    test(`${file}: ${expected.map((e) => e.code).join(', ')}`, async () => {
      const editor = await openFile(file);
      const doc = editor.document;
      const ds = await diagnosticsOf(
        doc.uri,
        (d) => expected.every((e) => d.some((x) => codeOf(x) === e.code)),
        `${expected.map((e) => e.code).join(', ')} on ${file}`,
      );
      for (const e of expected) {
        const d = ds.find((x) => codeOf(x) === e.code)!;
        const where = `${e.code} @${d.range.start.line + 1}:${d.range.start.character + 1}`;
        assert.equal(d.severity, e.severity, `${where}: severity ${vscode.DiagnosticSeverity[d.severity]}`);
        assert.equal(d.source, SOURCE);
        assert.equal(doc.getText(d.range), e.text, `${where}: range text`);
        assert.ok(typeof d.code === 'object' && d.code.target instanceof vscode.Uri, `${where}: code has a link`);
        assert.equal(
          d.code.target.toString(true),
          `https://github.com/php-redis-sessions/php-redis-sessions/blob/main/docs/rules/${e.code}.md`,
        );
        assert.ok(d.message.length > 20, `${where}: a real message (${d.message})`);
      }
      // Nothing unexpected on these files either.
      const extra = ds.filter((d) => !expected.some((e) => e.code === codeOf(d)));
      assert.equal(extra.length, 0, `unexpected diagnostics on ${file}:\n${describeDiagnostics(extra)}`);
    });
  }

  test('a JSON syntax error is reported once, by VS Code, not again by the extension', async () => {
    const editor = await openFile('broken/composer.json');
    const uri = editor.document.uri;
    await diagnosticsOf(
      uri,
      (d) => d.some((x) => codeOf(x) === 'unknown-save-handler'),
      'the recovered php-config linted',
    );
    const json = await poll('VS Code reports the trailing comma', 20_000, () => {
      const ds = vscode.languages
        .getDiagnostics(uri)
        .filter((d) => d.source !== SOURCE && editor.document.getText(d.range) === ',');
      return ds.length ? ds : undefined;
    });
    assert.equal(json.length, 1, describeDiagnostics(json));
    const ours = vscode.languages
      .getDiagnostics(uri)
      .filter((d) => d.source === SOURCE && codeOf(d) === 'invalid-json');
    assert.deepEqual(ours, []);
  });

  test('a correct configuration (app/composer.json) gets no diagnostic', async () => {
    const editor = await openFile('app/composer.json');
    // Give the pull a moment: a clean file has no "done" signal to wait for.
    await sleep(2000);
    const ds = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === SOURCE);
    assert.equal(ds.length, 0, describeDiagnostics(ds));
  });

  test('an edit is linted again as it is typed', async () => {
    const editor = await openFile('app/composer.json');
    const doc = editor.document;
    const at = doc.getText().indexOf('timeout=2.5');
    assert.ok(at > 0);
    const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'timeout=2.5'.length));
    try {
      assert.ok(await editor.edit((b) => b.replace(range, 'timeout=abc')));
      const ds = await diagnosticsOf(
        doc.uri,
        (d) => d.some((x) => codeOf(x) === 'invalid-timeout'),
        'invalid-timeout after typing',
      );
      const d = ds.find((x) => codeOf(x) === 'invalid-timeout')!;
      assert.equal(doc.getText(d.range), 'timeout=abc');
      assert.equal(d.severity, E);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await diagnosticsOf(doc.uri, (d) => d.length === 0, 'no diagnostic after the revert');
  });
});
