/** Real clients for HTTP tests: raw sockets for malformed input, and the curl command. */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';

export interface RawOptions {
  host?: string;
  /** Resolve with what arrived if the server stays silent this long (ms). */
  idleMs?: number;
  tls?: tls.ConnectionOptions;
  /** Half-close after writing, as a client that gives up mid-request does. */
  end?: boolean;
}

/**
 * Writes `request` as is and returns everything received until the server
 * closes, resets, or stays idle for `idleMs`: for input no client library
 * would send (smuggling, oversized or broken framing).
 */
export function rawExchange(port: number, request: string | Buffer, options: RawOptions = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const host = options.host ?? '127.0.0.1';
    const socket: net.Socket = options.tls
      ? tls.connect({ host, port, ...options.tls })
      : net.connect({ host, port });
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = () => resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    socket.setTimeout(options.idleMs ?? 2000, () => {
      socket.destroy();
    });
    socket.once(options.tls ? 'secureConnect' : 'connect', () => (options.end ? socket.end(request) : socket.write(request)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => {
      closed = true;
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') closed = true;
      else if (chunks.length === 0) reject(error);
    });
    socket.once('close', finish);
  });
}

export interface CurlResult {
  /** curl's exit code: 0, or e.g. 18 (partial transfer), 35 (TLS handshake), 56 (receive failure). */
  code: number;
  stdout: string;
  stderr: string;
}

export function curl(args: string[], timeoutMs = 20_000): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('curl', ['--silent', '--show-error', ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses `curl -i` (or a raw HTTP/1.1 answer): status, lower-cased headers, body. */
export function parseResponse(text: string): { status: number; headers: Record<string, string>; body: string } {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: split < 0 ? '' : text.slice(split + 4) };
}

/** Reads `body` to its end no faster than `bytesPerSecond`, as a slow client would; returns the bytes read. */
export async function readSlowly(body: AsyncIterable<Buffer>, bytesPerSecond: number): Promise<number> {
  let bytes = 0;
  const started = performance.now();
  for await (const chunk of body) {
    bytes += chunk.length;
    const ahead = (bytes / bytesPerSecond) * 1000 - (performance.now() - started);
    if (ahead > 5) await sleep(ahead);
  }
  return bytes;
}
