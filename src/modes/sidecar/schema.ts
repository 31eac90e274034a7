import { z } from 'zod';
import { address } from '../../config/values.ts';
import { parseOriginAddress } from '../../http/upstream/origin-address.ts';
import { httpProxyKeys } from '../../http/options.ts';
import { parseAddress } from '../../net/address.ts';
import { tlsSchema } from '../../tls/schema.ts';

const redirect = z.union([
  address.transform((listen) => ({ listen, https_port: undefined as number | undefined })),
  z.strictObject({
    listen: address,
    https_port: z.number().int().min(1).max(65535).optional().describe("Port in the redirect's Location; default: this listener's port."),
  }),
]).describe('Also listen for plain HTTP here and redirect every request to https:// (308).');

export const sidecarSchema = z.strictObject({
  mode: z.literal('sidecar'),
  listen: address,
  upstream: z.string().describe('protocol http: http://127.0.0.1:8080, host:port or unix:/path.sock; protocol tcp: host:port or a unix socket path.'),
  protocol: z.enum(['http', 'tcp']).default('http').describe('http: reverse proxy; tcp: forward the bytes (TLS in front of any TCP protocol).'),
  tls: tlsSchema.optional(),
  redirect_http: redirect.optional(),
  ...httpProxyKeys,
}).superRefine((value, ctx) => {
  const parsed = value.protocol === 'http' ? parseOriginAddress(value.upstream) : parseAddress(value.upstream);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', path: ['upstream'], message: parsed });
  if (value.redirect_http !== undefined && value.tls === undefined) {
    ctx.addIssue({ code: 'custom', path: ['redirect_http'], message: 'redirect_http redirects to HTTPS, so it needs a tls block' });
  }
  if (value.access_log !== undefined && value.protocol === 'tcp') {
    ctx.addIssue({ code: 'custom', path: ['access_log'], message: 'access_log logs HTTP requests: protocol tcp has none (its connections are in /metrics)' });
  }
}).describe('Reverse proxy for one local app, terminating TLS when a tls block is given (book ch. 2 and 5).');

export type SidecarConfig = z.output<typeof sidecarSchema>;
