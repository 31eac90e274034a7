import type http from 'node:http';
import type { Dispatcher } from 'undici';
import { BAD_RESPONSE, classify, ClientClosedError, NO_UPSTREAM, replyError, TOTAL_TIMEOUT, TotalTimeoutError, type Failure } from './errors.ts';
import type { Origin } from './origin.ts';
import type { HttpProxy } from './proxy.ts';
import type { ProxiedRequest, ProxiedResponse, RequestHead } from './request-head.ts';
import { stripResponseHeaders, type ResponseHeaders } from './response-head.ts';

type Controller = Dispatcher.DispatchController;

// Where an exchange is: still going, answered in full or with an error, or abandoned by its client.
const OPEN = 0;
const DONE = 1;
const GONE = 2;

/** Methods a retry cannot make happen twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

const kExchange = Symbol('padda.exchange');
type Tagged = ProxiedResponse & { [kExchange]?: Exchange };

/**
 * One client request on its way through an upstream, and the undici dispatch
 * handler for its answer. The object is the handler, so the hot path creates
 * no closures: response events find their exchange through a symbol on the
 * response. The response body streams with backpressure both ways: when the
 * client's socket is full the upstream read is paused, and resumed on drain.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  private readonly proxy: HttpProxy;
  private readonly request: ProxiedRequest;
  private readonly response: ProxiedResponse;
  private readonly path: string;
  private readonly head: RequestHead;
  private readonly http2: boolean;
  private readonly started: number;
  private origin: Origin | null = null;
  private controller: Controller | null = null;
  private attempt = 0;
  /** undici began writing the current attempt: from here on, bytes may have reached the upstream. */
  private written = false;
  /** The current attempt's end was told to the picker (or there is none). */
  private released = true;
  private state = OPEN;
  private status = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(proxy: HttpProxy, request: ProxiedRequest, response: ProxiedResponse, path: string, head: RequestHead) {
    this.proxy = proxy;
    this.request = request;
    this.response = response;
    this.path = path;
    this.head = head;
    this.http2 = 'stream' in request;
    this.started = performance.now();
    (response as Tagged)[kExchange] = this;
    response.on('close', onResponseClose);
    const total = proxy.options.totalTimeout;
    if (total > 0) this.timer = setTimeout(onTotalTimeout, total, this);
  }

  send(): void {
    const origin = this.proxy.picker.pick(this.request, this.attempt);
    if (origin === null) {
      this.fail(NO_UPSTREAM, null);
      return;
    }
    this.origin = origin;
    this.written = false;
    this.released = false;
    const headers = this.head.headers;
    if (!this.proxy.options.preserveHost || headers[1] === '') headers[1] = origin.host;
    origin.pool.dispatch({
      path: this.path,
      method: this.request.method as Dispatcher.HttpMethod,
      headers,
      body: this.head.hasBody ? this.request : null,
      headersTimeout: this.proxy.options.responseTimeout,
      bodyTimeout: this.proxy.options.bodyTimeout,
    }, this);
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    this.written = true;
    // The client left, or the total timeout fired, while the request waited for a connection.
    if (this.state !== OPEN) controller.abort(new ClientClosedError());
  }

  onResponseStart(controller: Controller, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void {
    // 1xx interim answers (103 Early Hints) are not passed on; the final one follows.
    if (statusCode < 200 || this.state !== OPEN) return;
    this.origin!.answered();
    this.status = statusCode;
    stripResponseHeaders(headers);
    this.proxy.picker.respond?.(this.request, statusCode, headers);
    try {
      // HTTP/2 has no reason phrase; HTTP/1 keeps the app's.
      if (this.http2 || !statusMessage) this.response.writeHead(statusCode, headers as http.OutgoingHttpHeaders);
      else (this.response as http.ServerResponse).writeHead(statusCode, statusMessage, headers as http.OutgoingHttpHeaders);
    } catch (error) {
      // node refuses a header value it would not write itself (control characters, say).
      this.fail(BAD_RESPONSE, error as Error);
      controller.abort(error as Error);
    }
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.state !== OPEN) return;
    if (!this.response.write(chunk)) {
      controller.pause();
      this.response.once('drain', onResponseDrain);
    }
    this.proxy.picker.body?.(this.request, chunk);
  }

  onResponseEnd(controller: Controller, trailers: ResponseHeaders): void {
    this.release(null);
    if (this.state !== OPEN) return;
    this.state = DONE;
    if (this.timer !== null) clearTimeout(this.timer);
    const raw = controller.rawTrailers as unknown[] | null | undefined;
    if (raw && raw.length > 0) this.response.addTrailers(trailers as http.OutgoingHttpHeaders);
    this.response.end();
    this.proxy.answered(this.status, this.started);
    this.proxy.picker.finish?.(this.request, this.status, null, this.started);
  }

  onResponseError(_controller: Controller | null, error: Error): void {
    const failure = classify(error);
    this.release(error instanceof ClientClosedError ? 'client_closed' : failure.reason);
    if (this.state !== OPEN) return;
    this.origin!.requestFailed(failure, error);
    if (!this.written && this.attempt < this.proxy.options.retries && IDEMPOTENT.has(this.request.method!)) {
      this.attempt++;
      this.proxy.retried();
      this.send();
      return;
    }
    this.fail(failure, error);
  }

  /** Ends the exchange with padda's own answer, or by cutting the client if the upstream's answer had begun. */
  private fail(failure: Failure, error: Error | null): void {
    this.state = DONE;
    if (this.timer !== null) clearTimeout(this.timer);
    const status = this.response.headersSent ? this.status : failure.status;
    if (this.response.headersSent) {
      // A status already went out: cut the connection so the client cannot mistake a partial body for a whole one.
      this.response.destroy(error ?? undefined);
    } else {
      replyError(this.response, failure.status, failure.reason, failure.message, this.head.requestId);
    }
    this.proxy.failed(failure, this.started);
    this.proxy.picker.finish?.(this.request, status, failure.reason, this.started);
  }

  /** Tells the picker the current attempt is over, once per attempt. */
  private release(reason: string | null): void {
    if (this.released) return;
    this.released = true;
    this.proxy.picker.release?.(this.request, this.origin!, this.status, reason);
  }

  clientClosed(): void {
    if (this.state !== OPEN) return;
    this.state = GONE;
    if (this.timer !== null) clearTimeout(this.timer);
    this.proxy.abandoned();
    this.proxy.picker.finish?.(this.request, 0, 'client_closed', this.started);
    this.controller?.abort(new ClientClosedError());
  }

  timedOut(): void {
    if (this.state !== OPEN) return;
    if (this.controller !== null) this.controller.abort(new TotalTimeoutError());
    else this.fail(TOTAL_TIMEOUT, null);
  }

  drained(): void {
    this.controller?.resume();
  }
}

function onResponseClose(this: Tagged): void {
  this[kExchange]!.clientClosed();
}

function onResponseDrain(this: Tagged): void {
  this[kExchange]!.drained();
}

function onTotalTimeout(exchange: Exchange): void {
  exchange.timedOut();
}
