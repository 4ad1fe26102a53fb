// Where a Laravel or Symfony project keeps its sessions, as a connection the Sessions view and the
// CLI can open: the Redis address (never with a password: only the name of the variable that holds
// it), the key prefix, and the framework, read from the project's files.
import { lastEntry, parseDotenv, type DotenvFile } from './dotenv.ts';
import { laravelAppOf, laravelSessionStore, settingValue } from './laravel.ts';
import { envVarsOf, handlerSettings, parseYaml, symfonyAppOf } from './symfony.ts';
import { parseSymfonyRedisDsn } from './symfonyDsn.ts';
import { phpParseUrl } from '../phpUrl.ts';
import type { ProjectInput } from '../types.ts';

export interface FrameworkConnection {
  framework: 'laravel' | 'symfony';
  /** A label: the framework and the file it comes from. */
  name: string;
  /** redis://[user@]host:port/db or rediss://…, or redis:///path/to.sock; never a password. */
  address: string;
  /** The key prefix of the sessions. */
  prefix: string;
  /** The project file it was read from. */
  file: string;
  /** The env variable whose value holds the password, when the configuration has one. */
  passwordVar?: string;
  /** The TTL the framework gives its sessions, in seconds, when the files say (Laravel's SESSION_LIFETIME). */
  lifetime?: number;
}

const enc = encodeURIComponent;

function address(tls: boolean, host: string, port: number, db: string, user?: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${tls ? 'rediss' : 'redis'}://${user ? `${enc(user)}@` : ''}${h}:${port}${db && db !== '0' ? `/${db}` : ''}`;
}

function laravelConnection(project: ProjectInput, envPath: string, env: DotenvFile): FrameworkConnection | undefined {
  const app = laravelAppOf(project);
  if (!app) return undefined;
  const store = laravelSessionStore(app, env);
  if (!store) return undefined;
  const c = `database.redis.${store.connection}`;
  const v = (k: string): string | undefined => {
    const x = settingValue(app, `${c}.${k}`, env);
    return x === null || x === undefined || x === false || x === '' ? undefined : String(x);
  };
  // ConfigurationUrlParser: the URL's parts win over the connection's keys.
  const urlText = v('url');
  const url = urlText ? phpParseUrl(urlText) : null;
  const host = url?.host ?? v('host') ?? '127.0.0.1';
  const port = url?.port ?? Number(v('port') ?? 6379);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  const db = url?.path && url.path !== '/' ? url.path.slice(1) : (v('database') ?? '0');
  const tls = /^(rediss|tls)$/i.test(url?.scheme ?? v('scheme') ?? '');
  const user = url?.user ?? v('username');
  const passwordVar =
    url?.pass !== undefined ? 'REDIS_URL' : v('password') !== undefined ? 'REDIS_PASSWORD' : undefined;
  return {
    framework: 'laravel',
    name: `Laravel sessions (${envPath})`,
    address: address(tls, host, port, db, user),
    prefix: store.keyPrefix,
    file: envPath,
    ...(passwordVar ? { passwordVar } : {}),
    ...(store.lifetime ? { lifetime: store.lifetime } : {}),
  };
}

/** Symfony's .env files in the order Dotenv::loadEnv reads them (later wins), for the dev environment. */
function symfonyEnv(project: ProjectInput): { file: string; get(name: string): string | undefined } {
  const files = ['.env', '.env.local', '.env.dev', '.env.dev.local'].filter((f) => project.files.has(f));
  const parsed = files.map((f) => [f, parseDotenv(project.files.get(f)!)] as const);
  return {
    file: files[0] ?? '.env',
    get(name) {
      for (let i = parsed.length - 1; i >= 0; i--) {
        const e = lastEntry(parsed[i]![1], name);
        if (e) return e.resolved ?? undefined;
      }
      return undefined;
    },
  };
}

function symfonyConnection(project: ProjectInput): FrameworkConnection | undefined {
  const app = symfonyAppOf(project);
  if (!app) return undefined;
  const path = [...project.files.keys()].find((p) => /^config\/packages\/framework\.ya?ml$/.test(p));
  const doc = path ? parseYaml(project.files.get(path)!) : undefined;
  if (!path || !doc) return undefined;
  const settings = handlerSettings(path, doc);
  // The base setting, else the dev one: what runs on a developer's machine.
  const h = settings.find((s) => !s.env) ?? settings.find((s) => s.env === 'dev');
  if (!h?.value) return undefined;
  const env = symfonyEnv(project);
  const vars = envVarsOf(h.value);
  let dsn = h.value;
  let file = path;
  if (vars.length) {
    if (vars.length !== 1 || !/^%env\([^)]*\)%$/.test(h.value)) return undefined;
    const value = env.get(vars[0]!);
    if (!value) return undefined;
    dsn = value;
    file = env.file;
  }
  const parsed = parseSymfonyRedisDsn(dsn, app.version);
  if (!parsed.ok) return undefined;
  const first = parsed.hosts[0]!;
  const user = Array.isArray(parsed.auth) ? parsed.auth[0] : undefined;
  const addr =
    first.scheme === 'unix'
      ? `unix://${first.path}${parsed.dbindex !== '0' ? `?database=${parsed.dbindex}` : ''}`
      : address(parsed.tls, first.host!, first.port ?? 6379, parsed.dbindex, user);
  return {
    framework: 'symfony',
    name: `Symfony sessions (${file})`,
    address: addr,
    prefix: parsed.prefix ?? 'sf_s',
    file,
    ...(parsed.auth !== undefined ? { passwordVar: vars[0] ?? 'handler_id' } : {}),
  };
}

/** The session stores a project's framework configuration names (none when it is not Laravel/Symfony or not Redis). */
export function frameworkConnections(project: ProjectInput): FrameworkConnection[] {
  const out: FrameworkConnection[] = [];
  const symfony = symfonyConnection(project);
  if (symfony) out.push(symfony);
  else if (!symfonyAppOf(project)) {
    for (const envPath of ['.env']) {
      const text = project.files.get(envPath);
      const c = text === undefined ? undefined : laravelConnection(project, envPath, parseDotenv(text));
      if (c) out.push(c);
    }
  }
  return out;
}
