import net from 'node:net';
import { X_FORWARDED_FOR, X_FORWARDED_PROTO } from '../protocols/http1/field-names.ts';
import type { HttpRequest } from './message.ts';

/** A CIDR or an address as `trusted_proxies` lists it; a message when it is neither. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | string {
  const [address = '', bits] = text.trim().split('/');
  const version = net.isIP(address);
  if (version === 0) return `"${text}" is not an IP address or CIDR (examples: 10.0.0.0/8, 192.168.1.7, fd00::/8)`;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || !/^\d+$/.test(bits ?? '0')) return `"${text}": the prefix length must be 0-${max}`;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * `trusted_proxies:` — the tiers in front of padda (an edge padda, a cloud
 * load balancer) whose X-Forwarded-For and X-Forwarded-Proto are believed.
 * For a request from a trusted peer, the client is the rightmost address of
 * X-Forwarded-For that is not itself a trusted proxy (nginx's realip module
 * with real_ip_recursive on; Envoy's xff_trusted_cidrs), and the scheme is
 * the last X-Forwarded-Proto. From any other peer both fields are ignored:
 * a client cannot pick the address it is rate-limited or hashed by.
 * The peer stays in `client.peer`, which is what X-Forwarded-For gets appended.
 */
export class TrustedProxies {
  private readonly list = new net.BlockList();

  constructor(cidrs: readonly string[]) {
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      if (typeof cidr === 'string') throw new RangeError(cidr);
      this.list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
  }

  trusts(address: string): boolean {
    const version = net.isIP(address);
    return version !== 0 && this.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }

  /** Replaces the request's client by the one its trusted proxies name, when its peer is one. */
  resolve(request: HttpRequest): void {
    const connection = request.client;
    const peer = connection.address;
    if (!this.trusts(peer)) return;
    let address = peer;
    const forwardedFor = request.header('x-forwarded-for', X_FORWARDED_FOR);
    if (forwardedFor !== undefined) {
      const hops = forwardedFor.split(',');
      for (let i = hops.length - 1; i >= 0; i--) {
        let hop = hops[i]!.trim();
        if (hop.startsWith('::ffff:') && hop.includes('.')) hop = hop.slice(7);
        if (net.isIP(hop) === 0) break;
        address = hop;
        if (!this.trusts(hop)) break;
      }
    }
    const forwardedProto = request.header('x-forwarded-proto', X_FORWARDED_PROTO);
    let scheme = connection.scheme;
    if (forwardedProto !== undefined) {
      const last = forwardedProto.slice(forwardedProto.lastIndexOf(',') + 1).trim().toLowerCase();
      if (last === 'http' || last === 'https') scheme = last;
    }
    // The peer's certificate is the proxy's, not the client's: it is not forwarded as the client's.
    request.client = { address, scheme, certificate: null, peer };
  }
}
