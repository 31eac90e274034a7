/**
 * docs/reference/metrics.md: every metric family padda exports, read from a
 * real padda's /metrics — its registry as a scrape sees it — after a short
 * scenario that runs every mode and every family made only on an event (an
 * error by reason, a reload, a leaf failure). Backends are padda's own
 * `respond` listeners and closed ports, so it needs nothing installed. The
 * figures of `backend_stats` (redis_exporter's and memcached_exporter's names)
 * are read from the functions that make them, fed a server that reports every
 * field.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FamilySet } from '../../src/admin/backend-stats/families.ts';
import { addMemcachedStats } from '../../src/admin/backend-stats/memcached-stats.ts';
import { addRedisInfo } from '../../src/admin/backend-stats/redis-info.ts';
import { generatedHeader, table } from './markdown.ts';

const BIN = new URL('../../bin/padda', import.meta.url).pathname;
const HOST = '127.0.0.1';

export interface MetricFamily {
  name: string;
  type: string;
  labels: string[];
  help: string;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, HOST);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sends `bytes` on a fresh connection and returns what came back before the server closed or went quiet. */
async function exchange(port: number, bytes: string): Promise<string> {
  const socket = net.connect(port, HOST);
  let answer = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => {});
  socket.write(bytes);
  await Promise.race([new Promise((resolve) => socket.once('close', resolve)), sleep(1000)]);
  socket.destroy();
  return answer;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body));
    }).on('error', reject);
  });
}

async function until(what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`metrics scenario: ${what} did not happen within 30 s`);
    await sleep(100);
  }
}

/**
 * A one-node Redis Cluster as far as padda's discovery asks: CLUSTER SHARDS
 * names the node itself for every slot; anything else is answered MOVED to
 * itself, so the redirect series move too.
 */
