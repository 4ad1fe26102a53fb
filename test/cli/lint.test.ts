import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { composer, ini } from '../helpers/lintHelpers.ts';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const SCHEMA = join(__dirname, '..', 'fixtures', 'schemas', 'sarif-2.1.0-rtm.5.json');

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'prs-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const broken = composer([
  'session.save_handler = reddis',
  "session.save_path = 'tcp://127.0.0.1:6379?weight=0&timeout=1'",
]);
const warnOnly = composer([
  'session.save_handler = redis',
  "session.save_path = 'tcp://127.0.0.1:6379?timeout=1&db=2'",
]);
const clean = composer(['session.save_handler = redis', "session.save_path = 'tcp://127.0.0.1:6379?timeout=1'"]);

test('exit codes: 1 with errors, 0 with warnings only or nothing, 2 for an unreadable path', () => {
  const dir = workspace({ 'composer.json': broken, 'warn.json': warnOnly, 'clean.json': clean });
  assert.equal(run(['lint'], dir).code, 1, 'default path ./composer.json');
  assert.equal(run(['lint', 'warn.json'], dir).code, 0);
  assert.equal(run(['lint', 'clean.json'], dir).code, 0);
  assert.equal(run(['lint', 'clean.json'], dir).stdout, '');
  const missing = run(['lint', 'nope.json'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read nope\.json \(ENOENT\)/);
  // A directory stands for its composer.json: one without it cannot be read, whoever runs the test.
  mkdirSync(join(dir, 'empty-project'));
  const unreadable = run(['lint', 'empty-project'], dir);
  assert.equal(unreadable.code, 2);
  assert.match(unreadable.stderr, /cannot read empty-project\/composer\.json \(ENOENT\)/);
  assert.equal(run(['lint', '--format', 'xml', 'clean.json'], dir).code, 2);
  assert.equal(run(['frobnicate'], dir).code, 2);
});

test('stylish: file, line:column, severity, message, rule id and a summary', () => {
  const dir = workspace({ 'composer.json': broken });
  const out = run(['lint'], dir).stdout;
  assert.match(out, /^composer\.json$/m);
  assert.match(out, /^ {2}\d+:\d+ +error +PHP has no session save handler "reddis".* unknown-save-handler$/m);
  assert.match(out, /✖ 2 problems \(2 errors, 0 warnings, 0 info\)/);
});

test('json: one entry per file with positions', () => {
  const dir = workspace({
    'composer.json': broken,
    'php.ini': ini('session.save_handler = redis', 'session.save_path = tcp://h:1?auth=x'),
  });
  const r = run(['lint', '--format', 'json', 'composer.json', 'php.ini'], dir);
  const report = JSON.parse(r.stdout) as {
    filePath: string;
    errorCount: number;
    messages: { ruleId: string; line: number; column: number }[];
  }[];
  assert.deepEqual(
    report.map((f) => [f.filePath, f.errorCount]),
    [
      ['composer.json', 2],
      ['php.ini', 1],
    ],
  );
  const weight = report[0].messages.find((m) => m.ruleId === 'invalid-weight')!;
  const line = broken.split('\n')[weight.line - 1];
  assert.equal(line.slice(weight.column - 1, weight.column - 1 + 'weight=0'.length), 'weight=0');
});

test('sarif: validates against the SARIF 2.1.0 schema', () => {
  const dir = workspace({
    'composer.json': broken,
    'php.ini': ini('session.save_handler = redis', "session.save_path = 'tcp://h:1'"),
  });
  const r = run(['lint', '--format', 'sarif', 'composer.json', 'php.ini'], dir);
  assert.equal(r.code, 1);
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors, null, 2));
  // and a log missing a required field is refused, so the check can fail
  assert.equal(validate({ version: '2.1.0' }), false);
  const log = JSON.parse(r.stdout) as { runs: { results: unknown[]; tool: { driver: { rules: { id: string }[] } } }[] };
  const results = log.runs[0].results as {
    ruleId: string;
    ruleIndex: number;
    level: string;
    locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  }[];
  assert.ok(results.some((x) => x.ruleId === 'invalid-weight' && x.level === 'error'));
  assert.ok(results.some((x) => x.ruleId === 'no-timeout' && x.level === 'note'));
  for (const x of results) assert.equal(log.runs[0].tool.driver.rules[x.ruleIndex].id, x.ruleId);
  assert.deepEqual([...new Set(results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri))].sort(), [
    'composer.json',
    'php.ini',
  ]);
});

