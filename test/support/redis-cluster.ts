/**
 * A real Redis Cluster for tests: `primaries` redis-servers with
 * cluster-enabled on free loopback ports, each with `replicasEach` replicas,
 * joined and given their slots by `redis-cli --cluster create`, waited for
 * until every node reports `cluster_state:ok`. Nodes can be killed, paused
 * and failed over like any RunningServer; stop() stops them all.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePorts } from './ports.ts';
import { LOOPBACK, startRedis, type RunningServer } from './servers.ts';

const run = promisify(execFile);

export interface RedisClusterNodes {
  /** Every node, primaries first as created; roles change after a failover. */
  nodes: RunningServer[];
  /** host:port of every node, for seeds. */
  addresses: string[];
  /** Runs redis-cli against one node and returns its output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** Waits until every live node says cluster_state:ok and agrees on the slot owners, and every replica has synced. */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisCluster(primaries = 3, replicasEach = 1): Promise<RedisClusterNodes> {
  const count = primaries * (1 + replicasEach);
  // The bus port defaults to port + 10000, which may be taken or in the ephemeral range: pick it too.
  const free = await freePorts(2 * count);
  const ports = free.slice(0, count);
  const nodes = await Promise.all(ports.map((port, i) => startRedis({
    port,
    args: ['--cluster-enabled', 'yes', '--cluster-port', String(free[count + i]), '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000',
      // A replica of an idle primary would otherwise count its data as too old to take over.
      '--cluster-replica-validity-factor', '0'],
  })));
  const addresses = ports.map((port) => `${LOOPBACK}:${port}`);
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', LOOPBACK, '-p', String(port), ...args])).stdout;
  const cluster: RedisClusterNodes = {
    nodes,
    addresses,
    cli,
    async settled(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (let last = ''; ; ) {
        const live = nodes.filter(isRunning);
        const liveAddresses = new Set(live.map((node) => `${node.host}:${node.port}`));
        const infos = await Promise.all(live.map((node) => cli(node.port, 'cluster', 'info').catch(() => '')));
        const views = await Promise.all(live.map((node) => cli(node.port, 'cluster', 'nodes').then((text) => topologyOf(text, liveAddresses), () => '')));
        // A replica that has not finished its first sync holds no data and answers CLUSTERDOWN to READONLY reads.
        const replication = await Promise.all(live.map((node) => cli(node.port, 'info', 'replication').catch(() => '')));
        const synced = replication.every((info) => !info.includes('role:slave') || (info.includes('master_link_status:up') && info.includes('master_sync_in_progress:0')));
        const agreed = new Set(views).size === 1 && views[0] !== '';
        if (infos.every((info) => info.includes('cluster_state:ok')) && agreed && synced && replicasOf(views[0]!) === live.length - primaries) return;
        last = `${infos.map((info) => /cluster_state:\w+/.exec(info)?.[0] ?? 'no answer').join(' ')}; ${agreed ? 'views agree' : 'views differ'}; ${synced ? 'replicas synced' : 'replicas syncing'}`;
        if (Date.now() > deadline) throw new Error(`cluster not settled after ${timeoutMs} ms: ${last}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
  try {
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicasEach), '--cluster-yes']);
    await cluster.settled();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** Whether a node's process still runs (a test may have killed it); a SIGSTOPped one counts, and blocks settling. */
function isRunning(node: RunningServer): boolean {
  try {
    process.kill(node.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a node believes of the live part of the cluster, from `CLUSTER NODES`:
 * each primary's address and slots, each replica's address and its
 * primary's, sorted so two nodes' beliefs compare as strings. A live node
 * still in handshake, unreachable or marked failing makes no agreement; a
 * node the test killed is left out, whatever the others think of it.
 */
function topologyOf(text: string, live: ReadonlySet<string>): string {
  const rows = text.trim().split('\n').map((line) => line.split(' '));
  const addressOf = new Map(rows.map((f) => [f[0]!, f[1]!.split('@')[0]!]));
  const facts: string[] = [];
  for (const [, address, flags, primary, , , , link, ...slots] of rows) {
    const at = address!.split('@')[0]!;
    if (!live.has(at)) continue;
    if (link !== 'connected' || /fail|handshake|noaddr/.test(flags!)) return '';
    facts.push(flags!.includes('master') ? `P ${at} ${slots.join(' ')}` : `R ${at} of ${addressOf.get(primary!)}`);
  }
  return facts.sort().join('\n');
}

function replicasOf(topology: string): number {
  return topology.split('\n').filter((fact) => fact.startsWith('R ')).length;
}
