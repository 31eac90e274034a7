/**
 * Where did a key land? For tests that write keys through a proxy (padda or
 * twemproxy) and then look on each real backend for who holds them.
 */
import net from 'node:net';
import { Redis } from 'ioredis';

/** Map from key (hex of its bytes, so binary keys compare exactly) to the index of the redis that holds it. */
export async function redisKeyOwners(servers: ReadonlyArray<{ host: string; port: number }>): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  await Promise.all(servers.map(async ({ host, port }, index) => {
    const client = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      for (const key of await client.keysBuffer('*')) owners.set(key.toString('hex'), index);
    } finally {
      client.disconnect();
    }
  }));
  return owners;
}

/**
 * Sends `payload` on one connection and resolves with everything received
 * once `done(received)` says the reply is complete. For pipelined raw
 * protocol exchanges (memcache text protocol, RESP) without a client library.
 */
export function exchange(
  target: { host: string; port: number }, payload: string | Uint8Array, done: (received: string) => boolean,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(target, () => socket.write(payload));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete reply from ${target.host}:${target.port} in ${timeoutMs} ms; got ${received.slice(-200)}`));
    }, timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (done(received)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Which of `keys` a memcached holds (multi-get in chunks; keys must be memcache-legal). */
export async function memcachedHas(target: { host: string; port: number }, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 100) {
    const reply = await exchange(target, `get ${keys.slice(i, i + 100).join(' ')}\r\n`, (r) => r.endsWith('END\r\n'));
    for (const m of reply.matchAll(/^VALUE (\S+) /gm)) found.add(m[1]);
  }
  return found;
}

/** Counts occurrences of `line` in a reply, to wait for N pipelined answers. */
export function countLines(received: string, line: string): number {
  let n = 0;
  for (let at = received.indexOf(line); at >= 0; at = received.indexOf(line, at + line.length)) n++;
  return n;
}
