// Differential test of the linter against real PHP + phpredis: for a few hundred
// generated php.ini fragments, the linter must report an error exactly when PHP fails.
//
//   node --import ./test/helpers/register.mjs --test test/php/differential.test.ts
//   node --import ./test/helpers/register.mjs test/php/differential.test.ts --table
//     (prints every variant's PHP outcome — and the linter's verdict when lint.ts exists — and
//      writes the table to /tmp/php-outcomes.txt)
// PRS_DIFF_SEED (a number or `random`) / PRS_DIFF_COUNT pick another generation; the seed is
// printed on failure.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { lint } from '../../server/src/core/lint.ts';
import type { Finding, LintOptions } from '../../server/src/core/types.ts';
import { freePort, startRedis, type RedisServer } from '../helpers/redisServer.ts';
import { makeTlsCert, type TlsFiles } from '../helpers/tlsCert.ts';
import {
  ACL_PASSWORD,
  ACL_USER,
  SECURED_PASSWORD,
  generateVariants,
  type DiffTargets,
  type IniVariant,
} from './iniVariants.ts';
import {
  RedisKeyLocator,
  findPhp,
  probeAll,
  type PhpRuntime,
  type ProbeOutcome,
  type RedisEndpoint,
} from './phpSessionProbe.ts';

// A fixed default keeps CI reproducible; PRS_DIFF_SEED=random explores.
const DEFAULT_SEED = 0x5e55;
const SEED =
  process.env.PRS_DIFF_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.PRS_DIFF_SEED ?? DEFAULT_SEED);
const COUNT = Number(process.env.PRS_DIFF_COUNT ?? 400);

type LintFn = (text: string, fileName: string, options?: LintOptions) => Finding[];

/**
 * Cases where PHP's result depends on something no static check of the file can know.
 * Each one is matched narrowly and says why.
 */
interface KnownException {
  name: string;
  reason: string;
  matches(v: IniVariant, php: ProbeOutcome): boolean;
}

export const KNOWN_EXCEPTIONS: KnownException[] = [
  {
    name: 'ipv6-literal-phpredis5',
    reason:
      'tcp://[::1]:port is a valid address and Redis listens on ::1, but phpredis 5.3.7 fails to connect to a bracketed IPv6 literal (fixed in 6.x); the linter rightly accepts it',
    matches: (v, php) => !php.ok && /\[::1\]/.test(v.text),
  },
  {
    name: 'files-directory-missing',
    reason:
      'the files handler with a path that is not a Redis location: whether that directory exists on the machine that runs PHP is not something a check of the file can know',
    matches: (v, php) =>
      !php.ok &&
      (v.writtenHandler ?? 'files').trim().toLowerCase() === 'files' &&
      !/(tcp|tls|unix|redis)s?:|seed/i.test(v.writtenPath ?? v.text),
  },
  {
    name: 'persistent-pool-shared-database',
    reason:
      "two servers with the same address and persistent=1 share phpredis's pooled connection, which carries the SELECTed database over: whether a session is read from the database it was written to depends on request order (the linter warns: invalid-param-value)",
    matches: (v, php) => !php.ok && (v.text.match(/persistent=1/g) ?? []).length >= 2,
  },
  {
    name: 'password-the-server-rejects',
    reason:
      'text appended to the auth value (";x") makes a password the server rejects, or an AUTH that a server without a password refuses: which password a server expects is not in the file',
    matches: (v, php) => !php.ok && /auth(\[[^\]]*\])?=[^&'"\s]*;x/.test(v.text),
  },
  {
    name: 'whole-save-path-from-env',
    reason:
      'the whole save_path is an environment variable that PHP expands (unquoted or double-quoted): whether the handler can use it depends on what the variable holds at run time (here a tcp:// URL, wrong for files or rediscluster), which a static check cannot see',
    matches: (v, php) => !php.ok && /^session\.save_path\s*=\s*"?\$\{[A-Za-z0-9_]+\}"?\s*$/m.test(v.text),
  },
];

// ---- environment: the servers the variants point at ----

