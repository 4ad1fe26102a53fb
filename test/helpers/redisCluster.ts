// Starts a 3-master Redis Cluster (no replicas) on loopback ports for a test, and stops it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, startRedis, type RedisServer } from './redisServer.ts';

const run = promisify(execFile);

export interface RedisCluster {
  nodes: RedisServer[];
  /** "127.0.0.1:port" of every master. */
  addresses: string[];
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** requirepass (and masterauth) of every node. */
  password?: string;
  masters?: number;
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export async function startCluster(options: ClusterOptions = {}): Promise<RedisCluster> {
  const count = options.masters ?? 3;
  // The bus port defaults to port+10000, which may be taken or out of range: choose it too.
  const ports = await distinctFreePorts(count * 2);
  const auth = options.password ? ['--requirepass', options.password, '--masterauth', options.password] : [];
  const nodes: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < count; i++) {
      nodes.push(
        await startRedis({
          port: ports[i],
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(ports[count + i]),
            '--cluster-node-timeout',
            '3000',
            ...auth,
          ],
        }),
      );
    }
    const addresses = nodes.map((n) => `${n.host}:${n.port}`);
    const cliAuth = options.password ? ['--no-auth-warning', '-a', options.password] : [];
    await run('redis-cli', [
      ...cliAuth,
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitClusterOk(nodes, cliAuth);
    return { nodes, addresses, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Every node must agree the cluster is up before clients rely on CLUSTER SLOTS. */
async function waitClusterOk(nodes: RedisServer[], cliAuth: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (const n of nodes) {
    for (;;) {
      const { stdout } = await run('redis-cli', [...cliAuth, '-h', n.host, '-p', String(n.port), 'CLUSTER', 'INFO']);
      if (stdout.includes('cluster_state:ok')) break;
      if (Date.now() > deadline) throw new Error(`cluster did not become ok on ${n.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
