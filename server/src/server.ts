// The language server: a thin LSP adapter over the pure core (lint, fixes, hover, completion,
// code lens). Pull diagnostics, as lsp-sample and vscode-eslint do.
import {
  CodeActionKind,
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAll, minimalEdit } from './core/applyFixes.ts';
import { codeLenses } from './core/codeLens.ts';
import { completions } from './core/completion.ts';
import { hover } from './core/hover.ts';
import { parseDocument, type ParsedDocument } from './core/document.ts';
import { documentKind, isFrameworkKind } from './core/fileKinds.ts';
import { isProjectFile } from './core/frameworks/project.ts';
import { lintDocument } from './core/lint.ts';
import { isPhpredisVersion, PHPREDIS_VERSIONS } from './core/phpredisVersions.ts';
import { WorkspaceDiagnostics } from './workspaceDiagnostics.ts';
import { isRuleId } from './core/rules/catalogue.ts';
import type { Finding, Fix, LintOptions, ProjectInput, RuleSetting, Severity } from './core/types.ts';
import { projectRootOf, scanProject } from './projectFiles.ts';
import {
  DIAGNOSTIC_SOURCE,
  FIX_ALL_KIND,
  LintStatusNotification,
  ruleHref,
  SERVER_SECTION,
  type LintStatusParams,
  type ServerSettings,
} from './protocol.ts';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settingsCache = new Map<string, Promise<ServerSettings>>();
let configurationCapability = false;
/** The workspace folders (file: URIs): their settings scope the workspace pass's files. */
let workspaceRoots: string[] = [];
let settingsGeneration = 0;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};
const RULE_SETTINGS = new Set<string>(['off', 'error', 'warning', 'information', 'hint']);

connection.onInitialize((params): InitializeResult => {
  configurationCapability = !!params.capabilities.workspace?.configuration;
  workspaceRoots = (params.workspaceFolders ?? []).map((f) => f.uri).filter((u) => u.startsWith('file:'));
  if (!workspaceRoots.length && params.rootUri?.startsWith('file:')) workspaceRoots = [params.rootUri];
  workspace.setRoots(workspaceRoots);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      // Framework files depend on others (composer.json, .env, a Procfile): a change there re-pulls them.
      // The files not open are linted in the background (workspaceDiagnostics.ts).
      diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: true },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['=', '?', '&', '.'] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'php-redis-sessions' },
  };
});

connection.onDidChangeConfiguration(() => {
  settingsCache.clear();
  settingsGeneration++;
  workspace.changed();
  connection.languages.diagnostics.refresh();
});

// A configuration or project file created, changed or deleted on the disk (the client watches
// LINTED_GLOB and PROJECT_WATCH_GLOBS): the workspace pass and the framework files that read it.
connection.onDidChangeWatchedFiles(() => {
  projectChanged();
  workspace.changed();
});

documents.onDidClose((e) => {
  settingsCache.delete(e.document.uri);
  states.delete(e.document.uri);
  // Its diagnostics come from the workspace pass again.
  workspace.changed();
});

const NO_SETTINGS: Promise<ServerSettings> = Promise.resolve({});

function settingsFor(uri: string): Promise<ServerSettings> {
  if (!configurationCapability) return NO_SETTINGS;
  let s = settingsCache.get(uri);
  if (!s) {
    s = connection.workspace.getConfiguration({ scopeUri: uri, section: SERVER_SECTION }).then(
      (v: ServerSettings | null) => v ?? {},
      () => ({}),
    );
    settingsCache.set(uri, s);
  }
  return s;
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  connection.console.warn(message);
}

