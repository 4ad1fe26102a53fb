// A document parsed once into what the rules, hover, completion and code lens read: its ini lines
// (wherever they live) and the session configuration PHP ends up with.
import { parseComposer, type ComposerDocument } from './composer.ts';
import { buildConfig, type SessionConfig } from './config.ts';
import type { ConfigLine } from './configLine.ts';
import { isFrameworkKind } from './fileKinds.ts';
import { iniDocumentLines } from './iniDocument.ts';
import type { DocumentKind } from './types.ts';

export interface ParsedDocument {
  kind: DocumentKind;
  text: string;
  composer?: ComposerDocument;
  /** Every ini line of the document (composer: both php-config blocks). */
  lines: ConfigLine[];
  /** The configuration PHP ends up with. */
  config: SessionConfig;
}

export function parseDocument(text: string, kind: DocumentKind): ParsedDocument {
  if (kind === 'composer') {
    const composer = parseComposer(text);
    const effectiveLines = composer.lines.filter((l) => l.origin === composer.effectiveOrigin);
    return { kind, text, composer, lines: composer.lines, config: buildConfig(effectiveLines) };
  }
  // Framework files hold no php.ini line; their rules read them with the project (frameworks/).
  if (isFrameworkKind(kind)) return { kind, text, lines: [], config: buildConfig([]) };
  let lines: ConfigLine[] = iniDocumentLines(text, kind === 'fpm');
  // A php-fpm pool file also holds fpm's own directives: only php_value[...] lines reach PHP.
  if (kind === 'fpm') lines = lines.filter((l) => l.ini.fpmPrefix !== undefined);
  return { kind, text, lines, config: buildConfig(lines) };
}
