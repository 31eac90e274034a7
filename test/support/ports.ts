import fs from 'node:fs';
import net from 'node:net';

/**
 * Ports for test servers come from below the kernel's ephemeral range: a
 * port the kernel hands out for bind(0) is also one it may hand to the next
 * outgoing connection's local end, and with thousands of client connections
 * per test run, a server would sometimes find its port taken by a client.
 */
const [EPHEMERAL_LOW] = (() => {
  try {
    return fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  } catch {
    return [32768];
  }
})();
const LOW = 10_000;
const HIGH = Math.max(LOW + 1000, (EPHEMERAL_LOW ?? 32768) - 1);

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port on `host` nothing listens on now, picked at random below the ephemeral range. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await canBind(port, host)) return port;
  }
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
    if ((await canBind(port, host)) && !hosts.includes(host)) hosts.push(host);
  }
  return hosts;
}
