import dns from 'node:dns/promises';
import net from 'node:net';
import type { Logger } from '../../log.ts';
import type { Replica } from './replica.ts';

/** Resolves a host name to its addresses, sorted; injectable so tests can play DNS. */
export type Resolve = (host: string) => Promise<string[]>;

export const systemResolve: Resolve = async (host) =>
  (await dns.lookup(host, { all: true })).map((entry) => entry.address).sort();

/** The host name of a replica's address, or null for an IP literal or a unix socket (nothing to resolve). */
export function resolvableHost(replica: Replica): string | null {
  if (replica.address.socketPath) return null;
  const host = new URL(replica.address.url).hostname.replace(/^\[|\]$/g, '');
  return net.isIP(host) === 0 ? host : null;
}

/**
 * Re-resolves a replica's host name every `interval`, as StatefulSet pods
 * keep their names but not their IPs. When the addresses change the replica
 * gets a fresh pool (new connections resolve the new address) and the old
 * one closes after its requests. A failed lookup keeps what works.
 */
export class AddressRefresh {
  private readonly replica: Replica;
  private readonly host: string;
  private readonly interval: number;
  private readonly resolve: Resolve;
  private readonly log: Logger;
  private known: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(replica: Replica, host: string, interval: number, resolve: Resolve, log: Logger) {
    this.replica = replica;
    this.host = host;
    this.interval = interval;
    this.resolve = resolve;
    this.log = log;
  }

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async refresh(): Promise<void> {
    let addresses: string;
    try {
      addresses = (await this.resolve(this.host)).join(',');
    } catch (error) {
      this.log.warn({ replica: this.replica.label, host: this.host, err: (error as Error).message }, 'replica host did not resolve; keeping its connections');
      return;
    }
    if (this.timer === null) return;
    if (this.known !== null && addresses !== this.known) {
      this.log.info({ replica: this.replica.label, host: this.host, was: this.known, now: addresses }, 'replica address changed; reconnecting');
      this.replica.renew();
    }
    this.known = addresses;
  }
}