interface DiffEnvironment {
  runtime: PhpRuntime;
  targets: DiffTargets;
  endpoints: RedisEndpoint[];
  extraIni: Record<string, string>;
  notes: string[];
  stop(): Promise<void>;
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

async function startSingleNodeCluster(): Promise<RedisServer> {
  // redis-cli --cluster create wants 3 masters; one node owning every slot is a valid cluster too.
  const server = await startRedis({
    // Alone, a node does not know its own address (CLUSTER SLOTS would say ""): announce it.
    args: [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-port',
      String(await freePort()),
      '--cluster-announce-ip',
      '127.0.0.1',
    ],
  });
  const c = new Redis({ port: server.port, host: server.host, lazyConnect: true });
  try {
    await c.connect();
    await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    const deadline = Date.now() + 10_000;
    while (!String(await c.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error('single-node cluster did not become ok');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await server.stop();
    throw err;
  } finally {
    c.disconnect();
  }
  return server;
}

export async function setupEnvironment(): Promise<DiffEnvironment | null> {
  const runtime = findPhp();
  if (!runtime) return null;
  const notes: string[] = [
    `PHP ${runtime.phpVersion}, phpredis ${runtime.redisVersion}, scan dir ${runtime.defaultScanDir}`,
  ];
  const servers: RedisServer[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'prs-diff-'));
  let tls: TlsFiles | null = null;
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
    tls?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const ipv6 = await canListen(0, '::1');
    const extraIni: Record<string, string> = {};
    // The open and the password-protected servers also listen on a TLS port when openssl works.
    let tlsArgs: (() => Promise<string[]>) | null = null;
    try {
      const files = makeTlsCert();
      tls = files;
      tlsArgs = async () => [
        '--tls-port',
        String(await freePort()),
        '--tls-cert-file',
        files.certFile,
        '--tls-key-file',
        files.keyFile,
        '--tls-ca-cert-file',
        files.caFile,
        '--tls-auth-clients',
        'no',
      ];
      // PHP verifies the server certificate by default: trust the throwaway CA.
      extraIni['openssl.cafile'] = files.caFile;
    } catch (err) {
      notes.push(`no TLS (${(err as Error).message.split('\n')[0]}): tls:// variants not generated`);
    }
    const tlsPortOf = (args: string[]): number | null => (args.length ? Number(args[1]) : null);

    const unixSocket = join(scratch, 'redis.sock');
    const openTls = tlsArgs ? await tlsArgs() : [];
    const open = await startRedis({
      args: [
        '--bind',
        '127.0.0.1',
        ...(ipv6 ? ['::1'] : []),
        '--unixsocket',
        unixSocket,
        '--unixsocketperm',
        '700',
        ...openTls,
      ],
    });
    servers.push(open);
    if (!ipv6) notes.push('::1 unavailable: the open server listens on 127.0.0.1 only');

    const securedTls = tlsArgs ? await tlsArgs() : [];
    // Also on ::1, so an IPv6 host aimed at the secured server reaches it.
    const secured = await startRedis({
      args: [...(ipv6 ? ['--bind', '127.0.0.1', '::1'] : []), '--requirepass', SECURED_PASSWORD, ...securedTls],
    });
    servers.push(secured);
    const admin = new Redis({ port: secured.port, host: secured.host, password: SECURED_PASSWORD, lazyConnect: true });
    await admin.connect();
    await admin.call('ACL', 'SETUSER', ACL_USER, 'on', `>${ACL_PASSWORD}`, '~*', '&*', '+@all');
    admin.disconnect();

    let cluster: RedisServer | null = null;
    try {
      cluster = await startSingleNodeCluster();
      servers.push(cluster);
    } catch (err) {
      notes.push(`no cluster (${(err as Error).message}): rediscluster variants not generated`);
    }

    // phpredis connects to 6379 when the port is 0 or missing: serve it when it is free, so those
    // variants test the parser and not the machine.
    let defaultServer: RedisServer | null = null;
    if (await canListen(6379, '127.0.0.1')) {
      try {
        defaultServer = await startRedis({ port: 6379 });
        servers.push(defaultServer);
      } catch {
        defaultServer = null;
      }
    }
    if (!defaultServer) notes.push('127.0.0.1:6379 is taken: variants relying on the default port not generated');

    const filesDir = join(scratch, 'files');
    mkdirSync(filesDir);
    const endpoints: RedisEndpoint[] = [
      { port: open.port },
      { port: secured.port, password: SECURED_PASSWORD },
      ...(cluster ? [{ port: cluster.port, cluster: true }] : []),
      ...(defaultServer ? [{ port: 6379 }] : []),
    ];
    const targets: DiffTargets = {
      openPort: open.port,
      securedPort: secured.port,
      tlsPort: tlsPortOf(openTls),
      securedTlsPort: tlsPortOf(securedTls),
      clusterPort: cluster?.port ?? null,
      defaultPortServed: defaultServer !== null,
      unixSocket,
      ipv6,
      filesDir,
    };
    return { runtime, targets, endpoints, extraIni, notes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

// ---- running ----

export interface DiffRow {
  variant: IniVariant;
  php: ProbeOutcome;
  /** null when the linter is not available yet (or threw: see lintThrew). */
  findings: Finding[] | null;
  lintThrew: string | null;
  linterError: boolean | null;
  exception: KnownException | null;
}

export async function runDifferential(
  env: DiffEnvironment,
  lintFn: LintFn | null,
  log?: (s: string) => void,
): Promise<DiffRow[]> {
  const variants = generateVariants({ seed: SEED, count: COUNT, targets: env.targets });
  const locator = new RedisKeyLocator(env.endpoints);
  try {
    const outcomes = await probeAll(
      variants.map((v) => ({
        iniText: v.text,
        tag: v.tag,
        env: v.env,
        writtenHandler: v.writtenHandler,
        writtenSerializer: v.writtenSerializer,
        writtenPath: v.writtenPath,
      })),
      {
        runtime: env.runtime,
        locator,
        concurrency: 2,
        timeoutMs: 15_000,
        extraIni: env.extraIni,
        onProgress: (d, n) => {
          if (log && (d % 50 === 0 || d === n)) log(`  php: ${d}/${n}`);
        },
      },
    );
    return variants.map((variant, i) => {
      const php = outcomes[i]!;
      let findings: Finding[] | null = null;
      let lintThrew: string | null = null;
      try {
        findings = lintFn ? lintFn(variant.text, 'php.ini') : null;
      } catch (err) {
        // A crash is reported with the variant (and counts as a mismatch), not as a dead test.
        lintThrew = String((err as Error).stack ?? err)
          .split('\n')
          .slice(0, 3)
          .join(' ');
      }
      const linterError = findings ? findings.some((f) => f.severity === 'error') : null;
      const mismatch = linterError !== null && linterError === php.ok;
      const exception = mismatch ? (KNOWN_EXCEPTIONS.find((k) => k.matches(variant, php)) ?? null) : null;
      return { variant, php, findings, lintThrew, linterError, exception };
    });
  } finally {
    await locator.close();
  }
}

// ---- reporting ----

const show = (s: string): string => s.replace(/\r/g, '\\r').replace(/\t/g, '\\t');

function phpCell(p: ProbeOutcome): string {
  return p.ok ? `ok (${p.storage})` : `FAIL ${p.reason}: ${p.detail.replace(/ in \/\S+ on line \d+/, '')}`;
}

function linterCell(r: DiffRow): string {
  if (r.lintThrew) return `THREW ${r.lintThrew}`;
  if (!r.findings) return '(no linter)';
  const errs = r.findings.filter((f) => f.severity === 'error');
  const others = r.findings.filter((f) => f.severity !== 'error');
  const head = errs.length ? `ERROR ${errs.map((f) => `${f.rule}: ${f.message}`).join(' | ')}` : 'no error';
  return others.length ? `${head}  [${others.map((f) => `${f.severity[0]}:${f.rule}`).join(' ')}]` : head;
}

function block(r: DiffRow, withVerdict: boolean): string {
  const v = r.variant;
  const verdict =
    r.lintThrew !== null
      ? 'MISMATCH (linter threw)'
      : r.linterError === null
        ? ''
        : r.linterError === !r.php.ok
          ? 'agree'
          : r.exception
            ? `known exception ${r.exception.name}`
            : 'MISMATCH';
  const lines = [
    `#${v.index} [${v.features.join(' + ')}]${withVerdict && verdict ? `  => ${verdict}` : ''}`,
    `    php:    ${phpCell(r.php)}`,
    ...(r.findings || r.lintThrew ? [`    linter: ${linterCell(r)}`] : []),
    ...v.text
      .replace(/\r?\n$/, '')
      .split(/\n/)
      .map((l) => `    | ${show(l)}`),
  ];
  return lines.join('\n');
}

export function formatTable(rows: DiffRow[], env: DiffEnvironment): string {
  const failed = rows.filter((r) => !r.php.ok).length;
  const byReason = new Map<string, number>();
  for (const r of rows) byReason.set(r.php.reason, (byReason.get(r.php.reason) ?? 0) + 1);
  const head = [
    `PHP differential outcomes — seed ${SEED}, ${rows.length} variants, ${failed} fail in PHP, ${rows.length - failed} work`,
    ...env.notes,
    `by outcome: ${[...byReason].map(([k, n]) => `${k}=${n}`).join(', ')}`,
    `targets: open=${env.targets.openPort} secured=${env.targets.securedPort} tls=${env.targets.tlsPort}/${env.targets.securedTlsPort} cluster=${env.targets.clusterPort} default6379=${env.targets.defaultPortServed} unix=${env.targets.unixSocket}`,
    '',
  ];
  return head.join('\n') + rows.map((r) => block(r, true)).join('\n\n') + '\n';
}

// ---- entry points ----

if (process.argv.includes('--table')) {
  void (async () => {
    const env = await setupEnvironment();
    if (!env) {
      console.error('php with the redis extension not found');
      process.exit(2);
    }
    try {
      const started = Date.now();
      const rows = await runDifferential(env, lint, (s) => console.error(s));
      const table = formatTable(rows, env);
      writeFileSync('/tmp/php-outcomes.txt', table);
      process.stdout.write(table);
      console.error(
        `${rows.length} variants in ${((Date.now() - started) / 1000).toFixed(1)} s; table written to /tmp/php-outcomes.txt`,
      );
    } finally {
      await env.stop();
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  test('linter reports an error exactly when real PHP + phpredis fails', { timeout: 180_000 }, async (t) => {
    const env = await setupEnvironment();
    // CI installs php-redis (.ci/run): its absence is a failure, never a silent skip.
    assert.ok(env, 'php with the redis extension is not installed (apt-get install php-cli php-redis)');
    try {
      const rows = await runDifferential(env, lint);
      const mismatches = rows.filter((r) => r.linterError !== !r.php.ok && !r.exception);
      const excused = rows.filter((r) => r.exception);
      if (excused.length)
        t.diagnostic(
          `${excused.length} known exception(s): ${[...new Set(excused.map((r) => r.exception!.name))].join(', ')}`,
        );
      assert.ok(rows.length >= 300, `only ${rows.length} variants generated`);
      if (mismatches.length > 0) {
        const threw = mismatches.filter((r) => r.lintThrew !== null).length;
        const falseAlarms = mismatches.filter((r) => r.lintThrew === null && r.php.ok).length;
        const missed = mismatches.length - threw - falseAlarms;
        assert.fail(
          `${mismatches.length} of ${rows.length} variants disagree with PHP (seed ${SEED}; rerun with PRS_DIFF_SEED=${SEED}): ` +
            `${falseAlarms} linter error(s) where PHP works, ${missed} PHP failure(s) without a linter error` +
            `${threw ? `, ${threw} linter crash(es)` : ''}\n\n` +
            mismatches.map((r) => block(r, false)).join('\n\n'),
        );
      }
    } finally {
      await env.stop();
    }
  });
}
