import type { IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';

export interface Sent {
  path: string;
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  body?: string;
}

export interface Got {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

/**
 * Sends every request to 127.0.0.1:port over `connections` keep-alive
 * connections (undici), at most `connections` in flight, and returns each
 * answer in request order: for tests that push tens of thousands of real
 * requests and then look at where each one went.
 */
export async function sendAll(port: number, requests: readonly Sent[], connections = 8): Promise<Got[]> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections });
  try {
    const answers = new Array<Got>(requests.length);
    let next = 0;
    await Promise.all(Array.from({ length: connections }, async () => {
      while (next < requests.length) {
        const i = next++;
        const r = requests[i]!;
        const res = await pool.request({ path: r.path, method: r.method ?? 'GET', headers: r.headers, body: r.body });
        answers[i] = { status: res.statusCode, body: await res.body.text(), headers: res.headers };
      }
    }));
    return answers;
  } finally {
    await pool.close();
  }
}

/** Upstreams that answer every request with their own name: nginx `return 200 NAME`, cheap enough for 100k requests. */
export function namedBackends(named: ReadonlyArray<readonly [name: string, port: number]>): string {
  return named.map(([name, port]) => `server { listen 127.0.0.1:${port}; keepalive_requests 1000000; return 200 "${name}"; }`).join('\n');
}
