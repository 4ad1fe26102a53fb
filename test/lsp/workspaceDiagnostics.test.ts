// Workspace diagnostics: the bundled server lints the workspace's configuration files that are not
// open (workspace/diagnostic), skips vendor/ and node_modules/, holds the request until a file
// changes, says when a file is gone, and leaves open documents to the document pull.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { findLintedFiles, MAX_FILES } from '../../server/src/workspaceDiagnostics.ts';
import { composer } from '../helpers/lintHelpers.ts';
import { EditorDocument, startServer, type LspSession } from '../helpers/lspClient.ts';

interface Report {
  kind: string;
  uri: string;
  resultId?: string;
  items: { code: string }[];
}

let dir: string;
let s: LspSession;
const uri = (rel: string) => pathToFileURL(join(dir, rel)).href;
const write = (rel: string, text: string) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prs-ws-'));
  write('php.ini', 'session.save_handler = reddis\nsession.save_path = "tcp://127.0.0.1:6379?timeout=2"\n');
  write(
    'app/composer.json',
    composer(['session.save_handler = redis', "session.save_path = 'tcp://h:1?weight=0&timeout=1'"], {
      require: { 'ext-redis': '*' },
    }),
  );
  write('app/conf.d/ok.ini', 'session.gc_maxlifetime = 1440\n');
  write('vendor/acme/php.ini', 'session.save_handler = reddis\n');
  write('node_modules/x/.user.ini', 'session.save_handler = reddis\n');
  s = await startServer({ rules: {} }, { workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'w' }] });
});

after(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
  assert.doesNotMatch(s.stderr(), /Error|uncaught/i, 'the server wrote no error');
});

async function pull(previous: Report[] = [], token?: CancellationTokenSource): Promise<Report[]> {
  const params = {
    previousResultIds: previous.filter((p) => p.resultId).map((p) => ({ uri: p.uri, value: p.resultId })),
  };
  const r = token
    ? await s.conn.sendRequest<{ items: Report[] }>('workspace/diagnostic', params, token.token)
    : await s.conn.sendRequest<{ items: Report[] }>('workspace/diagnostic', params);
  return r.items;
}

async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

let first: Report[] = [];

test('every closed configuration file is linted, vendor/ and node_modules/ are not', async () => {
  first = await within(10_000, pull(), 'first report');
  const byUri = new Map(first.map((r) => [r.uri, r]));
  assert.deepEqual(
    [...byUri.keys()].sort(),
    [uri('app/composer.json'), uri('app/conf.d/ok.ini'), uri('php.ini')].sort(),
  );
  assert.deepEqual(
    byUri.get(uri('php.ini'))!.items.map((d) => d.code),
    ['unknown-save-handler'],
  );
  assert.ok(byUri.get(uri('app/composer.json'))!.items.some((d) => d.code === 'invalid-weight'));
  assert.deepEqual(byUri.get(uri('app/conf.d/ok.ini'))!.items, []);
  for (const r of first) assert.equal(r.kind, 'full');
});

test('nothing new: the request is held until a watched file changes, then only that file is reported', async () => {
  const pending = pull(first);
  let settled = false;
  void pending.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(settled, false, 'held while nothing changed');
  write('php.ini', 'session.save_handler = redis\nsession.save_path = "tcp://127.0.0.1:6379?timeout=2"\n');
  await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('php.ini'), type: 2 }] });
  const changed = await within(10_000, pending, 'report after the change');
  assert.deepEqual(
    changed.map((r) => r.uri),
    [uri('php.ini')],
  );
  assert.deepEqual(changed[0]!.items, []);
  first = first.map((r) => (r.uri === uri('php.ini') ? changed[0]! : r));
});

test('a deleted file gets an empty report; an open one is left to the document pull', async () => {
  unlinkSync(join(dir, 'app/composer.json'));
  const doc = new EditorDocument(s, uri('app/conf.d/ok.ini'), 'session.save_handler = reddis\n', 'ini');
  assert.deepEqual(
    (await doc.diagnostics()).map((d) => d.code),
    ['unknown-save-handler'],
  );
  await s.conn.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: uri('app/composer.json'), type: 3 }],
  });
  const reports = await within(10_000, pull(first), 'report after the deletion');
  assert.deepEqual(
    reports.map((r) => [r.uri, r.items.length]),
    [[uri('app/composer.json'), 0]],
  );
});

test('a held request ends at once when cancelled', async () => {
  const current = await within(10_000, pull(), 'a full report');
  const cts = new CancellationTokenSource();
  const pending = pull(current, cts).then(
    (r) => r,
    () => [] as Report[],
  );
  await new Promise((r) => setTimeout(r, 200));
  cts.cancel();
  assert.deepEqual(await within(5_000, pending, 'the cancelled request'), []);
});

test('bounds: at most MAX_FILES files, and the walk says it was cut', () => {
  const big = mkdtempSync(join(tmpdir(), 'prs-ws-big-'));
  try {
    for (let i = 0; i < MAX_FILES + 30; i++) writeFileSync(join(big, `f${String(i).padStart(4, '0')}.ini`), '');
    const walk = findLintedFiles([big]);
    assert.equal(walk.files.length, MAX_FILES);
    assert.equal(walk.complete, false);
    assert.equal(findLintedFiles([dir]).complete, true);
  } finally {
    rmSync(big, { recursive: true, force: true });
  }
});
