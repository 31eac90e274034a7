import net from 'node:net';
import { FAILED, HeadScanner, NEED_MORE, REQUEST } from '../protocols/http1/head-scanner.ts';
import type { MessageHead } from '../protocols/http1/message-head.ts';
import { listenOn, type Address } from '../net/address.ts';

/** What the admin routes answer. */
export interface AdminAnswer {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

/** `path` and `query` are the request target's, split at the first "?". */
export type AdminRoute = (method: string, path: string, query: string) => Promise<AdminAnswer>;

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Content Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable' };
/** Probes and scrapes reuse a connection within seconds; an idle one closes after this (node:http's keepAliveTimeout). */
const IDLE_MS = 5_000;

/**
 * The admin server's HTTP/1.1, on plain sockets and the data path's head
 * scanner. node:http would cost a daemon that serves no HTTP itself (a redis
 * ambassador) 13 MiB of RSS for five GET endpoints. One request at a time per
 * connection, keep-alive as the client asks; a request with a body is
 * refused, since no admin endpoint takes one.
 */
export class AdminHttp {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(route: AdminRoute) {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      serve(socket, route);
    });
  }

  listen(address: Address): Promise<void> {
    return listenOn(this.server, address);
  }

  /** Stops listening and cuts every connection: scrapes and probes retry elsewhere. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function serve(socket: net.Socket, route: AdminRoute): void {
  const scanner = new HeadScanner(REQUEST);
  let busy = false;
  let ended = false;
  socket.setTimeout(IDLE_MS, () => socket.destroy());
  socket.on('error', () => {});
  const onData = (chunk: Buffer) => {
    const at = scanner.scan(chunk, 0);
    if (at === NEED_MORE) return;
    if (at === FAILED) return void finish(socket, { status: scanner.error!.status, type: 'text/plain', body: `${scanner.error!.message}\n` }, 'GET', true);
    const head = scanner.head!;
    // A client that pipelines or sends a body is not what probes and scrapers do: answer this one and close.
    const close = head.close || at < chunk.length || head.contentLength > 0 || head.chunked;
    socket.pause();
    busy = true;
    answer(head, route).then((reply) => {
      busy = false;
      finish(socket, reply, head.method, close || ended);
      if (!close) socket.resume();
    });
  };
  socket.on('data', onData);
  socket.on('end', () => {
    ended = true;
    if (!busy) socket.end();
  });
}

async function answer(head: MessageHead, route: AdminRoute): Promise<AdminAnswer> {
  if (head.contentLength > 0 || head.chunked) return { status: 413, type: 'text/plain', body: 'admin requests take no body\n' };
  const at = head.target.indexOf('?');
  return at < 0 ? route(head.method, head.target, '') : route(head.method, head.target.slice(0, at), head.target.slice(at + 1));
}

function finish(socket: net.Socket, reply: AdminAnswer, method: string, close: boolean): void {
  if (socket.destroyed) return;
  const body = Buffer.from(reply.body);
  let head = `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? 'Unknown'}\r\ncontent-type: ${reply.type}\r\ncontent-length: ${body.length}\r\ncache-control: no-store\r\n`;
  for (const [name, value] of Object.entries(reply.headers ?? {})) head += `${name}: ${value}\r\n`;
  head += close ? 'connection: close\r\n\r\n' : '\r\n';
  socket.write(method === 'HEAD' ? head : Buffer.concat([Buffer.from(head, 'latin1'), body]));
  if (close) socket.end();
}
