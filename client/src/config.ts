// Every `phpRedisSessions.*` setting the client reads, typed, in one place. The language server
// reads `lint.enable` and `rules` itself (ServerSettings in server/src/protocol.ts), and
// vscode-languageclient reads `trace.server`.
import * as vscode from 'vscode';
import { SERVER_SECTION } from '../../server/src/protocol.ts';
import { SESSION_SERIALIZERS, type SessionSerializer } from '../../server/src/sessions/index.ts';

/** One entry of `phpRedisSessions.connections`, as the user wrote it (any field may be missing). */
export interface SettingsConnection {
  name?: string;
  url?: string;
  prefix?: string;
  readOnly?: boolean;
}

export class Config {
  private get settings(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SERVER_SECTION);
  }

  /** Whether a settings change concerns the client (connections, listing, decoding). */
  affects(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration(SERVER_SECTION);
  }

  /** `connections`: the connections written in settings. */
  get connections(): SettingsConnection[] {
    const list = this.settings.get<unknown>('connections');
    return Array.isArray(list) ? (list as SettingsConnection[]) : [];
  }

  /** `readOnly`: whether connections refuse writes unless one says otherwise (default true). */
  get readOnly(): boolean {
    return this.settings.get<boolean>('readOnly', true);
  }

  /** `pageSize`: sessions per page of the tree (default 200, at least 1). */
  get pageSize(): number {
    return Math.max(1, this.settings.get<number>('pageSize', 200));
  }

  /** `serializer`: the pinned session.serialize_handler, or undefined to detect it per value ("auto"). */
  get serializer(): SessionSerializer | undefined {
    const s = this.settings.get<string>('serializer', 'auto');
    return (SESSION_SERIALIZERS as readonly string[]).includes(s) ? (s as SessionSerializer) : undefined;
  }
}

export const config = new Config();
