import { z } from 'zod';
import { duration } from '../config/values.ts';

const certificate = z.strictObject({
  names: z.array(z.string().min(1)).default([]).describe('SNI names this certificate answers; `*.example.com` matches one label. Empty: the DNS names in the certificate.'),
  cert: z.string().min(1).describe('PEM certificate file (with its chain).'),
  key: z.string().min(1).describe('PEM private key file.'),
});

/** The `tls:` block of any listener that terminates TLS. Paths only: files are read when the listener is created. */
export const tlsSchema = z.strictObject({
  cert: z.string().min(1).optional().describe('The default certificate (PEM, with its chain); served to clients whose SNI matches nothing else.'),
  key: z.string().min(1).optional().describe('Private key of `cert`.'),
  certificates: z.array(certificate).default([]).describe('More certificates, chosen by SNI.'),
  min_version: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  ciphers: z.string().optional().describe("OpenSSL cipher list for TLS 1.2; Node's default is modern."),
  client_ca: z.string().min(1).optional().describe('PEM CA bundle: ask clients for a certificate and verify it against these.'),
  require_client_cert: z.boolean().default(false).describe('Refuse clients without a valid certificate (needs client_ca).'),
  session_timeout: duration.default(300_000).describe('How long a TLS session can be resumed; session-ticket keys rotate this often.'),
  handshake_timeout: duration.default(10_000).describe('A client must complete the TLS handshake within this.'),
  http2: z.boolean().default(true).describe('Offer HTTP/2 by ALPN (HTTP listeners only).'),
  self_signed: z.boolean().default(false).describe('Make a self-signed certificate for localhost at `cert`/`key` when they are missing or expired (demos, first starts).'),
}).superRefine((value, ctx) => {
  if ((value.cert === undefined) !== (value.key === undefined)) {
    ctx.addIssue({ code: 'custom', path: [value.cert === undefined ? 'cert' : 'key'], message: 'cert and key go together' });
  }
  if (value.cert === undefined && value.certificates.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'needs a certificate: cert and key, or certificates' });
  }
  if (value.require_client_cert && value.client_ca === undefined) {
    ctx.addIssue({ code: 'custom', path: ['require_client_cert'], message: 'require_client_cert needs client_ca to verify against' });
  }
  if (value.self_signed && value.cert === undefined) {
    ctx.addIssue({ code: 'custom', path: ['self_signed'], message: 'self_signed needs cert and key paths to write to' });
  }
}).describe('Terminate TLS: certificates, versions, client certificates, session resumption.');

export type TlsConfig = z.output<typeof tlsSchema>;