function lintOptions(settings: ServerSettings): LintOptions {
  // VS Code's JSON language already reports JSON syntax errors in the editor: one message is enough.
  // (The CLI keeps invalid-json; a severity set in settings brings it back here too.)
  const rules: Record<string, RuleSetting> = { 'invalid-json': 'off' };
  for (const [id, value] of Object.entries(settings.rules ?? {})) {
    if (!isRuleId(id)) warnOnce(`phpRedisSessions.rules: "${id}" is not a rule id; it is ignored.`);
    else if (typeof value === 'string' && RULE_SETTINGS.has(value)) rules[id] = value as RuleSetting;
    else
      warnOnce(`phpRedisSessions.rules: "${id}": "${String(value)}" is not off, error, warning, information or hint.`);
  }
  const version = settings.phpredisVersion;
  if (version !== undefined && !isPhpredisVersion(version))
    warnOnce(`phpRedisSessions.phpredisVersion: "${String(version)}" is not one of ${PHPREDIS_VERSIONS.join(', ')}.`);
  return {
    rules,
    ...(isPhpredisVersion(version) ? { phpredisVersion: version } : {}),
    onRuleError: (rule, err) =>
      connection.console.error(`rule ${rule} failed: ${err instanceof Error ? err.message : String(err)}`),
  };
}

