import type { LogSinks } from '../../logging/log-sinks.ts';
import type { ListenerMetrics } from '../../metrics/listener-metrics.ts';
import type { Counter, Registry } from '../../metrics/registry.ts';
import type { Failure } from '../errors.ts';
import type { TrustedProxies } from '../trusted-proxies.ts';
import type { ClientResponse, HttpRequest, RequestHandler } from '../message.ts';
import { answerRefusal, refusalOf } from './refusal.ts';
import { ResponseCounters } from './response-counters.ts';
import { Exchange, type ExchangeHost } from './exchange.ts';
import type { GateOwner, RequestGate } from './request-gate.ts';
import type { TargetPicker } from './target-picker.ts';
import type { ProxyOptions } from './proxy-options.ts';

export interface ProxyContext {
  listener: string;
  metrics: ListenerMetrics;
  registry: Registry;
  /** The process's log destinations, for the listener's access log. */
  logs: LogSinks;
}

/** What may stand before the exchange: who is the client (trusted proxies), and whether it may go on (the rate limiter). */
export interface ProxyFront {
  trusted: TrustedProxies | null;
  gate: RequestGate | null;
}

/**
 * A reverse proxy over a target picker: the request handler of every
 * forwarding mode. It refuses what must not be forwarded — CONNECT, which
 * is what makes an open proxy, and a target that is no path — turns an
 * absolute-form target into a path and an authority (RFC 9112 §3.2.2: the
 * request still goes only to the picked upstream), names the client a
 * trusted proxy forwarded, passes the gate (rate limits), and hands each
 * request to an Exchange. Everything mode-specific lives in the picker.
 */
export class HttpProxy implements RequestHandler, ExchangeHost, GateOwner {
  readonly picker: TargetPicker;
  readonly options: ProxyOptions;
  readonly metrics: ListenerMetrics;
  private readonly trusted: TrustedProxies | null;
  private readonly gate: RequestGate | null;
  private readonly responses: ResponseCounters;
  private readonly retries: Counter;

  constructor(picker: TargetPicker, options: ProxyOptions, context: ProxyContext, front: ProxyFront = { trusted: null, gate: null }) {
    this.picker = picker;
    this.options = options;
    this.trusted = front.trusted;
    this.gate = front.gate;
    this.metrics = context.metrics;
    this.responses = new ResponseCounters(context.registry, context.listener);
    this.retries = context.registry.counter('padda_http_upstream_retries_total', 'Requests sent again after failing before reaching an upstream.', { listener: context.listener });
  }

  handle(request: HttpRequest, response: ClientResponse): void {
    const refusal = refusalOf(request);
    if (refusal !== null) {
      this.metrics.error(refusal.reason);
      this.responses.count(refusal.status);
      answerRefusal(response, refusal);
      return;
    }
    if (this.trusted !== null) this.trusted.resolve(request);
    if (this.gate !== null && !this.gate.admit(request, response, this)) return;
    this.forward(request, response);
  }

  forward(request: HttpRequest, response: ClientResponse): void {
    new Exchange(this, request, response, request.path()!, request.authority()).start();
  }

  refused(status: number, reason: string): void {
    this.metrics.error(reason);
    this.responses.count(status);
  }

  // Called by exchanges as they end, so the hot path only bumps fields.

  answered(status: number, started: number): void {
    this.responses.count(status);
    this.metrics.duration.observe((performance.now() - started) / 1000);
  }

  failed(failure: Failure, started: number): void {
    this.metrics.error(failure.reason);
    this.responses.count(failure.status);
    this.metrics.duration.observe((performance.now() - started) / 1000);
  }

  abandoned(): void {
    this.metrics.error('client_closed');
  }

  retried(): void {
    this.retries.value++;
  }
}
