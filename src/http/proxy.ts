import type http from 'node:http';
import type net from 'node:net';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import type { Counter, Registry } from '../metrics/registry.ts';
import { rawErrorResponse, replyError, type Failure } from './errors.ts';
import { Exchange } from './exchange.ts';
import type { ProxyOptions } from './options.ts';
import { buildRequestHead, type ProxiedRequest, type ProxiedResponse } from './request-head.ts';
import { DUPLICATE_HOST, resolveTarget, type Refusal } from './request-target.ts';
import { ResponseCounters } from './response-counters.ts';
import type { TargetPicker } from './target.ts';
import { forwardUpgrade } from './upgrade.ts';

export interface ProxyContext {
  listener: string;
  metrics: ListenerMetrics;
  registry: Registry;
}

/**
 * A reverse proxy over a target picker: the request handler a Downstream
 * calls for every request, and the one for upgrades. It refuses what must not
 * be forwarded (CONNECT, targets that are not a path, two Host lines), then
 * hands each request to an Exchange. Everything mode-specific lives in the
 * picker.
 */
export class HttpProxy {
  readonly picker: TargetPicker;
  readonly options: ProxyOptions;
  readonly metrics: ListenerMetrics;
  private readonly responses: ResponseCounters;
  private readonly retries: Counter;

  constructor(picker: TargetPicker, options: ProxyOptions, context: ProxyContext) {
    this.picker = picker;
    this.options = options;
    this.metrics = context.metrics;
    this.responses = new ResponseCounters(context.registry, context.listener);
    this.retries = context.registry.counter('padda_http_upstream_retries_total', 'Requests sent again after failing before reaching an upstream.', { listener: context.listener });
  }

  /** For node:http's and node:http2's 'request' events. */
  readonly handle = (request: ProxiedRequest, response: ProxiedResponse): void => {
    this.metrics.requests.value++;
    const target = resolveTarget(request.method, request.url!);
    if ('status' in target) return this.refuse(response, target);
    const head = buildRequestHead(request, target.authority, this.options);
    if (head.duplicateHost) return this.refuse(response, DUPLICATE_HOST);
    new Exchange(this, request, response, target.path, head).send();
  };

  /** For node:http's 'upgrade' event: WebSocket and other protocol switches. */
  readonly upgrade = (request: http.IncomingMessage, socket: net.Socket, early: Buffer): void => {
    this.metrics.requests.value++;
    const target = resolveTarget(request.method, request.url!);
    if ('status' in target) return this.refuse(socket, target);
    const head = buildRequestHead(request, target.authority, this.options);
    if (head.duplicateHost) return this.refuse(socket, DUPLICATE_HOST);
    forwardUpgrade(this, request, socket, early, target.path, head);
  };

  /** Answers a request padda does not forward: on its response, or raw on an upgrade's socket. */
  private refuse(to: ProxiedResponse | net.Socket, refusal: Refusal): void {
    if ('writeHead' in to) replyError(to, refusal.status, refusal.reason, refusal.message, '');
    else to.end(rawErrorResponse(refusal.status, refusal.reason, refusal.message));
    this.metrics.error(refusal.reason);
    this.counted(refusal.status);
  }

  // Called by exchanges as they end, so the hot path only bumps fields.

  answered(status: number, started: number): void {
    this.counted(status);
    this.metrics.duration.observe((performance.now() - started) / 1000);
  }

  failed(failure: Failure, started: number): void {
    this.metrics.error(failure.reason);
    this.counted(failure.status);
    this.metrics.duration.observe((performance.now() - started) / 1000);
  }

  abandoned(): void {
    this.metrics.error('client_closed');
  }

  retried(): void {
    this.retries.value++;
  }

  private counted(status: number): void {
    this.responses.count(status);
  }
}
