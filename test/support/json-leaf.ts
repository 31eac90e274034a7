/**
 * Real leaf servers for scatter/gather tests: node:http servers on
 * 127.0.0.1 that answer JSON — or misbehave — as each test scripts them,
 * and record every request they got, including whether the root cancelled
 * it before the answer was sent (its connection closed under it).
 */
import http from 'node:http';
import type net from 'node:net';

export interface LeafRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The requester went away before the answer was sent. */
  aborted: boolean;
  answered: boolean;
}

/** How a leaf answers one request: call `res` as node:http would; return nothing to leave it hanging. */
export type Behaviour = (request: LeafRequest, res: http.ServerResponse) => void;

export interface JsonLeaf {
  port: number;
  url: string;
  requests: LeafRequest[];
  behave(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export const json = (value: unknown, delayMs = 0): Behaviour => (_request, res) => {
  const send = () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (delayMs > 0) setTimeout(send, delayMs);
  else send();
};

export const status = (code: number, body = '{"docs":[]}'): Behaviour => (_request, res) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(body);
};

export const raw = (text: string): Behaviour => (_request, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(text);
};

/** Never answers (the root's deadline or leaf_timeout must end it). */
export const hang: Behaviour = () => {};

/** Resets the connection without an answer. */
export const reset: Behaviour = (_request, res) => {
  res.socket?.resetAndDestroy();
};

/** A chunked answer (no content-length) of `bytes` bytes of a JSON string. */
export const chunkedBytes = (bytes: number): Behaviour => (_request, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"docs":"');
  const chunk = 'x'.repeat(16 * 1024);
  for (let left = bytes; left > 0; left -= chunk.length) res.write(chunk.slice(0, left));
  res.end('"}');
};

export async function startJsonLeaf(behaviour: Behaviour = json({ docs: [] })): Promise<JsonLeaf> {
  const requests: LeafRequest[] = [];
  const sockets = new Set<net.Socket>();
  let current = behaviour;
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const request: LeafRequest = { method: req.method!, url: req.url!, headers: req.headers, body, aborted: false, answered: false };
      requests.push(request);
      res.once('finish', () => (request.answered = true));
      res.once('close', () => {
        if (!request.answered) request.aborted = true;
      });
      current(request, res);
    });
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    behave(next) {
      current = next;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export async function startJsonLeaves(count: number, behaviour?: (index: number) => Behaviour): Promise<JsonLeaf[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startJsonLeaf(behaviour?.(i))));
}