function pathOf(uri: string): string {
  return decodeURIComponent(uri.replace(/[?#].*$/, ''));
}

/**
 * The projects of open framework files: their context files read from the disk once, then kept
 * until a watched file changes; open documents win over the disk. `generation` moves on every
 * change, so findings computed with an older project are not reused.
 */
const projectScans = new Map<string, Map<string, string>>();
let projectGeneration = 0;

function projectChanged(): void {
  projectScans.clear();
  projectGeneration++;
  connection.languages.diagnostics.refresh();
}

function projectOf(uri: string): ProjectInput | undefined {
  if (!uri.startsWith('file:')) return undefined;
  let file: string;
  try {
    file = fileURLToPath(uri);
  } catch {
    return undefined;
  }
  const root = projectRootOf(file);
  let files = projectScans.get(root);
  if (!files) {
    files = scanProject(root).files;
    projectScans.set(root, files);
  }
  const merged = new Map(files);
  for (const d of documents.all()) {
    if (!d.uri.startsWith('file:')) continue;
    const rel = relative(root, fileURLToPath(d.uri)).split(sep).join('/');
    if (!rel.startsWith('..') && isProjectFile(rel)) merged.set(rel, d.getText());
  }
  return { files: merged, path: relative(root, file).split(sep).join('/') };
}

/** A project file is edited in the editor: the framework files that read it are linted again. */
documents.onDidChangeContent((e) => {
  if (!e.document.uri.startsWith('file:')) return;
  const name = pathOf(e.document.uri).split('/').pop() ?? '';
  if (name === 'composer.json' || name === 'Procfile' || name.startsWith('.env') || /\.(ya?ml|php|json)$/.test(name)) {
    projectGeneration++;
    connection.languages.diagnostics.refresh();
  }
});

function rootUriOf(uri: string): string {
  return pathToFileURL(projectRootOf(fileURLToPath(uri))).href;
}

/**
 * What the server knows of an open document version: its parse (shared by lint, hover, completion
 * and code lens) and its findings. Code actions are asked for on every cursor move: they reuse the
 * findings of the diagnostics pull instead of linting the document again.
 */
interface DocumentState {
  version: number;
  parsed: ParsedDocument;
  findings?: { settings: Promise<ServerSettings>; generation: number; list: Finding[] };
}
const states = new Map<string, DocumentState>();

function stateOf(doc: TextDocument): DocumentState | undefined {
  const kind = documentKind(pathOf(doc.uri));
  if (!kind) return undefined;
  let state = states.get(doc.uri);
  if (!state || state.version !== doc.version) {
    state = { version: doc.version, parsed: parseDocument(doc.getText(), kind) };
    states.set(doc.uri, state);
  }
  return state;
}

async function findingsOf(doc: TextDocument): Promise<Finding[]> {
  const state = stateOf(doc);
  if (!state) return [];
  const settingsPromise = settingsFor(doc.uri);
  const framework = isFrameworkKind(state.parsed.kind);
  const generation = framework ? projectGeneration : 0;
  if (state.findings?.settings === settingsPromise && state.findings.generation === generation)
    return state.findings.list;
  const settings = await settingsPromise;
  const started = performance.now();
  const project = framework ? projectOf(doc.uri) : undefined;
  const options = { ...lintOptions(settings), ...(project ? { project } : {}) };
  const list = settings.lint?.enable === false ? [] : lintDocument(state.parsed, options);
  const status: LintStatusParams = { uri: doc.uri, validationTime: performance.now() - started, findings: list.length };
  void connection.sendNotification(LintStatusNotification.method, status);
  state.findings = { settings: settingsPromise, generation, list };
  return list;
}

/** The workspace folder a file belongs to (its settings' scope), else the file itself. */
function scopeOf(uri: string): string {
  const root = workspaceRoots
    .filter((r) => uri.startsWith(r.endsWith('/') ? r : `${r}/`))
    .sort((a, b) => b.length - a.length)[0];
  return root ?? uri;
}

const workspace = new WorkspaceDiagnostics({
  isOpen: (uri) => documents.get(uri) !== undefined,
  settingsGeneration: () => settingsGeneration,
  async lint(uri, text, kind) {
    const settings = await settingsFor(scopeOf(uri));
    if (settings.lint?.enable === false) return [];
    const doc = TextDocument.create(uri, kind === 'composer' ? 'json' : 'ini', 0, text);
    // A framework file is judged with its project, as when it is open.
    const project = isFrameworkKind(kind) ? projectOf(uri) : undefined;
    const options = { ...lintOptions(settings), ...(project ? { project } : {}) };
    return lintDocument(parseDocument(text, kind), options).map((f) => toDiagnostic(doc, f));
  },
});

connection.languages.diagnostics.onWorkspace(async (params, token) => {
  try {
    const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
    const reports = await workspace.pull(previous, token);
    return {
      items: reports.map((r) => ({
        kind: 'full' as const,
        uri: r.uri,
        version: null,
        resultId: r.resultId,
        items: r.items,
      })),
    };
  } catch (err) {
    connection.console.error(`workspace lint failed: ${err instanceof Error ? err.message : String(err)}`);
    return { items: [] };
  }
});

function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
  return {
    range: { start: doc.positionAt(f.start), end: doc.positionAt(f.end) },
    severity: SEVERITY[f.severity],
    source: DIAGNOSTIC_SOURCE,
    code: f.rule,
    codeDescription: { href: ruleHref(f.rule) },
    message: f.message,
    ...(f.related?.length
      ? {
          relatedInformation: f.related.map((r) => ({
            location: { uri: doc.uri, range: { start: doc.positionAt(r.start), end: doc.positionAt(r.end) } },
            message: r.message,
          })),
        }
      : {}),
  };
}

connection.languages.diagnostics.on(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return { kind: 'full', items: [] };
  try {
    const findings = await findingsOf(doc);
    return { kind: 'full', items: findings.map((f) => toDiagnostic(doc, f)) };
  } catch (err) {
    // An empty report rather than stale diagnostics; the message never includes document text.
    connection.console.error(`lint failed: ${err instanceof Error ? err.message : String(err)}`);
    return { kind: 'full', items: [] };
  }
});

function toAction(doc: TextDocument, fx: Fix, diagnostic: Diagnostic): CodeAction {
  const action: CodeAction = {
    title: fx.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fx.preferred ?? false,
  };
  if (fx.edits.length) {
    action.edit = {
      changes: {
        [doc.uri]: fx.edits.map((e) => ({
          range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) },
          newText: e.newText,
        })),
      },
    };
  }
  // Edits of another project file (composer.json): offsets are into its text as the project had it.
  for (const other of fx.otherFiles ?? []) {
    const uri = `${rootUriOf(doc.uri)}/${other.path.split('/').map(encodeURIComponent).join('/')}`;
    const open = documents.get(uri);
    const text = open?.getText() ?? projectOf(doc.uri)?.files.get(other.path);
    if (text === undefined) continue;
    const target = open ?? TextDocument.create(uri, 'json', 0, text);
    action.edit ??= { changes: {} };
    action.edit.changes![uri] = other.edits.map((e) => ({
      range: { start: target.positionAt(e.start), end: target.positionAt(e.end) },
      newText: e.newText,
    }));
  }
  if (fx.command)
    action.command = {
      title: fx.command.title,
      command: fx.command.command,
      arguments: [doc.uri, ...fx.command.arguments],
    };
  return action;
}

