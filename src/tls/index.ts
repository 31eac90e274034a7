import { createHash } from 'node:crypto';
import type tls from 'node:tls';
import type { PairSpec } from './certificate-pair.ts';
import { CertificateStore } from './certificate-store.ts';
import type { TlsConfig } from './schema.ts';
import { ensureSelfSigned } from './self-signed-files.ts';
import { TlsTerminator, type TlsContext } from './terminator.ts';

export { TlsTerminator, type TlsContext } from './terminator.ts';
export { tlsSchema, type TlsConfig } from './schema.ts';

/**
 * Builds a listener's TLS termination from its `tls:` block: reads and checks
 * the certificates (throwing, so a config naming unusable files is refused),
 * starts watching their files, and returns the terminator that hands each
 * handshaken socket to `secure`.
 */
export function createTlsTerminator(config: TlsConfig, alpn: string[], secure: (socket: tls.TLSSocket) => void, context: TlsContext): TlsTerminator {
  if (config.self_signed) ensureSelfSigned(config.cert!, config.key!, context.log);
  const specs: PairSpec[] = [];
  if (config.cert !== undefined) specs.push({ cert: config.cert, key: config.key!, names: [] });
  for (const entry of config.certificates) specs.push({ cert: entry.cert, key: entry.key, names: entry.names });
  // OpenSSL counts whole seconds; the ticket rotation and the session-id cache use the same number.
  const sessionSeconds = Math.max(1, Math.round(config.session_timeout / 1000));
  const store = new CertificateStore(specs, {
    minVersion: config.min_version,
    ciphers: config.ciphers,
    sessionTimeout: sessionSeconds,
    // OpenSSL allows at most 32 bytes here.
    sessionIdContext: createHash('sha256').update(`padda:${context.listener}`).digest('hex').slice(0, 32),
    clientCa: config.client_ca ?? null,
  }, context.log, context.registry, context.listener);
  store.start();
  return new TlsTerminator(store, {
    handshakeTimeout: config.handshake_timeout,
    alpn,
    requestCert: config.client_ca !== undefined,
    rejectUnauthorized: config.require_client_cert,
    sessionTimeout: sessionSeconds * 1000,
  }, secure, context);
}
