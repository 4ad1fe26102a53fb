// A document parsed once into what the rules, hover, completion and code lens read: its ini lines
// (wherever they live) and the session configuration PHP ends up with.
import { parseComposer, type ComposerDocument } from './composer.ts';
import { buildConfig, type SessionConfig } from './config.ts';
import type { ConfigLine } from './configLine.ts';
import { isFrameworkKind } from './fileKinds.ts';
import { iniDocumentLines } from './iniDocument.ts';
import { versionFromConstraint, type PhpredisVersion } from './phpredisVersions.ts';
import type { DocumentKind } from './types.ts';

export interface ParsedDocument {
  kind: DocumentKind;
  text: string;
  composer?: ComposerDocument;
  /** Every ini line of the document (composer: both php-config blocks). */
  lines: ConfigLine[];
  /** The configuration PHP ends up with. */
  config: SessionConfig;
  /** The phpredis release line composer.json's `ext-redis` constraint pins, if it pins one. */
  phpredisPin?: PhpredisVersion;
}

export function parseDocument(text: string, kind: DocumentKind): ParsedDocument {
  if (kind === 'composer') {
    const composer = parseComposer(text);
    const effectiveLines = composer.lines.filter((l) => l.origin === composer.effectiveOrigin);
    const constraint = composer.requireEntry('ext-redis')?.value;
    const phpredisPin = typeof constraint === 'string' ? versionFromConstraint(constraint) : undefined;
    return {
      kind,
      text,
      composer,
      lines: composer.lines,
      config: buildConfig(effectiveLines),
      ...(phpredisPin ? { phpredisPin } : {}),
    };
  }
  // Framework files hold no php.ini line; their rules read them with the project (frameworks/).
  if (isFrameworkKind(kind)) return { kind, text, lines: [], config: buildConfig([]) };
  const lines: ConfigLine[] = iniDocumentLines(text, kind === 'fpm');
  // A php-fpm pool file also holds fpm's own directives: only php_value[...] lines reach PHP.
  const settings = kind === 'fpm' ? lines.filter((l) => l.ini.fpmPrefix !== undefined) : lines;
  return { kind, text, lines, config: buildConfig(settings, kind === 'fpm') };
}
