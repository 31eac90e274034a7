import http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { splice } from '../net/splice.ts';
import { classify, ClientClosedError, NO_UPSTREAM, rawErrorResponse, type Failure } from './errors.ts';
import type { Origin } from './origin.ts';
import type { HttpProxy } from './proxy.ts';
import type { RequestHead } from './request-head.ts';
import { stripResponseHeaders, type ResponseHeaders } from './response-head.ts';

type Controller = Dispatcher.DispatchController;

/**
 * Forwards a request that asks to switch protocols (WebSocket, mostly). On
 * 101 the two sockets are spliced and close together; any other answer is
 * relayed as a plain response and the connection closed. No ServerResponse
 * exists for an upgrade request, so answers are written to the socket raw.
 */
export function forwardUpgrade(proxy: HttpProxy, request: http.IncomingMessage, socket: net.Socket, early: Buffer, path: string, head: RequestHead): void {
  socket.on('error', () => socket.destroy());
  const origin = proxy.picker.pick(request, 0);
  const handler = new UpgradeHandler(proxy, request, socket, early, head.requestId);
  if (origin === null) {
    handler.fail(NO_UPSTREAM);
    return;
  }
  handler.origin = origin;
  if (!proxy.options.preserveHost || head.headers[1] === '') head.headers[1] = origin.host;
  origin.pool.dispatch({
    path,
    method: request.method as Dispatcher.HttpMethod,
    headers: head.headers,
    upgrade: String(request.headers.upgrade),
    headersTimeout: proxy.options.responseTimeout,
    bodyTimeout: proxy.options.bodyTimeout,
  }, handler);
}

class UpgradeHandler implements Dispatcher.DispatchHandler {
  origin: Origin | null = null;
  private readonly proxy: HttpProxy;
  private readonly request: http.IncomingMessage;
  private readonly socket: net.Socket;
  private readonly early: Buffer;
  private readonly requestId: string;
  private readonly started = performance.now();
  private controller: Controller | null = null;
  private answered = false;
  private released = false;
  private status = 0;

  constructor(proxy: HttpProxy, request: http.IncomingMessage, socket: net.Socket, early: Buffer, requestId: string) {
    this.proxy = proxy;
    this.request = request;
    this.socket = socket;
    this.early = early;
    this.requestId = requestId;
    socket.once('close', () => {
      if (!this.answered) this.controller?.abort(new ClientClosedError());
    });
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    if (this.socket.destroyed) controller.abort(new ClientClosedError());
  }

  onRequestUpgrade(controller: Controller, statusCode: number, _headers: ResponseHeaders, upstream: Duplex): void {
    this.answered = true;
    this.origin!.answered();
    // The switch is the attempt's end for the picker: from here the sockets are spliced.
    this.status = statusCode;
    this.release(null);
    const raw = controller.rawHeaders as Buffer[];
    let head = `HTTP/1.1 ${statusCode} ${http.STATUS_CODES[statusCode] ?? ''}\r\n`;
    for (let i = 0; i < raw.length; i += 2) head += `${raw[i]!.toString('latin1')}: ${raw[i + 1]!.toString('latin1')}\r\n`;
    this.socket.write(`${head}\r\n`);
    if (this.early.length > 0) upstream.write(this.early);
    this.proxy.answered(statusCode, this.started);
    this.proxy.picker.finish?.(this.request, statusCode, null, this.started);
    splice(this.socket, upstream as net.Socket, 0, { upstreamError: (error) => this.origin!.failed('upstream_reset', error) });
  }

  // The upstream declined the switch: relay its answer as an ordinary response and close.

  onResponseStart(controller: Controller, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void {
    if (statusCode < 200) return;
    this.answered = true;
    this.origin!.answered();
    this.status = statusCode;
    stripResponseHeaders(headers);
    let head = `HTTP/1.1 ${statusCode} ${statusMessage || http.STATUS_CODES[statusCode] || ''}\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      for (const one of Array.isArray(value) ? value : [value]) head += `${name}: ${one}\r\n`;
    }
    this.socket.write(`${head}connection: close\r\n\r\n`);
    this.proxy.answered(statusCode, this.started);
    this.proxy.picker.finish?.(this.request, statusCode, null, this.started);
    if (this.socket.destroyed) controller.abort(new ClientClosedError());
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (!this.socket.write(chunk)) {
      controller.pause();
      this.socket.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.release(null);
    this.socket.end();
  }

  onResponseError(_controller: Controller | null, error: Error): void {
    const failure = classify(error);
    this.release(error instanceof ClientClosedError ? 'client_closed' : failure.reason);
    if (this.answered) {
      this.socket.destroy();
      return;
    }
    this.origin!.requestFailed(failure, error);
    this.fail(failure);
  }

  fail(failure: Failure): void {
    this.answered = true;
    this.socket.end(rawErrorResponse(failure.status, failure.reason, failure.message, this.requestId));
    this.proxy.failed(failure, this.started);
    this.proxy.picker.finish?.(this.request, failure.status, failure.reason, this.started);
  }

  /** Tells the picker the attempt is over, once. */
  private release(reason: string | null): void {
    if (this.released || this.origin === null) return;
    this.released = true;
    this.proxy.picker.release?.(this.request, this.origin, this.status, reason);
  }
}
