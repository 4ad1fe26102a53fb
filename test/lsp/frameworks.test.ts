// The language server on a Laravel project on disk: a .env is linted with the project's
// composer.json and Procfile read from the disk, an open (unsaved) composer.json wins over the
// disk, and the fix that adds ext-redis is a workspace edit of composer.json.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { EditorDocument, startServer, type LspSession } from '../helpers/lspClient.ts';

let s: LspSession;
before(async () => {
  s = await startServer({ rules: {} });
});
after(async () => {
  await s.close();
  assert.doesNotMatch(s.stderr(), /Error|uncaught/i, 'the server wrote no error');
});

const COMPOSER = '{\n    "require": {\n        "php": "^8.2",\n        "laravel/framework": "^11.0"\n    }\n}\n';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prs-lsp-laravel-'));
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'composer.json'), COMPOSER);
  writeFileSync(join(dir, 'Procfile'), 'web: vendor/bin/heroku-php-apache2 public/\n');
  return dir;
}

const uri = (dir: string, rel: string): string => pathToFileURL(join(dir, rel)).href;

test('a .env is linted with the composer.json and Procfile on the disk', async () => {
  const dir = project();
  const env = new EditorDocument(s, uri(dir, '.env'), 'SESSION_DRIVER=file\n', 'dotenv');
  assert.deepEqual(
    (await env.diagnostics()).map((d) => d.code),
    ['sessions-on-local-disk'],
  );
  await env.replaceAll('SESSION_DRIVER=redis\n');
  const [d] = await env.diagnostics();
  assert.equal(d?.code, 'laravel-redis-client-not-required');
  const actions = await s.conn.sendRequest<
    { title: string; edit?: { changes: Record<string, { newText: string }[]> } }[]
  >('textDocument/codeAction', {
    textDocument: { uri: env.uri },
    range: d!.range,
    context: { diagnostics: [d], only: ['quickfix'] },
  });
  const add = actions.find((a) => a.title.includes('ext-redis'));
  assert.ok(add?.edit, 'a fix that edits composer.json');
  assert.deepEqual(Object.keys(add.edit.changes), [uri(dir, 'composer.json')]);
  assert.match(add.edit.changes[uri(dir, 'composer.json')]![0]!.newText, /"ext-redis": "\*"/);
});

test('an open composer.json wins over the disk, and its change re-lints the .env', async () => {
  const dir = project();
  const env = new EditorDocument(s, uri(dir, '.env'), 'SESSION_DRIVER=redis\n', 'dotenv');
  assert.deepEqual(
    (await env.diagnostics()).map((d) => d.code),
    ['laravel-redis-client-not-required'],
  );
  const refreshes = s.received.filter((r) => r.method === 'workspace/diagnostic/refresh').length;
  const composer = new EditorDocument(s, uri(dir, 'composer.json'), COMPOSER);
  await composer.replaceAll(COMPOSER.replace('"php": "^8.2",', '"php": "^8.2",\n        "ext-redis": "*",'));
  await composer.diagnostics();
  assert.ok(s.received.filter((r) => r.method === 'workspace/diagnostic/refresh').length > refreshes, 'a refresh');
  assert.deepEqual(await env.diagnostics(), []);
});

test('Symfony: framework.yaml handler_id DSN, and the %env() line of .env', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prs-lsp-symfony-'));
  mkdirSync(join(dir, 'config', 'packages'), { recursive: true });
  writeFileSync(join(dir, 'composer.json'), '{"require": {"ext-redis": "*", "symfony/framework-bundle": "7.2.*"}}\n');
  const fw = "framework:\n    session:\n        handler_id: '%env(REDIS_URL)%'\n";
  writeFileSync(join(dir, 'config', 'packages', 'framework.yaml'), fw);
  const env = new EditorDocument(s, uri(dir, '.env'), 'REDIS_URL=redis://h:6379?db=3\n', 'dotenv');
  const [d] = await env.diagnostics();
  assert.equal(d?.code, 'symfony-dsn-param-ignored');
  const yaml = new EditorDocument(
    s,
    uri(dir, 'config/packages/framework.yaml'),
    fw.replace("'%env(REDIS_URL)%'", 'redis://h/x'),
    'yaml',
  );
  assert.deepEqual(
    (await yaml.diagnostics()).map((x) => x.code),
    ['symfony-invalid-redis-dsn'],
  );
});
