// The lint core's doorway: what code outside server/ (the VS Code client) may use. The server and
// the CLI live beside the core and import its modules directly.
export { parseDocument, type ParsedDocument } from './document.ts';
export { documentKind, EXCLUDED_GLOB, LINTED_FILES, LINTED_GLOB, type LintedFile } from './fileKinds.ts';
export { PROJECT_WATCH_GLOBS } from './frameworks/project.ts';
export { quoteIniValue } from './ini.ts';
export { encodeJsonStringBody } from './jsonString.ts';
export { hasCredentials, maskCredentials, splitPassword } from './mask.ts';
export { redisUrlToSavePath } from './redisUrl.ts';
export { sessionSettingsOf, type SessionSettings } from './sessionSettings.ts';
export { envName, expandSavePath, sessionStoreOf, type EnvLookup, type SessionStore } from './sessionStore.ts';
export type { DocumentKind } from './types.ts';
export { parseDotEnv } from './dotEnv.ts';
