// The language client: which documents go to the server, and how diagnostics are pulled.
import * as path from 'node:path';
import type { ExtensionContext } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SERVER_SECTION } from '../../server/src/protocol.ts';

export const DOCUMENT_SELECTOR = [
  { scheme: 'file', pattern: '**/composer.json' },
  { scheme: 'file', pattern: '**/*.ini' },
  { scheme: 'file', pattern: '**/.user.ini' },
  // php-fpm pool files: the server reads only their php_value[...] / php_admin_value[...] lines.
  { scheme: 'file', pattern: '**/*.conf' },
];

export function createLanguageClient(context: ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: SERVER_SECTION },
    diagnosticPullOptions: { onChange: true, onSave: true },
  };
  return new LanguageClient('phpRedisSessions', 'PHP Redis Sessions', serverOptions, clientOptions);
}