connection.onCodeAction(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  const only = params.context.only;
  const wantsFixAll = only?.some((k) => FIX_ALL_KIND.startsWith(k) || k === FIX_ALL_KIND);
  const wantsQuickFix =
    !only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k));
  const actions: CodeAction[] = [];
  const findings = await findingsOf(doc);
  if (wantsQuickFix) {
    const start = doc.offsetAt(params.range.start);
    const end = doc.offsetAt(params.range.end);
    for (const f of findings) {
      if (f.end < start || f.start > end) continue;
      const diagnostic = toDiagnostic(doc, f);
      for (const fx of f.fixes) actions.push(toAction(doc, fx, diagnostic));
    }
  }
  if (wantsFixAll && findings.some((f) => f.fixes.some((x) => x.safe))) {
    const settings = await settingsFor(doc.uri);
    const text = doc.getText();
    const kind = documentKind(pathOf(doc.uri));
    const project = kind && isFrameworkKind(kind) ? projectOf(doc.uri) : undefined;
    const result = fixAll(text, pathOf(doc.uri), {
      ...lintOptions(settings),
      ...(kind ? { kind } : {}),
      ...(project ? { project } : {}),
    });
    if (result.text !== text) {
      const e = minimalEdit(text, result.text);
      actions.push({
        title: 'Fix all PHP Redis Sessions problems',
        kind: FIX_ALL_KIND,
        edit: {
          changes: {
            [doc.uri]: [{ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.newText }],
          },
        },
      });
    }
  }
  return actions;
});

connection.onHover((params) => {
  const doc = documents.get(params.textDocument.uri);
  const state = doc && stateOf(doc);
  if (!doc || !state) return null;
  const h = hover(state.parsed, doc.offsetAt(params.position));
  if (!h) return null;
  return {
    contents: { kind: 'markdown', value: h.markdown },
    range: { start: doc.positionAt(h.start), end: doc.positionAt(h.end) },
  };
});

connection.onCompletion((params) => {
  const doc = documents.get(params.textDocument.uri);
  const state = doc && stateOf(doc);
  if (!doc || !state) return [];
  return completions(state.parsed, doc.offsetAt(params.position)).map((c) => ({
    label: c.label,
    kind: c.kind,
    detail: c.detail,
    documentation: { kind: 'markdown' as const, value: c.documentation },
    textEdit: { range: { start: doc.positionAt(c.start), end: doc.positionAt(c.end) }, newText: c.insertText },
    ...(c.retrigger ? { command: { title: 'Suggest values', command: 'editor.action.triggerSuggest' } } : {}),
  }));
});

connection.onCodeLens((params) => {
  const doc = documents.get(params.textDocument.uri);
  const state = doc && stateOf(doc);
  if (!doc || !state) return [];
  return codeLenses(state.parsed).map((l) => ({
    range: { start: doc.positionAt(l.start), end: doc.positionAt(l.end) },
    command: { title: l.title, command: l.command, arguments: [doc.uri, l.offset] },
  }));
});

// A bug must never take the server down with the editor's documents: log and carry on.
process.on('uncaughtException', (err) => connection.console.error(`uncaught: ${err.message}`));
process.on('unhandledRejection', (err) =>
  connection.console.error(`unhandled rejection: ${err instanceof Error ? err.message : String(err)}`),
);

documents.listen(connection);
connection.listen();
