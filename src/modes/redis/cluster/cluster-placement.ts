import type { Logger } from '../../../log.ts';
import type { CommandSeries } from '../../../metrics/command-metrics.ts';
import { errorReply } from '../../../protocols/resp/reply-encoder.ts';
import type { ClientSession } from '../../../session/client-session.ts';
import type { Fragment } from '../../../session/fan-out.ts';
import type { ForwardedRequest } from '../../../session/forwarded-request.ts';
import { UpstreamProtocolError } from '../../../upstream/errors.ts';
import type { InFlight } from '../../../upstream/in-flight.ts';
import { NO_SERVER } from '../../../upstream/pool-router.ts';
import type { ServerMetrics } from '../../../upstream/server-metrics.ts';
import type { ServerPool } from '../../../upstream/server-pool.ts';
import { InternalRequest } from '../pinned.ts';
import type { KeyPlacement } from '../redis-pool.ts';
import { hostPort, type ClusterShard } from './cluster-layout.ts';
import type { RedirectFollower } from './cluster-framer.ts';
import type { ClusterMetrics } from './cluster-metrics.ts';
import { ClusterRequest, type Resendable } from './cluster-request.ts';
import { Discovery, type DiscoveryOptions } from './discovery.ts';
import { keySlot, SLOT_COUNT } from './hash-slot.ts';
import { parseNodeAddress } from './node-address.ts';
import { ASK, MOVED, type Redirect } from './redirect.ts';
import { SlotTable } from './slot-table.ts';

export type ReadFrom = 'primary' | 'replica' | 'prefer_replica';

const ASKING = Buffer.from('*1\r\n$6\r\nASKING\r\n');
/** cluster.c's answer for a slot no node serves. */
const SLOT_NOT_SERVED = errorReply('CLUSTERDOWN Hash slot not served');
/** ioredis's retryDelayOnTryAgain: the slot's keys are still moving. */
const TRYAGAIN_DELAY_MS = 100;

/**
 * A Redis Cluster as a redis listener's backend: a key's shard is its
 * hash slot, the slot map (learnt by Discovery) names the node that holds
 * it, and the pool gains a server for each node the map names. MOVED
 * updates the slot and re-sends; ASK re-sends once after ASKING; TRYAGAIN
 * re-sends to the same node a moment later: no redirect reaches a client.
 */
export class ClusterPlacement implements KeyPlacement, RedirectFollower {
  readonly shardCount = SLOT_COUNT;
  readonly publishReachesAll = true;
  readonly table = new SlotTable();
  readonly discovery: Discovery;
  readonly #nodes = new Map<string, number>();
  #pool: ServerPool<InFlight> | null = null;
  #noMap: { problem: string | null; reply: Buffer } = { problem: null, reply: SLOT_NOT_SERVED };
  #closed = false;

  readonly #metrics: ClusterMetrics;
  readonly #readFrom: ReadFrom;

  constructor(options: DiscoveryOptions, readFrom: ReadFrom, metrics: ClusterMetrics, log: Logger) {
    this.#metrics = metrics;
    this.#readFrom = readFrom;
    this.discovery = new Discovery(options, {
      known: () => this.#pool?.servers.map((server) => server.spec) ?? [],
      found: (shards) => this.#apply(shards),
      missed: () => metrics.mapsMissed.value++,
    }, log);
  }

  /** The pool whose servers are the nodes; it is built with this placement's framers, hence after it. */
  attach(pool: ServerPool<InFlight>): void {
    this.#pool = pool;
  }

  start(): void {
    this.discovery.start();
  }

  close(): void {
    this.#closed = true;
    this.discovery.stop();
  }

  notReadyReason(): string | null {
    if (!this.table.known) return `no cluster slot map yet: ${this.discovery.lastProblem}`;
    return this.table.covered < SLOT_COUNT ? `${SLOT_COUNT - this.table.covered} hash slots are served by no node` : null;
  }

