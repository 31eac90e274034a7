/**
 * Clients that misbehave beside the steady load: ones that send a request
 * a byte a second (slowloris heads, slow bodies, commands cut mid-way), ones
 * that send garbage and protocol-breaking input, and bursts of idle
 * connections. None of them is counted as traffic; what matters is that
 * the steady clients never notice them and padda lets go of them.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { ListenerName } from './topology.ts';

/** Inputs each listener's protocol must refuse cleanly (an error answer, then close). */
const HOSTILE: Record<ListenerName, string[]> = {
  redis: ['*1\r\n$-5\r\n', '*99999999999\r\n', '*2\r\n$3\r\nGET\r\n$3\r\nabcdef\r\n', '"unbalanced\r\n', '*3\r\n$7\r\nMIGRATE\r\n'],
  memcache: [`get ${'k'.repeat(300)}\r\n`, 'set k 0 0 -1\r\n', 'set k 0 0 5\r\nabcdefgh\r\n', `mg ${'x'.repeat(6000)}\r\n`, '\x00\x01\x02garbage\r\n'],
  sidecar: ['GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 'GET /\x00 HTTP/1.1\r\n\r\n', `GET / HTTP/1.1\r\nHost: a\r\nX: ${'y'.repeat(70_000)}\r\n\r\n`],
  shards: ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'GET / HTTP/1.1\r\nHost: a\r\n Folded: x\r\n\r\n', 'CONNECT evil:443 HTTP/1.1\r\nHost: evil\r\n\r\n'],
  split: ['GET / HTTP/1.1\r\nHost: a\r\nCookie: padda-variant=\x7f\x7f\r\n\r\n', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 'GET http://elsewhere/ HTTP/1.1\r\nHost: elsewhere\r\n\r\n'],
  search: ['GET /search?q=%ff%fe HTTP/1.1\r\nHost: a\r\n\r\n', 'DELETE / HTTP/1.1\r\nHost: a\r\n\r\n', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
  tcp: ['\x16\x03\x01garbage', 'GET / HTTP/1.1\r\n'],
};

/** The start of a request each protocol will wait for the rest of. */
const TRICKLE: Record<ListenerName, string> = {
  redis: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\n' + 'v'.repeat(100) + '\r\n',
  memcache: 'set slow 0 0 100\r\n' + 'v'.repeat(100) + '\r\n',
  sidecar: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n' + 'b'.repeat(100),
  shards: 'GET /slowloris HTTP/1.1\r\nHost: a\r\nX-Slow: ' + 'z'.repeat(100),
  split: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n' + 'b'.repeat(100),
  search: 'GET /search?q=1 HTTP/1.1\r\nHost: a\r\nX-Slow: ' + 'z'.repeat(100),
  tcp: 'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ' + 'z'.repeat(100),
};

function connect(name: ListenerName, port: number): net.Socket {
  const socket = name === 'sidecar' ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.on('data', () => {});
  return socket;
}

export interface HostileTally {
  opened: number;
  /** Connections padda closed before the soak gave up on them. */
  closedByPadda: number;
}

/** Sends each hostile input on its own connection; the connection is dropped after `holdMs` if padda kept it. */
export function sendHostile(name: ListenerName, port: number, holdMs: number, tally: HostileTally): void {
  for (const input of HOSTILE[name]) {
    const socket = connect(name, port);
    tally.opened++;
    socket.once('connect', () => socket.write(input));
    socket.once('secureConnect', () => socket.write(input));
    release(socket, holdMs, tally);
  }
}

/** `count` connections that send a request one byte a second for up to `holdMs`. */
export function trickle(name: ListenerName, port: number, count: number, holdMs: number, tally: HostileTally): void {
  for (let i = 0; i < count; i++) {
    const socket = connect(name, port);
    tally.opened++;
    let at = 0;
    const drip = setInterval(() => {
      if (socket.destroyed || at >= TRICKLE[name].length) return clearInterval(drip);
      socket.write(TRICKLE[name][at++]!);
    }, 1000);
    socket.once('close', () => clearInterval(drip));
    release(socket, holdMs, tally);
  }
}

/** `count` connections that connect and say nothing. */
export function idle(name: ListenerName, port: number, count: number, holdMs: number, tally: HostileTally): void {
  for (let i = 0; i < count; i++) {
    tally.opened++;
    release(connect(name, port), holdMs, tally);
  }
}

function release(socket: net.Socket, holdMs: number, tally: HostileTally): void {
  let ours = false;
  const timer = setTimeout(() => {
    ours = true;
    socket.destroy();
  }, holdMs);
  socket.once('close', () => {
    clearTimeout(timer);
    if (!ours) tally.closedByPadda++;
  });
}
