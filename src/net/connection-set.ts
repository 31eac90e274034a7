import type net from 'node:net';
import type { ListenerMetrics } from '../metrics/listener-metrics.ts';
import { SlotList } from './slot-list.ts';

const kSet = Symbol('padda.connectionSet');
const kClosed = Symbol('padda.connectionClosed');
type Member = net.Socket & { [kSet]?: ConnectionSet; [kClosed]?: (() => void) | undefined };

/**
 * The client connections a handler owns: counted into the listener's
 * metrics as they open and close, waited for by a drain, and cut all at once
 * when the drain deadline passes. One shared 'close' listener finds its set
 * through the socket: ten thousand idle connections hold no closure each.
 */
export class ConnectionSet {
  private readonly sockets = new SlotList<net.Socket>();
  private readonly metrics: ListenerMetrics;
  private emptied: (() => void) | null = null;

  constructor(metrics: ListenerMetrics) {
    this.metrics = metrics;
  }

  /** `closed` runs after the bookkeeping, for per-connection numbers such as its lifetime. */
  add(socket: net.Socket, closed?: () => void): void {
    const metrics = this.metrics;
    this.sockets.add(socket);
    metrics.connections.value++;
    metrics.activeConnections.value++;
    const member = socket as Member;
    member[kSet] = this;
    if (closed !== undefined) member[kClosed] = closed;
    // on, not once: 'close' comes once anyway, and once() would wrap the listener anew for every connection.
    socket.on('close', onClose);
  }

  get size(): number {
    return this.sockets.size;
  }

  /** Resolves once every connection has closed. */
  empty(): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.emptied = resolve;
    });
  }

  destroyAll(): void {
    for (const socket of this.sockets.snapshot()) socket.destroy();
  }

  /** A member socket closed. */
  removed(socket: net.Socket): void {
    const metrics = this.metrics;
    this.sockets.delete(socket);
    metrics.activeConnections.value--;
    metrics.receivedBytes.value += socket.bytesRead;
    metrics.sentBytes.value += socket.bytesWritten;
    (socket as Member)[kClosed]?.();
    if (this.emptied !== null && this.sockets.size === 0) this.emptied();
  }
}

function onClose(this: Member): void {
  this[kSet]!.removed(this);
}
