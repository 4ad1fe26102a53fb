// The Symfony rules: a `framework.session.handler_id` DSN checked with Symfony's own DSN rules
// (where it is written: in framework.yaml, or on the .env line an `%env()%` reads), the Redis client
// it needs in composer.json, RedisSessionHandler options, and session files on a scaled deployment.
import { isMap, isScalar } from 'yaml';
import { finding, fix } from '../ruleContext.ts';
import { nearest } from '../suggest.ts';
import type { Finding, ProjectInput } from '../types.ts';
import { deploymentOf } from './deployment.ts';
import { parseDotenv } from './dotenv.ts';
import { addRequirement, composerOf } from './project.ts';
import {
  envVarsOf,
  handlerSettings,
  parseYaml,
  redisHandlerServices,
  REDIS_SESSION_HANDLER,
  scalarTextStart,
  type HandlerSetting,
  type SymfonyApp,
} from './symfony.ts';
import { parseSymfonyRedisDsn, sessionHandlerKind, SYMFONY_DSN_OPTIONS } from './symfonyDsn.ts';
import { isTemplateEnv } from './laravel.ts';

export interface SymfonyLintTarget {
  app: SymfonyApp;
  project: ProjectInput;
  kind: 'dotenv' | 'symfony-config';
  path: string;
  text: string;
  report: (f: Finding) => void;
}

/** Every handler_id setting of the project, the linted document's text taking precedence. */
function allHandlers(t: SymfonyLintTarget): HandlerSetting[] {
  const out: HandlerSetting[] = [];
  for (const [path, text] of t.project.files) {
    if (!/^config\/packages\/([^/]+\/)?framework\.ya?ml$/.test(path)) continue;
    const doc = parseYaml(path === t.path ? t.text : text);
    if (doc) out.push(...handlerSettings(path, doc));
  }
  return out;
}

function requireClient(t: SymfonyLintTarget, where: { start: number; end: number }, what: string): void {
  const composer = composerOf(t.project);
  if (!composer || composer.require.has('ext-redis') || composer.require.has('predis/predis')) return;
  const edits = addRequirement(composer, 'ext-redis', '*');
  t.report(
    finding(
      'symfony-redis-client-not-required',
      where,
      `${what} needs the phpredis extension or predis: neither "ext-redis" nor "predis/predis" is in composer.json's require, and Symfony fails with "Cannot find the \\"redis\\" extension nor the \\"predis/predis\\" package." where they are not installed.`,
      edits
        ? [
            {
              title: 'Add "ext-redis": "*" to composer.json',
              edits: [],
              safe: true,
              preferred: true,
              otherFiles: [edits],
            },
          ]
        : [],
    ),
  );
}

/** Checks a DSN whose text starts at document offset `base` (or covers [start, end) when unknown). */
function checkDsn(
  t: SymfonyLintTarget,
  dsn: string,
  base: number | undefined,
  span: { start: number; end: number },
): void {
  const kind = sessionHandlerKind(dsn);
  const at = (s?: { start: number; end: number }): { start: number; end: number } =>
    s && base !== undefined ? { start: base + s.start, end: base + s.end } : span;
  if (kind === 'file') {
    const d = deploymentOf(t.project);
    if (d && !(t.kind === 'dotenv' && isTemplateEnv(t.path)))
      t.report(
        finding(
          'sessions-on-local-disk',
          span,
          `A file:// session handler keeps sessions on the local disk, but ${d.reason}: users are logged out or see another container's state. Use a redis:// DSN.`,
        ),
      );
    return;
  }
  if (kind === 'unsupported') {
    const phpredisForm = /^(tcp|tls|unix):\/\//i.test(dsn);
    t.report(
      finding(
        'symfony-invalid-redis-dsn',
        span,
        `Symfony's SessionHandlerFactory throws "Unsupported Connection" for this DSN${
          phpredisForm ? ': tcp:// and tls:// are phpredis save_path forms, Symfony wants redis:// or rediss://' : ''
        }.`,
      ),
    );
    return;
  }
  if (kind !== 'redis') return;
  const parsed = parseSymfonyRedisDsn(dsn, t.app.version);
  if (!parsed.ok) {
    t.report(finding('symfony-invalid-redis-dsn', at(parsed.span), `Symfony rejects this DSN: ${parsed.message}`));
    return;
  }
  for (const p of parsed.params) {
    if ((SYMFONY_DSN_OPTIONS as readonly string[]).includes(p.name)) continue;
    const rename: Record<string, string> = {
      db: 'dbindex',
      database: 'dbindex',
      select: 'dbindex',
      password: 'auth',
      pass: 'auth',
    };
    const near = rename[p.name.toLowerCase()] ?? nearest(p.name, SYMFONY_DSN_OPTIONS);
    t.report(
      finding(
        'symfony-dsn-param-ignored',
        at(p.keySpan),
        `Symfony ignores "${p.name}" in a Redis DSN${near ? `: did you mean "${near}"?` : '.'}${
          near === 'auth' ? ' A password goes before the host: redis://PASSWORD@host.' : ''
        }`,
        near && near !== 'auth' && base !== undefined
          ? [
              fix(
                `Rename to "${near}"`,
                [{ start: base + p.keySpan.start, end: base + p.keySpan.end, newText: near }],
                true,
              ),
            ]
          : [],
      ),
    );
  }
  if (parsed.ignoredAuth === 'query') {
    const p = parsed.params.find((x) => x.name === 'auth');
    t.report(
      finding(
        'symfony-dsn-param-ignored',
        at(p?.keySpan),
        'With one Redis server, Symfony sends AUTH from the DSN\'s userinfo only (redis://PASSWORD@host): "?auth=" is read for clusters, RedisArray and sentinels, so no AUTH is sent.',
      ),
    );
  } else if (parsed.ignoredAuth === 'userinfo') {
    t.report(
      finding(
        'symfony-dsn-param-ignored',
        at(parsed.userinfoSpan),
        'With redis_cluster or several hosts, Symfony reads the password from "?auth=", not from user:pass@: no AUTH is sent.',
      ),
    );
  }
  if (parsed.droppedUser !== undefined) {
    t.report(
      finding(
        'symfony-dsn-param-ignored',
        at(parsed.userinfoSpan),
        `Symfony ${t.app.version.major}.${t.app.version.minor} sends only the password (AUTH <password>): the ACL user "${parsed.droppedUser}" is dropped until Symfony 6.1.`,
      ),
    );
  }
  requireClient(t, span, 'A redis:// session handler');
}

