import net from 'node:net';
import { formatAddress, type Address } from '../net/address.ts';

/**
 * Whether anything listens on a TCP address, found by binding it exclusively
 * for a moment: `workers: N` binds with SO_REUSEPORT, which the kernel lets
 * any process of the same user join, so only a bind without it tells "free"
 * from "held by another padda". Resolves null when free, else why not.
 */
export function probePort(address: Address): Promise<string | null> {
  if (address.kind !== 'tcp') return Promise.resolve(null);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(`cannot listen on ${formatAddress(address)}: ${error.code ?? error.message}`));
    server.listen({ host: address.host, port: address.port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}
