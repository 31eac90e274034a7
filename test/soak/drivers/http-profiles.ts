/**
 * The HTTP modes' traffic: which paths each loop asks for, which backend
 * groups a request depends on, and what a right answer is.
 */
import { expectStatus, type Answer, type HttpProfile } from './http.ts';

const URIS = Array.from({ length: 200 }, (_, i) => `/page/${i}?v=${i % 7}`);

export function sidecarProfile(port: number): HttpProfile {
  return {
    mode: 'sidecar',
    port,
    tls: true,
    next: (loop, random) => ({ path: `/app/${loop}`, post: random() < 0.2, headers: {}, groups: ['app'] }),
    check: (_loop, answer) => expectBody(answer, 'app'),
  };
}

/** `shardOf` places URIs the way the listener does (`padda route`). */
export function shardProfile(port: number, shardOf: (uris: string[]) => Map<string, string>): HttpProfile {
  const placed = shardOf(URIS);
  const expected = new Map<number, string>();
  return {
    mode: 'shards',
    port,
    tls: false,
    next: (loop, random) => {
      const path = URIS[Math.floor(random() * URIS.length)]!;
      const shard = placed.get(path)!;
      expected.set(loop, shard);
      return { path, post: random() < 0.1, headers: {}, groups: [shard] };
    },
    check: (loop, answer) => expectBody(answer, expected.get(loop)!),
  };
}

/**
 * Each loop is one user: its first request has no cookie, then it sends back
 * the one padda set. The answer must come from the cookie's variant (a
 * reload that moves the user's bucket rewrites the cookie: follow it).
 */
export function splitProfile(port: number): HttpProfile {
  const cookies = new Map<number, string>();
  return {
    mode: 'split',
    port,
    tls: false,
    next: (loop, random) => {
      const cookie = cookies.get(loop);
      return {
        path: `/split/${Math.floor(random() * 100)}`,
        post: random() < 0.2,
        headers: (cookie === undefined ? {} : { cookie }) as Record<string, string>,
        groups: cookie === undefined ? ['web', 'experiment'] : [variantOf(cookie)],
      };
    },
    check: (loop, answer) => {
      expectStatus(answer);
      const set = answer.headers['set-cookie'];
      const fresh = (Array.isArray(set) ? set : set === undefined ? [] : [set]).find((c) => c.startsWith('padda-variant='));
      if (fresh !== undefined) cookies.set(loop, fresh.split(';')[0]!);
      const cookie = cookies.get(loop);
      if (cookie === undefined) throw new Error('no padda-variant cookie on a first answer');
      expectBody(answer, variantOf(cookie));
    },
  };
}

function variantOf(cookie: string): string {
  return cookie.slice('padda-variant='.length).split('.')[0]!;
}

export function searchProfile(port: number): HttpProfile {
  return {
    mode: 'search',
    port,
    tls: false,
    next: (_loop, random) => ({ path: `/search?q=${Math.floor(random() * 1000)}`, post: false, headers: {}, groups: ['leaf-0', 'leaf-1', 'leaf-2'] }),
    check: (_loop, answer) => {
      expectStatus(answer);
      const ids = (JSON.parse(answer.body) as { docs: Array<{ id: number }> }).docs.map((d) => d.id).sort();
      if (ids.join() !== '0,1,2') throw new Error(`merged ${answer.body}`);
    },
  };
}

export function tcpProfile(port: number): HttpProfile {
  return {
    mode: 'tcp',
    port,
    tls: false,
    next: (loop) => ({ path: `/tcp/${loop}`, post: false, headers: {}, groups: ['tcp'] }),
    check: (_loop, answer) => {
      expectStatus(answer);
      if (answer.body !== 'tcp-0' && answer.body !== 'tcp-1') throw new Error(`answered ${answer.body}`);
    },
  };
}

function expectBody(answer: Answer, body: string): void {
  expectStatus(answer);
  if (answer.body !== body) throw new Error(`answered ${JSON.stringify(answer.body.slice(0, 80))}, expected ${body}`);
}
