/**
 * A real HTTP app for proxy tests: a node:http server on 127.0.0.1 whose
 * paths each behave one way (echo what arrived, stall, reset mid-body,
 * stream, speak WebSocket), and which records what reached it, so a test can
 * assert both what the client got and what the upstream saw.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';

export interface Arrival {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  bodySha256: string;
  /** The request body ended normally (false: the client or proxy aborted it). */
  complete: boolean;
}

export interface TestApp {
  port: number;
  arrivals: Arrival[];
  /** Sockets the app has accepted that are still open. */
  openSockets(): number;
  close(): Promise<void>;
}

/** Sends `bytes` of a repeating pattern, respecting backpressure. */
export function streamBytes(res: http.ServerResponse, bytes: number, chunkSize = 64 * 1024): void {
  const chunk = Buffer.alloc(chunkSize, 'padda');
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

export async function startTestApp(): Promise<TestApp> {
  const arrivals: Arrival[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const hash = createHash('sha256');
    let bodyBytes = 0;
    const arrival: Arrival = { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, headers: req.headers, bodyBytes: 0, bodySha256: '', complete: false };
    arrivals.push(arrival);
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      arrival.bodyBytes = bodyBytes;
      arrival.bodySha256 = hash.digest('hex');
      arrival.complete = true;
      respond(req, res, arrival);
    });
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    arrivals.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, headers: req.headers, bodyBytes: 0, bodySha256: '', complete: true });
    if (req.url === '/ws-refused') {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 7\r\n\r\nno ws\r\n');
      return;
    }
    webSocketEcho(req, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    arrivals,
    openSockets: () => sockets.size,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function respond(req: http.IncomingMessage, res: http.ServerResponse, arrival: Arrival): void {
  const url = new URL(req.url!, 'http://app');
  const number = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
  switch (url.pathname) {
    case '/slow':
      // Answers after `ms`; the proxy's response timeout should fire first.
      setTimeout(() => res.end('late\n'), number('ms', 2000));
      return;
    case '/reset-mid-body':
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(10_000, 'a'), () => setTimeout(() => res.socket?.resetAndDestroy(), 50));
      return;
    case '/stall-mid-body':
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(10_000, 'a'));
      return;
    case '/stream':
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(number('bytes', 0)) });
      streamBytes(res, number('bytes', 0));
      return;
    case '/chunked':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
      return;
    case '/hop-by-hop':
      // Hop-by-hop headers, and one that Connection names, must stop at the proxy.
      res.writeHead(200, [
        'Connection', 'keep-alive, X-Internal', 'Keep-Alive', 'timeout=30', 'X-Internal', 'secret',
        'Proxy-Authenticate', 'Basic', 'X-Kept', 'yes', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Length', '3',
      ]);
      res.end('ok\n');
      return;
    case '/trailers':
      // A chunked answer with a trailer section.
      res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-sum' });
      res.write('part one,');
      res.addTrailers({ 'x-sum': '42' });
      res.end('part two');
      return;
    case '/status':
      res.writeHead(number('code', 200), { 'x-status': 'set' });
      res.end();
      return;
    case '/reason':
      res.writeHead(299, 'Custom Reason', { 'content-length': '0' });
      res.end();
      return;
    case '/abort-watch':
      // Streams until the proxy goes away; records that it noticed.
      res.writeHead(200);
      res.write('started');
      res.once('close', () => {
        arrival.url += '#closed';
      });
      return;
    default:
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: arrival.method, url: arrival.url, headers: arrival.headers, rawHeaders: arrival.rawHeaders, bodyBytes: arrival.bodyBytes, bodySha256: arrival.bodySha256 }));
  }
}

/** A minimal RFC 6455 echo: answers the handshake, then echoes text frames until a close frame. */
function webSocketEcho(req: http.IncomingMessage, socket: net.Socket): void {
  const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const opcode = buffered[0]! & 0x0f;
      let length = buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        length = buffered.readUInt16BE(2);
        offset = 4;
      }
      const masked = (buffered[1]! & 0x80) !== 0;
      const total = offset + (masked ? 4 : 0) + length;
      if (buffered.length < total) return;
      const mask = buffered.subarray(offset, offset + 4);
      const payload = Buffer.from(buffered.subarray(offset + (masked ? 4 : 0), total));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buffered = buffered.subarray(total);
      if (opcode === 0x8) {
        socket.end(Buffer.from([0x88, 0x00]));
        return;
      }
      const head = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
      socket.write(Buffer.concat([head, payload]));
    }
  });
  socket.on('error', () => socket.destroy());
}
