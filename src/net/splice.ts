import net from 'node:net';
import type { Address } from './address.ts';

export interface SpliceEvents {
  /** The upstream failed mid-stream (reset, not a FIN); the client has been cut too. */
  upstreamError?(error: NodeJS.ErrnoException): void;
  /** Both sides were silent for the idle timeout; both have been closed. */
  idle?(): void;
}

/**
 * Joins two connected sockets into one byte stream each way, with stream
 * backpressure. A FIN from either side is passed on as a FIN (half-close), so
 * request/response protocols that shut down writes work. An upstream reset
 * reaches the client as a reset, so a cut stream never looks complete; the
 * two always close together, so neither leaks.
 */
export function splice(client: net.Socket, upstream: net.Socket, idleTimeout: number, events: SpliceEvents = {}): void {
  if (client.destroyed) {
    upstream.destroy();
    return;
  }
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    events.upstreamError?.(error);
    reset(client);
  });
  client.on('error', () => reset(upstream));
  upstream.once('close', () => {
    // The upstream closed both ways; anything still buffered for the client is flushed by end().
    if (!client.writableEnded) client.end();
  });
  client.once('close', () => upstream.destroy());
  if (idleTimeout > 0) {
    client.setTimeout(idleTimeout, () => {
      events.idle?.();
      client.destroy();
      upstream.destroy();
    });
  }
  pump(client, upstream);
  pump(upstream, client);
}

/**
 * What `pipe()` does between two sockets — backpressure, FIN passed on as a
 * FIN — with three listeners instead of pipe's dozen: a connection-per-request
 * load pays for every listener on every connection.
 */
function pump(from: net.Socket, to: net.Socket): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => from.resume());
  from.once('end', () => {
    if (!to.destroyed) to.end();
  });
}

/**
 * Closes with a TCP reset where the socket is plain TCP; a TLS socket can only
 * be destroyed (its TCP handle belongs to the TLS layer), which the peer sees
 * as a close without a TLS close_notify, i.e. a truncated stream.
 */
function reset(socket: net.Socket): void {
  if (socket.destroyed) return;
  if ('encrypted' in socket) socket.destroy();
  else socket.resetAndDestroy();
}

function connectOptions(target: Address): net.NetConnectOpts {
  return target.kind === 'unix' ? { path: target.path } : { host: target.host, port: target.port };
}

/**
 * Opens a connection, failing with ETIMEDOUT if it is not accepted in time.
 * `done` is called exactly once: with the connected socket, or with the error.
 */
export function connectWithTimeout(
  target: Address,
  timeout: number,
  done: (error: NodeJS.ErrnoException | null, socket: net.Socket) => void,
): net.Socket {
  const socket = net.connect({ ...connectOptions(target), allowHalfOpen: true, noDelay: true });
  const timer = setTimeout(() => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), timeout);
  const failed = (error: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    done(error, socket);
  };
  socket.once('error', failed);
  socket.once('connect', () => {
    clearTimeout(timer);
    socket.off('error', failed);
    done(null, socket);
  });
  return socket;
}
