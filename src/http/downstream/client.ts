import type net from 'node:net';
import type tls from 'node:tls';
import type { ClientConnection } from '../message.ts';

/** What a client connection is, from its socket (the TLS socket for HTTPS): worked out once, when it connects. */
export function describeClient(socket: net.Socket): ClientConnection {
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
