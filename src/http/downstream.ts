import http from 'node:http';
import type net from 'node:net';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';

export interface DownstreamOptions {
  /** Idle keep-alive connections close after this long (ms). */
  keepAliveTimeout: number;
  /** A client must finish sending headers within this (ms): slowloris protection. */
  headersTimeout: number;
  maxHeaderSize: number;
}

export const DEFAULT_DOWNSTREAM: DownstreamOptions = { keepAliveTimeout: 65_000, headersTimeout: 20_000, maxHeaderSize: 16 * 1024 };

/**
 * The client side of every HTTP mode: a node:http server that never listens
 * itself. The runtime's listener hands it sockets, so a reload can replace the
 * request handler while the port stays bound; `drain` finishes in-flight
 * requests and closes each connection after its current response.
 */
export class Downstream {
  readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly metrics: ListenerMetrics;
  private draining = false;
  private drained: (() => void) | null = null;

  constructor(
    handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
    metrics: ListenerMetrics,
    options: DownstreamOptions = DEFAULT_DOWNSTREAM,
  ) {
    this.metrics = metrics;
    this.server = http.createServer(
      {
        keepAliveTimeout: options.keepAliveTimeout,
        headersTimeout: options.headersTimeout,
        requestTimeout: 0,
        maxHeaderSize: options.maxHeaderSize,
        noDelay: true,
      },
      (req, res) => {
        // Keep-alive requests arriving after a drain began get `Connection: close`.
        if (this.draining) res.shouldKeepAlive = false;
        handler(req, res);
      },
    );
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: net.Socket) => this.clientError(error, socket));
    // node:http checks header and request timeouts from a timer it starts on 'listening'.
    this.server.emit('listening');
  }

  accept(socket: net.Socket): void {
    this.sockets.add(socket);
    this.metrics.connections.value++;
    this.metrics.activeConnections.value++;
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.metrics.activeConnections.value--;
      this.metrics.receivedBytes.value += socket.bytesRead;
      this.metrics.sentBytes.value += socket.bytesWritten;
      if (this.draining && this.sockets.size === 0) this.drained?.();
    });
    this.server.emit('connection', socket);
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  drain(): Promise<void> {
    this.draining = true;
    this.server.closeIdleConnections();
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  destroy(): void {
    this.draining = true;
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
  }

  private clientError(error: NodeJS.ErrnoException, socket: net.Socket): void {
    this.metrics.error(error.code === 'HPE_HEADER_OVERFLOW' ? 'header_overflow' : 'bad_request');
    if (!socket.writable || (error.code === 'ECONNRESET')) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\nx-padda-error: ${error.code ?? 'bad_request'}\r\n\r\n`);
  }
}