test('--fix writes the safe fixes, keeps the JSON valid and leaves what needs a person', () => {
  const dir = workspace({
    'composer.json': composer(
      ['session.save_handler = reddis', "session.save_path = 'tcp://127.0.0.1:6379?weight=0&timeout=abc'"],
      { require: { php: '^8.2' } },
    ),
  });
  const r = run(['lint', '--fix'], dir);
  const fixed = readFileSync(join(dir, 'composer.json'), 'utf8');
  const json = JSON.parse(fixed);
  assert.deepEqual(json.extra.paas['php-config'], [
    'session.save_handler = redis',
    "session.save_path = 'tcp://127.0.0.1:6379?weight=1&timeout=2.5'",
  ]);
  assert.deepEqual(json.require, { php: '^8.2', 'ext-redis': '*' });
  assert.equal(r.code, 0);
  // a second run changes nothing
  run(['lint', '--fix'], dir);
  assert.equal(readFileSync(join(dir, 'composer.json'), 'utf8'), fixed);
});

test('the sample of the README lints with the documented errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prs-cli-'));
  copyFileSync(join(__dirname, '..', 'fixtures', 'composer', 'scalingo-broken.json'), join(dir, 'composer.json'));
  const r = run(['lint'], dir);
  assert.equal(r.code, 1);
  for (const rule of ['unknown-save-handler', 'unsupported-scheme', 'missing-serializer-extension'])
    assert.match(r.stdout, new RegExp(rule));
  assert.doesNotMatch(r.stdout, /s3cr3t/, 'the password in the sample never reaches the output');
});

test('lint <dir>: a Laravel project (.env, config/, composer.json) and a Symfony one, fixed across files with --fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prs-cli-laravel-'));
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'vendor', 'pkg'), { recursive: true });
  const composerText = '{\n    "require": {\n        "php": "^8.2",\n        "laravel/framework": "^11.0"\n    }\n}\n';
  writeFileSync(join(dir, 'composer.json'), composerText);
  writeFileSync(join(dir, '.env'), 'APP_NAME=Shop\nSESSION_DRIVER=redis\nSESSION_LIFETIME=abc\n');
  writeFileSync(
    join(dir, 'config', 'session.php'),
    "<?php\nreturn ['driver' => env('SESSION_DRIVER', 'file'), 'lifetime' => (int) env('SESSION_LIFETIME', 120)];\n",
  );
  // vendor/ is never read.
  writeFileSync(join(dir, 'vendor', 'pkg', '.env'), 'BROKEN LINE\n');
  const json = run(['lint', '.', '--format', 'json'], dir);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout) as { filePath: string; messages: { ruleId: string; line: number }[] }[];
  assert.deepEqual(
    report.map((r) => [r.filePath, r.messages.map((m) => `${m.ruleId}:${m.line}`)]),
    [
      ['.env', ['laravel-redis-client-not-required:2', 'laravel-invalid-session-lifetime:3']],
      ['composer.json', []],
      ['config/session.php', []],
    ],
  );
  const fixed = run(['lint', '.', '--fix'], dir);
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'composer.json'), 'utf8')).require, {
    php: '^8.2',
    'ext-redis': '*',
    'laravel/framework': '^11.0',
  });
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'APP_NAME=Shop\nSESSION_DRIVER=redis\nSESSION_LIFETIME=120\n');
  assert.equal(run(['lint', '.', '--fix'], dir).stdout, '', 'a second run has nothing left');

  const sf = mkdtempSync(join(tmpdir(), 'prs-cli-symfony-'));
  mkdirSync(join(sf, 'config', 'packages'), { recursive: true });
  writeFileSync(join(sf, 'composer.json'), '{"require": {"ext-redis": "*", "symfony/framework-bundle": "7.2.*"}}\n');
  writeFileSync(
    join(sf, 'config', 'packages', 'framework.yaml'),
    "framework:\n    session:\n        handler_id: '%env(REDIS_URL)%'\n",
  );
  writeFileSync(join(sf, '.env'), 'REDIS_URL=tcp://redis:6379\n');
  const out = run(['lint', sf], dir);
  assert.equal(out.code, 1);
  assert.match(
    out.stdout,
    /\.env\n {2}1:11 +error +Symfony's SessionHandlerFactory throws "Unsupported Connection".* symfony-invalid-redis-dsn/,
  );
});
