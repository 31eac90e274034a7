import net from 'node:net';

/** Asks the kernel for a free TCP port on 127.0.0.1; tests bind it right after. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}

/**
 * Loopback addresses (127.x.y.z) where `port` is free, so tests can run
 * servers on fixed ports like memcached's 11211 — which twemproxy names
 * servers by differently — without colliding with anything on 127.0.0.1.
 */
export async function freeLoopbackHosts(count: number, port: number): Promise<string[]> {
  const hosts: string[] = [];
  while (hosts.length < count) {
    const host = `127.${10 + Math.floor(Math.random() * 240)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false));
      server.listen({ host, port }, () => server.close(() => resolve(true)));
    });
    if (free && !hosts.includes(host)) hosts.push(host);
  }
  return hosts;
}
