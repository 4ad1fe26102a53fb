// The URI scheme of opened session documents: registered at activation (extension.ts), used by the
// view bundle (sessionDocument.ts).
export const SCHEME = 'php-redis-session';
