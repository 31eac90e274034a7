import type { ListenerMetrics } from '../../metrics/listener-metrics.ts';
import type { Counter, Registry } from '../../metrics/registry.ts';
import { ABSOLUTE_FORM, ORIGIN_FORM } from '../../protocols/http1/request-target.ts';
import type { Failure } from '../errors.ts';
import type { ClientResponse, HttpRequest, RequestHandler } from '../message.ts';
import { ResponseCounters } from './response-counters.ts';
import { Exchange } from './exchange.ts';
import type { TargetPicker } from './target-picker.ts';
import type { UpstreamHeadOptions } from './upstream-head.ts';

export interface ProxyContext {
  listener: string;
  metrics: ListenerMetrics;
  registry: Registry;
}

/** What the request path needs, flattened once at create() so the hot path reads plain fields. */
export interface ProxyOptions extends UpstreamHeadOptions {
  retries: number;
  /** ms from the request sent to the answer's head (0: none). */
  responseTimeout: number;
  /** ms the answer's body may stall between two chunks (0: none). */
  bodyTimeout: number;
  /** ms for the whole exchange (0: none). */
  totalTimeout: number;
  /** ms a request may wait for one of its origin's connections. */
  queueTimeout: number;
  /** Bytes of a request body held before it takes an upstream connection. */
  bodyBuffer: number;
}

/** Why padda answers a request itself instead of forwarding it. */
export interface Refusal {
  status: number;
  reason: string;
  message: string;
}

const CONNECT_REFUSED: Refusal = { status: 405, reason: 'connect_refused', message: 'CONNECT is not supported: padda is not a forward proxy' };
const BAD_TARGET: Refusal = { status: 400, reason: 'bad_request_target', message: 'request target must be a path or an absolute http(s) URL' };

/**
 * What must not be forwarded, by any mode: CONNECT, which is what makes an
 * open proxy (405), and a target that names no resource (OPTIONS *, 400).
 */
export function refusalOf(request: HttpRequest): Refusal | null {
  if (request.method === 'CONNECT') return CONNECT_REFUSED;
  return request.head.targetForm === ORIGIN_FORM || request.head.targetForm === ABSOLUTE_FORM ? null : BAD_TARGET;
}

/** padda's own answer to a refused request, with x-padda-error (and the request id, when there is one). */
export function answerRefusal(response: ClientResponse, refusal: Refusal, requestId = ''): void {
  const fields = ['content-type', 'text/plain; charset=utf-8', 'x-padda-error', refusal.reason];
  if (requestId !== '') fields.push('x-request-id', requestId);
  response.answer(refusal.status, fields, `${refusal.message}\n`);
}

/**
 * A reverse proxy over a target picker: the request handler of every
 * forwarding mode. It refuses what must not be forwarded — CONNECT, which
 * is what makes an open proxy, and a target that is no path — turns an
 * absolute-form target into a path and an authority (RFC 9112 §3.2.2: the
 * request still goes only to the picked upstream), and hands each request
 * to an Exchange. Everything mode-specific lives in the picker.
 */
export class HttpProxy implements RequestHandler {
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

  handle(request: HttpRequest, response: ClientResponse): void {
    const refusal = refusalOf(request);
    if (refusal !== null) {
      this.metrics.error(refusal.reason);
      this.responses.count(refusal.status);
      answerRefusal(response, refusal);
      return;
    }
    new Exchange(this, request, response, request.path()!, request.authority()).start();
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
