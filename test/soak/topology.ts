/**
 * The soak's world: real backends for every mode, and one padda config that
 * puts each mode in front of its backends. Every backend is in a group, the
 * unit a client request depends on: one redis or memcached shard, the
 * sidecar's app, one shard or variant (its replicas), one scatter/gather
 * leaf (its replicas), the tcp upstreams.
 */
import { freePorts } from '../support/ports.ts';
import { startMemcached, startNginx, startRedis } from '../support/servers.ts';
import { Backend, type Starter } from './backend.ts';

export interface Topology {
  backends: Backend[];
  /** Listener name → port. */
  listeners: Record<string, number>;
  admin: number;
  /** The config padda runs; `variant` changes what a reload changes. */
  config(variant: number): string;
}

const nginxReturning = (body: string, json = false): Starter => (port) =>
  startNginx(`server { listen 127.0.0.1:${port}; keepalive_requests 1000000; ${json ? 'default_type application/json; ' : ''}location / { return 200 '${body}'; } }`);

export const LISTENERS = ['redis', 'memcache', 'sidecar', 'shards', 'split', 'search', 'tcp'] as const;
export type ListenerName = (typeof LISTENERS)[number];

export async function buildTopology(dir: string, modes: ReadonlySet<ListenerName>): Promise<Topology> {
  const backends: Backend[] = [];
  const ports = await freePorts(64);
  const port = () => ports.pop()!;
  const launch = async (name: string, group: string, start: Starter) => {
    const backend = await Backend.launch(name, group, start, port());
    backends.push(backend);
    return backend;
  };
  const listeners = Object.fromEntries(LISTENERS.map((name) => [name, port()])) as Record<ListenerName, number>;
  const admin = port();
  const blocks: Array<(variant: number) => string> = [];
  const replicas = (list: Backend[]) => `[${list.map((b) => `http://127.0.0.1:${b.port}`).join(', ')}]`;

  if (modes.has('redis')) {
    const shards = await Promise.all([0, 1, 2].map((i) => launch(`redis-${i}`, `redis-${i}`, (p) => startRedis({ port: p }))));
    blocks.push(() => `  redis:
    mode: redis
    listen: 127.0.0.1:${listeners.redis}
    hash: fnv1a_64
    distribution: ketama
    auto_eject_hosts: true
    timeout: 400
    server_retry_timeout: 2000
    server_failure_limit: 1
    servers:
${shards.map((s) => `      - 127.0.0.1:${s.port}:1 ${s.name}`).join('\n')}`);
  }
  if (modes.has('memcache')) {
    const shards = await Promise.all([0, 1, 2].map((i) => launch(`memcached-${i}`, `memcached-${i}`, (p) => startMemcached({ port: p }))));
    blocks.push(() => `  memcache:
    mode: memcache
    listen: 127.0.0.1:${listeners.memcache}
    auto_eject_hosts: true
    timeout: 400
    server_retry_timeout: 2000
    server_failure_limit: 1
    servers:
${shards.map((s) => `      - 127.0.0.1:${s.port}:1 ${s.name}`).join('\n')}`);
  }
  if (modes.has('sidecar')) {
    const app = await launch('app', 'app', nginxReturning('app'));
    blocks.push(() => `  sidecar:
    mode: sidecar
    listen: 127.0.0.1:${listeners.sidecar}
    upstream: http://127.0.0.1:${app.port}
    timeouts: { response: 2s }
    tls: { cert: ${dir}/tls.crt, key: ${dir}/tls.key, self_signed: true }`);
  }
  if (modes.has('shards')) {
    const shards = await Promise.all([0, 1, 2].map(async (i) =>
      Promise.all([0, 1].map((r) => launch(`shard-${i}.${r}`, `shard-${i}`, nginxReturning(`shard-${i}`))))));
    blocks.push((variant) => `  shards:
    mode: shard-router
    listen: 127.0.0.1:${listeners.shards}
    key: $request_uri
    distribution: ketama_nginx
    shard_header: ${variant % 2 === 0}
    timeouts: { response: 2s }
    shards:
${shards.map((set, i) => `      - { name: shard-${i}, replicas: ${replicas(set)} }`).join('\n')}`);
  }
  if (modes.has('split')) {
    const web = await Promise.all([0, 1].map((r) => launch(`web.${r}`, 'web', nginxReturning('web'))));
    const exp = await Promise.all([0, 1].map((r) => launch(`experiment.${r}`, 'experiment', nginxReturning('experiment'))));
    const shadow = await launch('shadow', 'shadow', nginxReturning('web'));
    blocks.push((variant) => `  split:
    mode: split
    listen: 127.0.0.1:${listeners.split}
    timeouts: { response: 2s }
    variants:
      - { name: web, replicas: ${replicas(web)}, weight: ${variant % 2 === 0 ? 9 : 8} }
      - { name: experiment, replicas: ${replicas(exp)}, weight: ${variant % 2 === 0 ? 1 : 2} }
    mirror: { to: http://127.0.0.1:${shadow.port}, fraction: 0.2, compare: true }`);
  }
  if (modes.has('search')) {
    const leaves = await Promise.all([0, 1, 2].map(async (i) =>
      Promise.all([0, 1].map((r) => launch(`leaf-${i}.${r}`, `leaf-${i}`, nginxReturning(`{"docs":[{"id":${i}}]}`, true))))));
    blocks.push(() => `  search:
    mode: scatter-gather
    listen: 127.0.0.1:${listeners.search}
    leaves:
${leaves.map((set, i) => `      - { name: leaf-${i}, replicas: ${replicas(set)} }`).join('\n')}
    merge: { strategy: union, path: docs, id: id }
    leaf_timeout: 300ms
    deadline: 1s
    hedge: { after: p95, max_extra: 5% }`);
  }
  if (modes.has('tcp')) {
    const upstreams = await Promise.all([0, 1].map((i) => launch(`tcp-${i}`, 'tcp', nginxReturning(`tcp-${i}`))));
    blocks.push(() => `  tcp:
    mode: tcp
    listen: 127.0.0.1:${listeners.tcp}
    upstreams: [${upstreams.map((u) => `127.0.0.1:${u.port}`).join(', ')}]`);
  }
  return {
    backends,
    listeners,
    admin,
    config: (variant) => `admin: { listen: 127.0.0.1:${admin} }
log: { level: ${variant % 2 === 0 ? 'warn' : 'error'} }
drain_timeout: 5s
listeners:
${blocks.map((block) => block(variant)).join('\n')}
`,
  };
}
