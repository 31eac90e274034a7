import type { Logger } from '../../../log.ts';
import { decodeReply, ReplyError } from '../../../protocols/resp/reply-value.ts';
import { ConnectionClosingError, ReplyTimeoutError, type UpstreamError } from '../../../upstream/errors.ts';
import type { InFlight } from '../../../upstream/in-flight.ts';
import { ServerConnection, type ConnectionOptions } from '../../../upstream/server-connection.ts';
import type { ServerSpec } from '../../../upstream/server-spec.ts';
import { RespFramer } from '../resp-framer.ts';
import { layoutProblem, readClusterShards, readClusterSlots, type ClusterShard } from './cluster-layout.ts';

const CLUSTER_SHARDS = Buffer.from('*2\r\n$7\r\nCLUSTER\r\n$6\r\nSHARDS\r\n');
const CLUSTER_SLOTS = Buffer.from('*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n');
/** After a refresh nobody answered, the next try comes this soon (then at the refresh interval). */
const RETRY_MS = 1_000;
/** Refreshes asked for by redirects and failures come no closer together than this. */
const MIN_GAP_MS = 100;

export interface DiscoveryOptions {
  seeds: readonly ServerSpec[];
  /** ms between scheduled refreshes. */
  interval: number;
  /** ms one node has to answer. */
  timeout: number;
  /** The pool's connection options (AUTH in the handshake, keepalive). */
  connection: ConnectionOptions;
}

export interface DiscoveryEvents {
  /** The nodes to ask first, before the seeds: those the current map names. */
  known(): readonly ServerSpec[];
  /** A node answered with this layout. */
  found(shards: readonly ClusterShard[], node: ServerSpec): void;
  /** No node answered. */
  missed(problem: string): void;
}

/**
 * Learns a Redis Cluster's slot map: asks one node after another (the
 * known nodes, then the seeds) for CLUSTER SHARDS, or CLUSTER SLOTS on a
 * server older than 7, and hands on the first layout it gets. One refresh
 * runs at a time (a request during one is served by it, or by one right
 * after); they run on a schedule, and when redirects or failed connections
 * say the map is stale. While no node answers, it tries again every second.
 */
export class Discovery {
  readonly #options: DiscoveryOptions;
  readonly #events: DiscoveryEvents;
  readonly #log: Logger;
  #running: Promise<boolean> | null = null;
  #again = false;
  #lastStarted = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** Why the last refresh found no map, for errors and /ready; null after a success. */
  lastProblem: string | null = 'no node asked yet';

  constructor(options: DiscoveryOptions, events: DiscoveryEvents, log: Logger) {
    this.#options = options;
    this.#events = events;
    this.#log = log;
  }

  start(): void {
    void this.refresh('start');
  }

  /** A refresh soon: now if none ran in the last MIN_GAP_MS, else once that gap has passed. */
  stale(reason: string): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    const wait = this.#lastStarted + MIN_GAP_MS - performance.now();
    if (wait <= 0) void this.refresh(reason);
    else this.#schedule(wait);
  }

  /** One refresh (joining the one running, if any); true when a node answered. */
  refresh(reason: string): Promise<boolean> {
    if (this.#running !== null) return this.#running;
    this.#lastStarted = performance.now();
    const running = this.#ask(reason).finally(() => {
      this.#running = null;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        this.stale('asked again during a refresh');
      } else {
        this.#schedule(this.lastProblem === null ? this.#options.interval : Math.min(RETRY_MS, this.#options.interval));
      }
    });
    this.#running = running;
    return running;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(ms: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.refresh('schedule');
    }, ms);
    this.#timer.unref();
  }

  async #ask(reason: string): Promise<boolean> {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const node of [...this.#events.known(), ...this.#options.seeds]) {
      const address = `${node.host}:${node.port}`;
      if (seen.has(address) || this.#stopped) continue;
      seen.add(address);
      try {
        const shards = await askNode(node, this.#options);
        const problem = layoutProblem(shards);
        if (problem !== null) throw new Error(problem);
        if (this.#stopped) return false;
        this.#events.found(shards, node);
        if (this.lastProblem !== null) this.#log.info({ node: address, shards: shards.length, reason }, 'cluster slot map found');
        this.lastProblem = null;
        return true;
      } catch (error) {
        problems.push(`${address}: ${(error as Error).message}`);
      }
    }
    const problem = `no cluster node answered CLUSTER SHARDS or CLUSTER SLOTS (${problems.join('; ')})`;
    this.#events.missed(problem);
    if (problem !== this.lastProblem) this.#log.warn({ reason, retryInMs: Math.min(RETRY_MS, this.#options.interval) }, problem);
    this.lastProblem = problem;
    return false;
  }
}

/** One reply padda reads itself. */
class Answer implements InFlight {
  sentAt = 0;
  readonly resolve: (bytes: Buffer) => void;
  readonly reject: (error: Error) => void;

  constructor(resolve: (bytes: Buffer) => void, reject: (error: Error) => void) {
    this.resolve = resolve;
    this.reject = reject;
  }

  reply(bytes: Buffer): void {
    this.resolve(Buffer.from(bytes));
  }

  fail(error: UpstreamError): void {
    this.reject(new Error(error.clientText));
  }
}

/** A node's layout, on a connection of its own, closed after. */
async function askNode(node: ServerSpec, options: DiscoveryOptions): Promise<ClusterShard[]> {
  const connection = new ServerConnection<InFlight>(node, new RespFramer<InFlight>(), { ...options.connection, timeout: options.timeout }, {
    succeeded() {},
    failed() {},
    drained() {},
  });
  const ask = (command: Buffer) => new Promise<Buffer>((resolve, reject) => connection.send(new Answer(resolve, reject), command));
  const timer = setTimeout(() => connection.reset(new ReplyTimeoutError(node.label, `no answer within ${options.timeout} ms`)), options.timeout);
  try {
    const shards = decodeReply(await ask(CLUSTER_SHARDS));
    if (!(shards instanceof ReplyError)) return readClusterShards(shards, node.host);
    // Redis before 7 has no CLUSTER SHARDS: "ERR unknown subcommand 'SHARDS'".
    if (!/unknown subcommand/i.test(shards.text)) throw new Error(shards.text);
    const slots = decodeReply(await ask(CLUSTER_SLOTS));
    if (slots instanceof ReplyError) throw new Error(slots.text);
    return readClusterSlots(slots, node.host);
  } finally {
    clearTimeout(timer);
    connection.reset(new ConnectionClosingError(node.label, 'slot map read'));
  }
}
