// Symfony's session settings: `framework.session.handler_id` in config/packages/framework.yaml (and
// its `when@<env>:` blocks, and config/packages/<env>/framework.yaml), `%env(NAME)%` resolved from
// the .env files, and RedisSessionHandler services of config/services.yaml. FrameworkExtension
// (symfony/symfony 7.2 @5feb7493, src/Symfony/Bundle/FrameworkBundle/DependencyInjection/
// FrameworkExtension.php) treats a handler_id that uses env vars or contains `://` as a DSN for
// SessionHandlerFactory, anything else as a service id; null means PHP's own session settings.
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode, type Scalar } from 'yaml';
import { composerOf, constraintVersion } from './project.ts';
import type { SymfonyVersion } from './symfonyDsn.ts';
import type { ProjectInput } from '../types.ts';

export const REDIS_SESSION_HANDLER =
  'Symfony\\Component\\HttpFoundation\\Session\\Storage\\Handler\\RedisSessionHandler';

export interface SymfonyApp {
  version: SymfonyVersion;
  /** Whether the version came from composer.json (else the newest rules apply). */
  versionKnown: boolean;
}

export function symfonyAppOf(project: ProjectInput): SymfonyApp | undefined {
  const composer = composerOf(project);
  const constraint =
    composer?.require.get('symfony/framework-bundle') ??
    composer?.require.get('symfony/http-foundation') ??
    composer?.require.get('symfony/symfony');
  const markers =
    constraint !== undefined ||
    project.files.has('symfony.lock') ||
    [...project.files.keys()].some((p) => /^config\/packages\/([^/]+\/)?framework\.ya?ml$/.test(p));
  if (!markers) return undefined;
  const v = constraintVersion(constraint);
  return { version: v ?? { major: 7, minor: 2 }, versionKnown: v !== undefined };
}

export function parseYaml(text: string): Document | undefined {
  try {
    return parseDocument(text, { uniqueKeys: false, keepSourceTokens: false });
  } catch {
    return undefined;
  }
}

export interface HandlerSetting {
  /** The file it is written in. */
  path: string;
  /** `when@prod` or the folder's env (`config/packages/prod/`), when not the base config. */
  env?: string;
  node: Scalar;
  /** null, a DSN, an `%env()%` expression or a service id. */
  value: string | null;
}

/** Every `framework.session.handler_id` a framework.yaml file sets (base and `when@<env>`). */
export function handlerSettings(path: string, doc: Document): HandlerSetting[] {
  const out: HandlerSetting[] = [];
  const folderEnv = /^config\/packages\/([^/]+)\/framework\.ya?ml$/.exec(path)?.[1];
  const add = (root: unknown[], env: string | undefined): void => {
    const n = doc.getIn(root, true);
    if (!isScalar(n)) return;
    const v = n.value;
    out.push({
      path,
      ...(env ? { env } : {}),
      node: n,
      value: v === null ? null : typeof v === 'string' ? v : String(v),
    });
  };
  add(['framework', 'session', 'handler_id'], folderEnv);
  const top = doc.contents;
  if (isMap(top)) {
    for (const item of top.items) {
      const key = isScalar(item.key) ? String(item.key.value) : '';
      if (key.startsWith('when@')) add([key, 'framework', 'session', 'handler_id'], key.slice(5));
    }
  }
  return out;
}

/** The env var names an `%env(…)%` expression reads (`%env(resolve:REDIS_URL)%` → REDIS_URL). */
export function envVarsOf(value: string): string[] {
  return [...value.matchAll(/%env\(([^)%]*)\)%/g)].map((m) => m[1]!.split(':').pop()!).filter(Boolean);
}

/** The document offsets of a YAML scalar's value text, when its source is that text verbatim (plain or quoted, no escapes). */
export function scalarTextStart(text: string, node: Scalar): number | undefined {
  const [start, end] = node.range ?? [0, 0];
  const src = text.slice(start, end);
  const v = typeof node.value === 'string' ? node.value : undefined;
  if (v === undefined) return undefined;
  if (src === v) return start;
  if ((src === `'${v}'` && !v.includes("'")) || (src === `"${v}"` && !/["\\]/.test(v))) return start + 1;
  return undefined;
}

export interface RedisHandlerService {
  id: string;
  /** The second argument: RedisSessionHandler's options map, when given. */
  options?: YamlNode;
  /** The first argument: a `@service` reference to the Redis client. */
  client?: string;
}

/** RedisSessionHandler services of a services.yaml document. */
export function redisHandlerServices(doc: Document): RedisHandlerService[] {
  const services = doc.get('services', true);
  if (!isMap(services)) return [];
  const out: RedisHandlerService[] = [];
  for (const item of services.items) {
    const id = isScalar(item.key) ? String(item.key.value) : '';
    const def = item.value;
    if (!isMap(def)) continue;
    const cls = def.get('class');
    if ((typeof cls === 'string' ? cls : id).replace(/^\\/, '') !== REDIS_SESSION_HANDLER) continue;
    const args = def.get('arguments', true);
    let options: YamlNode | undefined;
    let client: string | undefined;
    if (isSeq(args)) {
      const first = args.items[0];
      if (isScalar(first) && typeof first.value === 'string') client = first.value.replace(/^@/, '');
      options = args.items[1] as YamlNode | undefined;
    } else if (isMap(args)) {
      const named = args.get('$options', true) ?? args.get(1, true);
      options = named as YamlNode | undefined;
      const r = args.get('$redis') ?? args.get(0);
      if (typeof r === 'string') client = r.replace(/^@/, '');
    }
    out.push({ id, ...(options ? { options } : {}), ...(client ? { client } : {}) });
  }
  return out;
}