  get unserved(): Buffer {
    if (this.table.known) return SLOT_NOT_SERVED;
    const problem = this.discovery.lastProblem;
    if (this.#noMap.problem !== problem) this.#noMap = { problem, reply: errorReply(`CLUSTERDOWN The cluster is down (padda has no slot map yet: ${problem})`) };
    return this.#noMap.reply;
  }

  shard(buf: Uint8Array, start: number, end: number): number {
    return keySlot(buf, start, end);
  }

  shards(buf: Uint8Array, spans: Uint32Array, count: number, out: Int32Array): Int32Array {
    for (let i = 0; i < count; i++) out[i] = keySlot(buf, spans[2 * i]!, spans[2 * i + 1]!);
    return out;
  }

  server(slot: number): number {
    return this.table.primaries[slot]!;
  }

  /**
   * read_from for a read-only command: the slot's primary, or the replica
   * with the fewest requests in flight on the connection this client uses
   * (Envoy's redis_proxy read policies, its least-requests choice).
   */
  reader(slot: number, client: number): number {
    const readFrom = this.#readFrom;
    if (readFrom === 'primary') return this.table.primaries[slot]!;
    const replicas = this.table.replicas[slot]!;
    if (replicas.length === 0) return readFrom === 'replica' ? NO_SERVER : this.table.primaries[slot]!;
    const pool = this.#pool!;
    let best = replicas[0]!;
    let least = pool.connection(best, client).queue.length;
    for (let i = 1; i < replicas.length && least > 0; i++) {
      const inFlight = pool.connection(replicas[i]!, client).queue.length;
      if (inFlight < least) {
        least = inFlight;
        best = replicas[i]!;
      }
    }
    return best;
  }

  anyShard(): number {
    return this.table.anySlot();
  }

  request(session: ClientSession, series: CommandSeries, server: ServerMetrics, bytes: Buffer): ForwardedRequest {
    return new ClusterRequest(session, series, server, bytes);
  }

  sending(fragment: Fragment, bytes: Buffer): void {
    fragment.sent = bytes;
  }

  follow(request: Resendable, redirect: Redirect, from: number, connection: number): void {
    const pool = this.#pool!;
    if (redirect.kind === MOVED || redirect.kind === ASK) {
      const host = redirect.host === '' ? pool.servers[from]!.spec.host : redirect.host;
      const server = this.#server(hostPort(host, redirect.port));
      if (server === NO_SERVER) return request.fail(new UpstreamProtocolError(pool.servers[from]!.spec.label, `redirected to ${host}:${redirect.port}, which is not host:port`));
      const target = pool.servers[server]!.connections[connection]!;
      if (redirect.kind === MOVED) {
        this.#metrics.moved.value++;
        this.table.moved(redirect.slot, server);
        this.#metrics.coveredSlots.set(this.table.covered);
        this.discovery.stale('MOVED');
      } else {
        this.#metrics.asked.value++;
        target.send(new InternalRequest(), ASKING);
      }
      target.send(request, request.sent!);
      return;
    }
    // TRYAGAIN: the same node, once the keys had a moment to move.
    this.#metrics.triedAgain.value++;
    setTimeout(() => {
      if (!this.#closed) pool.servers[from]!.connections[connection]!.send(request, request.sent!);
    }, TRYAGAIN_DELAY_MS).unref();
  }

  /** A connection failed: the node may be gone, and the map with it. */
  failed(): void {
    this.discovery.stale('a node connection failed');
  }

  #apply(shards: readonly ClusterShard[]): void {
    this.table.apply(shards, (address) => this.#server(address));
    this.#metrics.mapsFound.value++;
    this.#metrics.coveredSlots.set(this.table.covered);
  }

  /** The pool's server for a node's address, added the first time the node is named. */
  #server(address: string): number {
    let index = this.#nodes.get(address);
    if (index === undefined) {
      const spec = parseNodeAddress(address);
      if (typeof spec === 'string') return NO_SERVER;
      index = this.#pool!.add(spec).index;
      this.#nodes.set(address, index);
    }
    return index;
  }
}