async function clusterNode(): Promise<{ port: number; close(): void }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      const port = (server.address() as net.AddressInfo).port;
      for (const command of chunk.split('*').slice(1)) {
        socket.write(/SHARDS/i.test(command)
          ? `*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n*1\r\n*6\r\n$4\r\nport\r\n:${port}\r\n$2\r\nip\r\n$9\r\n${HOST}\r\n$4\r\nrole\r\n$6\r\nmaster\r\n`
          : `-MOVED 0 ${HOST}:${port}\r\n`);
      }
    });
  }).listen(0, HOST);
  await new Promise((resolve) => server.once('listening', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

/** Runs padda with one listener of every mode, drives each, and returns its /metrics text. */
async function scrapeScenario(): Promise<string> {
  const ports = Object.fromEntries(await Promise.all(
    ['admin', 'app', 'front', 'web', 'shards', 'replicas', 'experiment', 'search', 'cache', 'cluster', 'memcache', 'check', 'closed'].map(async (name) => [name, await freePort()] as const),
  ));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-metrics-reference-'));
  const app = `http://${HOST}:${ports.app}`;
  const closed = `${HOST}:${ports.closed}`;
  const node = await clusterNode();
  fs.writeFileSync(path.join(dir, 'padda.yaml'), `
admin: { listen: ${HOST}:${ports.admin} }
drain_timeout: 1s
listeners:
  app: { mode: respond, listen: ${HOST}:${ports.app}, headers: { content-type: application/json }, body: '{"docs":[{"id":1}]}', access_log: { path: ${dir}/access.log } }
  front: { mode: tcp, listen: ${HOST}:${ports.front}, upstreams: [${HOST}:${ports.app}] }
  web:
    mode: sidecar
    listen: ${HOST}:${ports.web}
    upstream: ${app}
    tls: { cert: ${dir}/tls.crt, key: ${dir}/tls.key, self_signed: true }
  shards: { mode: shard-router, listen: ${HOST}:${ports.shards}, shards: [${app}] }
  replicas:
    mode: balance
    listen: ${HOST}:${ports.replicas}
    replicas: [${app}]
    rate_limit: { rules: [{ name: everyone, key: all, rate: 1/m }] }
  experiment:
    mode: split
    listen: ${HOST}:${ports.experiment}
    sticky: { by: none }
    variants: [{ name: web, upstream: ${app}, weight: 1 }, { name: next, upstream: ${app}, weight: 0 }]
    mirror: { to: next, compare: true }
  search:
    mode: scatter-gather
    listen: ${HOST}:${ports.search}
    leaves: [${app}, http://${closed}]
    merge: { strategy: union, path: docs, id: id }
    partial: { min_leaves: 1 }
  cache: { mode: redis, listen: ${HOST}:${ports.cache}, servers: ['${closed}:1'], backend_stats: true }
  cluster: { mode: redis, listen: ${HOST}:${ports.cluster}, cluster: ['${HOST}:${node.port}'] }
  memcache: { mode: memcache, listen: ${HOST}:${ports.memcache}, servers: ['${closed}:1'], backend_stats: true }
  check: { mode: health, listen: ${HOST}:${ports.check}, interval: 100ms, checks: { app: { type: tcp, address: ${HOST}:${ports.app} } } }
`);
  const child = spawn(process.execPath, [BIN, 'run', '-c', path.join(dir, 'padda.yaml')], { stdio: 'ignore', env: { PATH: process.env.PATH, PADDA_LOG_LEVEL: 'error' } });
  const admin = `http://${HOST}:${ports.admin}`;
  try {
    await until('/ready', async () => (await fetch(`${admin}/ready`)).ok);
    await exchange(ports.front!, 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    await get(`https://${HOST}:${ports.web}/`);
    for (const port of [ports.shards, ports.replicas, ports.experiment, ports.search, ports.check]) await fetch(`http://${HOST}:${port}/`).then((r) => r.text());
    await exchange(ports.shards!, 'NOT HTTP\r\n\r\n');
    await exchange(ports.cache!, '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    await exchange(ports.cluster!, '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
    await exchange(ports.memcache!, 'get k\r\n');
    child.kill('SIGHUP');
    await until('the reload and the mirrored copy', async () => {
      const text = await (await fetch(`${admin}/metrics`)).text();
      return text.includes('padda_config_reloads_total{') && /padda_split_mirror_compared_total\{[^}]*result="match"\} 1/.test(text);
    });
    return await (await fetch(`${admin}/metrics`)).text();
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    node.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Families of a Prometheus text exposition: HELP and TYPE, and every label name any sample carries. */
export function parseExposition(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const family = families.get(meta[2]!) ?? { name: meta[2]!, type: '', labels: [], help: '' };
      if (meta[1] === 'HELP') family.help = meta[3]!.replaceAll('\\n', '\n').replaceAll('\\\\', '\\');
      else family.type = meta[3]!;
      families.set(family.name, family);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} /.exec(line);
    if (!sample) continue;
    const family = families.get(sample[1]!) ?? families.get(sample[1]!.replace(/_(bucket|sum|count)$/, ''));
    for (const [, label] of sample[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) {
      if (label !== 'le' && family !== undefined && !family.labels.includes(label!)) family.labels.push(label!);
    }
  }
  return [...families.values()];
}

/** A server's stats where every field the exporters know is present, so each of their families appears once. */
class EveryField extends Map<string, string> {
  override get(key: string): string {
    return super.get(key) ?? '1';
  }
  override has(): boolean {
    return true;
  }
}

function backendFamilies(): MetricFamily[] {
  const set = new FamilySet();
  const labels = { listener: 'l', server: 's' };
  addRedisInfo(set, new EveryField([['role', 'slave'], ['redis_version', '7'], ['db0', 'keys=1,expires=0']]), labels);
  addMemcachedStats(set, new EveryField([['version', '1.6']]), labels);
  return set.snapshot().map((family) => ({
    name: family.name,
    type: family.type,
    help: family.help,
    labels: [...new Set(family.samples.flatMap((sample) => Object.keys(sample.labels)))],
  }));
}

function rows(families: readonly MetricFamily[]): string[][] {
  return [...families].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => [`\`${f.name}\``, f.type, f.labels.join(', '), f.help]);
}

export async function metricsPage(): Promise<string> {
  const scraped = parseExposition(await scrapeScenario());
  // redis_up, memcached_up: the backends' families that padda adds even when a server does not answer.
  const isOwn = (family: MetricFamily) => /^(padda|process)_/.test(family.name);
  const own = scraped.filter(isOwn);
  const backend = [...scraped.filter((f) => !isOwn(f)), ...backendFamilies()];
  return [
    generatedHeader('Metrics', 'a running padda\'s `/metrics` (scripts/reference/metrics.ts runs every mode) and `src/admin/backend-stats/`'),
    'Served on the admin server\'s `/metrics` (Prometheus text format 0.0.4), summed across workers. ' +
      'Latency histograms are in seconds. Series of a server, shard, variant or leaf that a reload removes disappear with it.',
    `## padda's own (${own.length})`,
    table(['metric', 'type', 'labels', 'meaning'], rows(own)),
    `## The backends' own figures, with \`backend_stats: true\` (${backend.length})`,
    'Under the names of redis_exporter and memcached_exporter, so their dashboards apply; each present when the server reports the field.',
    table(['metric', 'type', 'labels', 'meaning'], rows(backend)),
  ].join('\n\n') + '\n';
}
