/**
 * A raw conversation with a real server (memcached or redis-server, started
 * with test/support/servers.ts): the bytes it sends back to scripted input,
 * and whether it closed, for differential tests against padda's scanners.
 */
import net from 'node:net';

/** A part that waits until the server has sent this many bytes in all (a pause that does not depend on the machine's load). */
export interface AwaitReply {
  awaitBytes: number;
}

/** A part that waits until the server has closed the connection, or `awaitCloseMs` passed (then sending goes on). */
export interface AwaitClose {
  awaitCloseMs: number;
}

export type ExchangePart = Buffer | string | number | AwaitReply | AwaitClose;

export interface Exchange {
  /** Everything the server sent before it closed or went quiet. */
  reply: Buffer;
  closed: boolean;
}

/**
 * How long silence before the first reply byte means "no reply": longer than
 * quietMs, since a server on a loaded machine can take more than 60 ms to
 * answer at all, and an empty reply taken for silence fails a differential
 * test for nothing (seen with several suites running at once).
 */
const FIRST_REPLY_MS = 500;

/** How long an AwaitReply part waits before sending on regardless (the reply assertion then shows what was missing). */
const AWAIT_REPLY_MS = 10_000;

/**
 * Sends `parts` over a fresh connection (a number pauses that many ms, an
 * AwaitReply waits for the reply bytes) and collects the reply until the
 * server closes or sends nothing for `quietMs` (FIRST_REPLY_MS while it has
 * sent nothing at all).
 */
export function exchange(port: number, parts: readonly ExchangePart[], quietMs = 60): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closed = false;
    let sending = true;
    let timer: NodeJS.Timeout | undefined;
    let receivedBytes = 0;
    let arrived = () => {};
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(received), closed });
    };
    // Quiet only counts once everything is sent: a pause between parts is not the end.
    const idle = () => {
      clearTimeout(timer);
      if (!sending) timer = setTimeout(finish, received.length === 0 ? Math.max(quietMs, FIRST_REPLY_MS) : quietMs);
    };
    socket.on('data', (chunk) => {
      received.push(chunk);
      receivedBytes += chunk.length;
      arrived();
      idle();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') closed = true;
      else reject(error);
    });
    socket.on('connect', async () => {
      for (const part of parts) {
        if (typeof part === 'number') await new Promise((r) => setTimeout(r, part));
        else if (typeof part === 'object' && 'awaitBytes' in part) {
          const deadline = Date.now() + AWAIT_REPLY_MS;
          while (receivedBytes < part.awaitBytes && !closed && Date.now() < deadline) {
            await new Promise<void>((resolve) => {
              arrived = resolve;
              setTimeout(resolve, 50);
            });
          }
        } else if (typeof part === 'object' && 'awaitCloseMs' in part) {
          const deadline = Date.now() + part.awaitCloseMs;
          while (!closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
        } else if (!socket.destroyed) socket.write(part);
      }
      sending = false;
      idle();
    });
  });
}
