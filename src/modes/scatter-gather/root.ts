import { randomUUID } from 'node:crypto';
import type net from 'node:net';
import { Downstream } from '../../http/downstream/downstream.ts';
import { answerRefusal, refusalOf } from '../../http/forward/refusal.ts';
import { upstreamFields, upstreamHead, upstreamHost, type UpstreamHeadOptions } from '../../http/forward/upstream-head.ts';
import type { ClientResponse, HttpRequest, RequestHandler } from '../../http/message.ts';
import { downstreamOptions } from '../../http/options.ts';
import { openAccessLog } from '../../logging/access-log.ts';
import type { OriginAddress } from '../../http/upstream/origin-address.ts';
import { replicaAddresses } from '../../http/upstream/replica-options.ts';
import { ReplicaSet } from '../../http/upstream/replica-set.ts';
import type { ListenerMetrics } from '../../metrics/listener-metrics.ts';
import { X_REQUEST_ID } from '../../protocols/http1/field-names.ts';
import { NO_BODY } from '../../protocols/http1/message-head.ts';
import type { ModeContext, ModeHandler } from '../mode.ts';
import type { ScatterGatherConfig } from './config.ts';
import { Gather } from './gather.ts';
import { HedgePolicy } from './hedging.ts';
import { Leaf } from './leaf.ts';
import { LeafOrigin } from './leaf-origin.ts';
import { createMergeStrategy } from './merge/index.ts';
import { splitPath } from './merge/json-path.ts';
import type { MergeStrategy } from './merge/strategy.ts';
import { ScatterMetrics } from './metrics.ts';
import { requiredLeaves } from './quorum.ts';
import { readBody } from './request-body.ts';
import { createScatter, type Scatter } from './scatter.ts';

/** Leaves answer queries: reads, safe to send twice (hedges) and with a body (search DSLs POST). */
const METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * The scatter/gather root (book ch. 7): every client request fans out to
 * the leaves, each a ReplicaSet shared with the other HTTP modes, and their
 * JSON answers are merged into one. The fields below are what gathers,
 * calls and attempts read on the hot path, flattened from the config once.
 */
export class ScatterGatherRoot implements ModeHandler, RequestHandler {
  readonly leaves: Leaf[];
  readonly strategy: MergeStrategy;
  readonly pathKeys: string[];
  readonly maxLeafBody: number;
  readonly deadline: number;
  /** 0 when leaf_timeout is the deadline anyway. */
  readonly leafTimeout: number;
  readonly minLeaves: number | null;
  readonly hedging: HedgePolicy | null;
  readonly retries: number;
  readonly preserveHost: boolean;
  readonly metrics: ScatterMetrics;
  private readonly head: UpstreamHeadOptions;
  private readonly maxRequestBody: number;
  private readonly scatterer: Scatter;
  private readonly listenerMetrics: ListenerMetrics;
  private readonly downstream: Downstream;
  private readonly sets: ReplicaSet<LeafOrigin>[];

  constructor(config: ScatterGatherConfig, context: ModeContext) {
    // First, so a merge module that does not load rejects the config before anything is opened.
    this.strategy = createMergeStrategy(config.merge);
    this.pathKeys = splitPath(config.merge.path);
    this.scatterer = createScatter(config.scatter);
    this.maxLeafBody = config.max_leaf_body;
    this.maxRequestBody = config.max_request_body;
    this.deadline = config.deadline;
    this.leafTimeout = config.leaf_timeout === undefined || config.leaf_timeout >= config.deadline ? 0 : config.leaf_timeout;
    this.minLeaves = config.partial?.min_leaves ?? null;
    this.hedging = config.hedge ? new HedgePolicy(config.hedge) : null;
    this.retries = config.retries;
    this.preserveHost = config.preserve_host;
    this.head = { preserveHost: config.preserve_host, requestId: config.request_id };
    this.listenerMetrics = context.metrics;
    this.metrics = new ScatterMetrics(context.registry, context.listener);
    const connect = (address: OriginAddress) => new LeafOrigin(address, config.pool, config.connect_timeout, context.log);
    this.sets = config.leaves.map((leaf, index) => new ReplicaSet(leaf.name ?? `leaf-${index}`, replicaAddresses(leaf.replicas), config, connect, context));
    this.leaves = this.sets.map((set) => new Leaf(set.name, set, this.hedging?.window() ?? null, this.hedging !== null, this.metrics));
    this.downstream = new Downstream(this, context.metrics, downstreamOptions(config.client), openAccessLog(context.logs, context.listener, config.access_log));
  }