function checkHandler(t: SymfonyLintTarget, h: HandlerSetting): void {
  const span = { start: h.node.range![0], end: h.node.range![1] };
  if (h.value === null || envVarsOf(h.value).length) return;
  if (h.value.includes('://') || /^rediss?:/.test(h.value)) {
    checkDsn(t, h.value, scalarTextStart(t.text, h.node), span);
    return;
  }
  if (h.value === 'session.handler.native_file') {
    const d = deploymentOf(t.project);
    if (d)
      t.report(
        finding(
          'sessions-on-local-disk',
          span,
          `session.handler.native_file keeps sessions in files under save_path, on the local disk, but ${d.reason}: users are logged out or see another container's state. Use a redis:// DSN or a RedisSessionHandler service.`,
        ),
      );
    return;
  }
  if (h.value.replace(/^\\/, '') === REDIS_SESSION_HANDLER || /redis/i.test(h.value)) {
    const services = allServices(t);
    if (services.some((s) => s.id === h.value)) requireClient(t, span, 'A RedisSessionHandler');
  }
}

function allServices(t: SymfonyLintTarget): ReturnType<typeof redisHandlerServices> {
  const path = [...t.project.files.keys()].find((p) => /^config\/services\.ya?ml$/.test(p));
  if (!path) return [];
  const doc = parseYaml(path === t.path ? t.text : t.project.files.get(path)!);
  return doc ? redisHandlerServices(doc) : [];
}

function checkServices(t: SymfonyLintTarget): void {
  const doc = parseYaml(t.text);
  if (!doc) return;
  for (const s of redisHandlerServices(doc)) {
    if (!isMap(s.options)) continue;
    for (const item of s.options.items) {
      if (!isScalar(item.key)) continue;
      const key = String(item.key.value);
      if (key === 'prefix' || key === 'ttl') continue;
      const near = nearest(key, ['prefix', 'ttl']);
      const [start, end] = item.key.range!;
      t.report(
        finding(
          'symfony-session-handler-options',
          { start, end },
          `RedisSessionHandler accepts only "prefix" and "ttl": its constructor throws "The following options are not supported \\"${key}\\"".${near ? ` Did you mean "${near}"?` : ''}`,
          near ? [fix(`Rename to "${near}"`, [{ start, end, newText: near }], true)] : [],
        ),
      );
    }
  }
}

/** Every Symfony rule over one document. */
export function lintSymfony(t: SymfonyLintTarget): void {
  if (t.kind === 'symfony-config') {
    if (/(^|\/)services\.ya?ml$/.test(t.path)) checkServices(t);
    else {
      const doc = parseYaml(t.text);
      if (doc) for (const h of handlerSettings(t.path, doc)) checkHandler(t, h);
    }
    return;
  }
  // A .env file: the variables a handler_id reads through %env(…)%.
  const names = new Set(allHandlers(t).flatMap((h) => (h.value ? envVarsOf(h.value) : [])));
  if (names.size === 0) return;
  const env = parseDotenv(t.text);
  for (const e of env.entries) {
    if (!names.has(e.name) || e.resolved === null || e.resolved === '') continue;
    if (e.resolved.includes('${') || e.resolved.includes('$(')) continue;
    checkDsn(t, e.resolved, e.simple ? e.valueStart : undefined, { start: e.valueStart, end: e.valueEnd });
  }
}
