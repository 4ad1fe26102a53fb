// Speaks LSP to dist/server.js over stdio, as an editor does (JSON-RPC framing via vscode-jsonrpc).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-types';

export const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');

export interface LspSession {
  conn: MessageConnection;
  child: ChildProcess;
  /** Settings the server gets for workspace/configuration. */
  settings: Record<string, unknown>;
  stderr(): string;
  /** Requests and notifications the server sent to the client, by method. */
  received: { method: string; params: unknown }[];
  close(): Promise<void>;
}

export async function startServer(
  settings: Record<string, unknown> = {},
  init: { workspaceFolders?: { uri: string; name: string }[] } = {},
): Promise<LspSession> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const session: LspSession = {
    conn,
    child,
    settings,
    stderr: () => err,
    received: [],
    async close() {
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } catch {
        // already gone
      }
      conn.dispose();
      if (child.exitCode === null) child.kill();
    },
  };
  conn.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
    session.received.push({ method: 'workspace/configuration', params });
    return params.items.map(() => session.settings);
  });
  conn.onRequest('workspace/diagnostic/refresh', () => {
    session.received.push({ method: 'workspace/diagnostic/refresh', params: null });
    return null;
  });
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification((method: string, params: unknown) => {
    session.received.push({ method, params });
  });
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: init.workspaceFolders ?? null,
    capabilities: {
      workspace: { configuration: true, diagnostics: { refreshSupport: true }, didChangeWatchedFiles: {} },
      textDocument: {
        diagnostic: { dynamicRegistration: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
        hover: { contentFormat: ['markdown'] },
        completion: { completionItem: { snippetSupport: false } },
      },
    },
  });
  await conn.sendNotification('initialized', {});
  return session;
}

/** An open document the test edits the way an editor would. */
export class EditorDocument {
  doc: TextDocument;
  constructor(
    private session: LspSession,
    uri: string,
    text: string,
    languageId = 'json',
  ) {
    this.doc = TextDocument.create(uri, languageId, 1, text);
    void session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }
  get uri(): string {
    return this.doc.uri;
  }
  get text(): string {
    return this.doc.getText();
  }
  /** Applies edits locally and sends them as incremental changes. */
  async apply(edits: TextEdit[]): Promise<void> {
    const sorted = [...edits].sort((a, b) => this.doc.offsetAt(b.range.start) - this.doc.offsetAt(a.range.start));
    for (const e of sorted) {
      const version = this.doc.version + 1;
      TextDocument.update(this.doc, [{ range: e.range, text: e.newText }], version);
      await this.session.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri: this.uri, version },
        contentChanges: [{ range: e.range, text: e.newText }],
      });
    }
  }
  async replaceAll(text: string): Promise<void> {
    const version = this.doc.version + 1;
    this.doc = TextDocument.create(this.uri, this.doc.languageId, version, text);
    await this.session.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: this.uri, version },
      contentChanges: [{ text }],
    });
  }
  async diagnostics(): Promise<
    {
      code: string;
      message: string;
      severity: number;
      range: { start: { line: number; character: number }; end: { line: number; character: number } };
    }[]
  > {
    const report = await this.session.conn.sendRequest<{ items: never[] }>('textDocument/diagnostic', {
      textDocument: { uri: this.uri },
    });
    return report.items;
  }
}
