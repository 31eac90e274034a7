import type net from 'node:net';
import type tls from 'node:tls';
import type { ProxiedRequest } from './request-head.ts';

/** What padda knows about a client connection, worked out once per connection, not per request. */
export interface ClientConnection {
  /** The peer's IP, with an IPv4-mapped IPv6 prefix removed (`::ffff:10.0.0.1` → `10.0.0.1`). */
  address: string;
  scheme: 'http' | 'https';
  /** The verified client certificate as an x-forwarded-client-cert element, or null. */
  certificate: string | null;
}

const kConnection = Symbol('padda.clientConnection');
type TaggedSocket = net.Socket & { [kConnection]?: ClientConnection };
type TaggedRequest = ProxiedRequest & { [kConnection]?: ClientConnection };

/** The transport socket under a request: the TLS or TCP socket for HTTP/1, the session's socket for HTTP/2. */
function transportOf(request: ProxiedRequest): net.Socket {
  return 'stream' in request ? (request.stream.session!.socket as net.Socket) : request.socket;
}

/**
 * The request keeps what it was first given: node:http sets `request.socket`
 * to null once a body has been read to its end, long before the answer that
 * still needs the scheme (a splitter's cookie) arrives. The first call, when
 * the request head is built, always finds the socket.
 */
export function clientConnection(request: ProxiedRequest): ClientConnection {
  const tagged = request as TaggedRequest;
  const known = tagged[kConnection];
  if (known !== undefined) return known;
  const socket = transportOf(request) as TaggedSocket;
  return (tagged[kConnection] = socket[kConnection] ??= describe(socket));
}

function describe(socket: net.Socket): ClientConnection {
  const raw = socket.remoteAddress ?? '';
  const address = raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
  if (!('encrypted' in socket)) return { address, scheme: 'http', certificate: null };
  return { address, scheme: 'https', certificate: forwardedClientCert(socket as tls.TLSSocket) };
}

/**
 * Envoy's x-forwarded-client-cert element for a certificate the handshake
 * verified: `Hash=<sha256>;Subject="…";URI=…;DNS=…`. An unverified certificate
 * (client certs requested but optional) is not forwarded: the upstream must be
 * able to trust whatever identity arrives in this header.
 */
function forwardedClientCert(socket: tls.TLSSocket): string | null {
  if (!socket.authorized) return null;
  const peer = socket.getPeerX509Certificate();
  if (!peer) return null;
  const parts = [`Hash=${peer.fingerprint256.replaceAll(':', '').toLowerCase()}`, `Subject="${peer.subject.replaceAll('\n', ',').replaceAll('"', '\\"')}"`];
  const altNames = (peer.subjectAltName ?? '').split(', ');
  // Envoy's order: URI (a SPIFFE identity, typically) before DNS names.
  for (const entry of altNames) if (entry.startsWith('URI:')) parts.push(`URI=${entry.slice(4)}`);
  for (const entry of altNames) if (entry.startsWith('DNS:')) parts.push(`DNS=${entry.slice(4)}`);
  return parts.join(';');
}
