import type http from 'node:http';
import type net from 'node:net';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import type { Counter, Registry } from '../metrics/registry.ts';
import { replyError, type Failure } from './errors.ts';
import { Exchange } from './exchange.ts';
import type { ProxyOptions } from './options.ts';
import { buildRequestHead, type ProxiedRequest, type ProxiedResponse } from './request-head.ts';
import { absoluteTarget, resolveTarget } from './request-target.ts';
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
 * be forwarded (CONNECT, targets that are not a path), then hands each request
 * to an Exchange. Everything mode-specific lives in the picker.
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
    const path = this.path(request, response);
    if (path === null) return;
    const head = buildRequestHead(request, path.authority, this.options);
    new Exchange(this, request, response, path.path, head).send();
  };

  /** For node:http's 'upgrade' event: WebSocket and other protocol switches. */
  readonly upgrade = (request: http.IncomingMessage, socket: net.Socket, early: Buffer): void => {
    this.metrics.requests.value++;
    const target = request.url!;
    const absolute = target.charCodeAt(0) === 47 ? null : absoluteTarget(target);
    if (target.charCodeAt(0) !== 47 && absolute === null) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\nx-padda-error: bad_request_target\r\n\r\n');
      this.counted(400);
      return;
    }
    const head = buildRequestHead(request, absolute?.authority ?? null, this.options);
    forwardUpgrade(this, request, socket, early, absolute?.path ?? target, head);
  };

  /** The origin-form path to forward, or null after answering a target that must not be forwarded. */
  private path(request: ProxiedRequest, response: ProxiedResponse): { path: string; authority: string | null } | null {
    const resolved = resolveTarget(request.method, request.url!);
    if ('path' in resolved) return resolved;
    this.refuse(response, resolved.status, resolved.reason, resolved.message);
    return null;
  }

  private refuse(response: ProxiedResponse, status: number, reason: string, message: string): void {
    this.metrics.error(reason);
    replyError(response, status, reason, message, '');
    this.counted(status);
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

  counted(status: number): void {
    this.responses.count(status);
  }
}