  handle(request: HttpRequest, response: ClientResponse): void {
    const started = performance.now();
    const refusal = refusalOf(request);
    if (refusal !== null) {
      this.refused(response, refusal.status, refusal.reason, refusal.message, '', started);
      return;
    }
    const method = request.method;
    if (!METHODS.has(method)) {
      this.refused(response, 405, 'method_not_allowed', 'a scatter/gather root takes GET, HEAD and POST', '', started);
      return;
    }
    const path = request.path()!;
    const targets = this.scatterer.plan(path, this.leaves.length);
    if ('problem' in targets) {
      this.refused(response, 400, 'bad_scatter_request', targets.problem, '', started);
      return;
    }
    const sent = request.head.find(X_REQUEST_ID);
    const requestId = sent >= 0 ? request.head.value(sent) : this.head.requestId ? randomUUID() : '';
    // Host is first: each leaf attempt puts its own there unless the client's is preserved.
    const authority = request.authority();
    const headers = upstreamFields(upstreamHead(request, path, authority, upstreamHost(request, authority, '', this.head.preserveHost), requestId, sent >= 0, false, false));
    askForIdentity(headers);
    const gather = new Gather(this, request.access, method, response, headers, requestId, started);
    if (request.body === NO_BODY) {
      gather.scatter(targets, null);
      return;
    }
    readBody(request, this.maxRequestBody, (body) => {
      if (body === null) gather.refuse(413, 'request_too_large', `the request body is larger than max_request_body (${this.maxRequestBody} bytes)`);
      else gather.scatter(targets, body);
    });
  }

  // Called by gathers as they end, so the hot path only bumps fields.

  answered(partial: boolean, started: number): void {
    if (partial) this.metrics.partial.value++;
    this.metrics.responses.count(200);
    this.listenerMetrics.duration.observe((performance.now() - started) / 1000);
  }

  refused(response: ClientResponse, status: number, reason: string, message: string, requestId: string, started: number): void {
    this.listenerMetrics.error(reason);
    // A 413 leaves the rest of the body unread: the client connection closes after it.
    answerRefusal(response, { status, reason, message }, requestId);
    this.metrics.responses.count(status);
    this.listenerMetrics.duration.observe((performance.now() - started) / 1000);
  }

  abandoned(): void {
    this.listenerMetrics.error('client_closed');
  }

  accept(socket: net.Socket): void {
    this.downstream.accept(socket);
  }

  start(): Promise<void> {
    for (const set of this.sets) set.start();
    return Promise.resolve();
  }

  /** Ready while enough leaves have a replica up to answer a request that asks them all. */
  notReadyReason(): string | null {
    const up = this.sets.filter((set) => set.available).length;
    const needed = requiredLeaves(this.minLeaves, this.strategy.firstWins, this.sets.length);
    if (up >= needed) return null;
    return `${up} of ${this.sets.length} leaves have a replica up, ${needed} needed (down: ${this.sets.filter((set) => !set.available).map((set) => set.name).join(', ')})`;
  }

  async drain(): Promise<void> {
    await this.downstream.drain();
    await Promise.all(this.sets.map((set) => set.close()));
  }

  destroy(): void {
    this.downstream.destroy();
    for (const set of this.sets) set.destroy();
  }

  stats(): Record<string, unknown> {
    return {
      connections: this.downstream.connectionCount,
      leaves: this.sets.map((set) => ({ leaf: set.name, ...set.stats() })),
    };
  }
}

/**
 * The root parses every leaf answer, so leaves must not compress them:
 * the client's Accept-Encoding (for the root's answer) becomes `identity`.
 */
function askForIdentity(headers: string[]): void {
  for (let i = 2; i < headers.length; i += 2) {
    if (headers[i]!.length === 15 && headers[i]!.toLowerCase() === 'accept-encoding') {
      headers.splice(i, 2);
      i -= 2;
    }
  }
  headers.push('accept-encoding', 'identity');
}
