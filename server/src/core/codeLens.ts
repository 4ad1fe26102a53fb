// Code lenses over the effective session.save_path: Test connection and Browse sessions. The
// lens carries only the document offset: the client reads the path itself, so no secret travels
// through the protocol (or its trace).
import { effective, handlerName } from './config.ts';
import { ClientCommands } from '../protocol.ts';
import type { ParsedDocument } from './document.ts';

export interface CodeLensResult {
  start: number;
  end: number;
  title: string;
  command: string;
  /** Document offset of the save_path value. */
  offset: number;
}

export function codeLenses(model: ParsedDocument): CodeLensResult[] {
  const path = effective(model.config, 'session.save_path');
  if (!path?.value || !path.value.text.trim()) return [];
  const handler = handlerName(effective(model.config, 'session.save_handler'));
  if (handler !== 'redis' && handler !== 'rediscluster') return [];
  const start = path.line.toDoc(path.line.ini.nameSpan.start);
  const end = path.line.toDoc(path.value.span.end);
  const offset = path.line.toDoc(path.value.span.start);
  return [
    { start, end, title: 'Test connection', command: ClientCommands.testConnection, offset },
    { start, end, title: 'Browse sessions', command: ClientCommands.browseSessions, offset },
  ];
}
