// Read-only documents for an opened session: the canonical JSON, and the raw serialized text
// (coloured by the php-serialized grammar); and a connection's server INFO. Content is fetched
// when VS Code asks for it: closing one never asks to save.
import * as vscode from 'vscode';
import { decodeSession, decompress, sessionJson } from '../../server/src/sessions/index.ts';
import type { SessionInfo } from '../../server/src/sessions/redis/index.ts';
import { config } from './config.ts';
import { errorText } from './errorText.ts';
import { loadRedis, type HostState } from './sessionsTree.ts';

import { SCHEME } from './sessionScheme.ts';

export { SCHEME };

type Opened = { host: HostState; session: SessionInfo } | { hosts: HostState[] };

/** Hex dump for binary serializers (igbinary, msgpack): 16 bytes a line. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = bytes.subarray(i, i + 16);
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n') + '\n';
}

export class SessionDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly opened = new Map<string, Opened>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private next = 0;

  dispose(): void {
    this.changed.dispose();
  }

  private idFor(token: string): string | undefined {
    return [...this.opened.entries()].find(([, o]) =>
      'session' in o
        ? `${o.host.connection.id}\u0000${o.host.label}\u0000${o.session.key}` === token
        : `info\u0000${o.hosts[0]?.connection.id}` === token,
    )?.[0];
  }

  /** The server INFO of a connection's hosts, formatted (read again each time it is opened). */
  infoUri(hosts: HostState[]): vscode.Uri {
    const id = this.idFor(`info\u0000${hosts[0]?.connection.id}`) ?? String(++this.next);
    this.opened.set(id, { hosts });
    return vscode.Uri.from({
      scheme: SCHEME,
      path: `/${hosts[0]?.connection.name ?? 'Redis'}/Server Info.ini`,
      query: `${id}&info`,
    });
  }

  uriFor(host: HostState, session: SessionInfo, view: 'json' | 'raw'): vscode.Uri {
    const token = `${host.connection.id}\u0000${host.label}\u0000${session.key}`;
    let id = this.idFor(token);
    if (!id) id = String(++this.next);
    // Always the caller's host: after a refresh the earlier one's connection was closed on purpose.
    this.opened.set(id, { host, session });
    // The path names the session for the editor tab; the query finds it again.
    return vscode.Uri.from({
      scheme: SCHEME,
      path: `/${host.connection.name}/${session.id}.${view === 'json' ? 'json' : 'txt'}`,
      query: `${id}&${view}`,
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [id, view] = uri.query.split('&');
    const o = this.opened.get(id);
    if (!o) return `// ${vscode.l10n.t('This view belongs to an earlier window: open it again.')}\n`;
    if (!('session' in o)) return this.infoContent(o.hosts);
    try {
      const bytes = await o.host.scanner.getSession(o.session.id);
      if (bytes === null)
        return `// ${vscode.l10n.t('{0}: no such session any more (expired or deleted).', o.session.id)}\n`;
      // The same decoding as the tree and Copy as JSON, including a pinned serializer.
      const options = { key: o.session.key, serializer: config.serializer };
      if (view === 'json') return sessionJson(bytes, options, 2).json.toString('utf8') + '\n';
      const decoded = decodeSession(bytes, options);
      const plain = decoded.compression === 'none' ? bytes : decompress(bytes, decoded.compression);
      const textual =
        decoded.serializer === 'php' || decoded.serializer === 'php_serialize' || decoded.serializer === 'php_binary';
      return textual ? new TextDecoder('utf-8').decode(plain) : hexDump(plain);
    } catch (err) {
      // A Redis failure or an undecodable value: say so in the editor instead of a failed open.
      return `// ${vscode.l10n.t('{0}: {1}', o.session.id, errorText(err))}\n`;
    }
  }

  private async infoContent(hosts: HostState[]): Promise<string> {
    const { formatServerInfo } = await loadRedis();
    const parts: string[] = [];
    for (const h of hosts) {
      try {
        parts.push(formatServerInfo(await h.scanner.serverInfo(), new Date()));
      } catch (err) {
        parts.push(`; ${h.label}: ${errorText(err)}\n`);
      }
    }
    return parts.join('\n');
  }

  reload(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }
}
