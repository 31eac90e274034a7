import { z } from 'zod';
import { address, byteSize, duration } from '../../config/values.ts';
import { httpProxyKeys } from '../../http/options.ts';
import { parseOriginAddress } from '../../http/upstream/origin-address.ts';
import { checkPoolEjection, checkReplicas, replicaSetKeys } from '../../http/upstream/replica-options.ts';

const variant = z.strictObject({
  // It goes into a cookie value and metric labels: keep it to a token.
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (it goes into a cookie and metric labels)'),
  upstream: z.string().optional().describe('One replica: http://host:port, host:port or unix:/path.sock.'),
  replicas: z.array(z.string()).min(1).optional().describe('Several replicas, balanced by power-of-two-choices least-in-flight.'),
  weight: z.number().min(0).max(1_000_000).default(1)
    .describe('Share of users, relative to the other variants; 0 takes no users (a mirror-only target).'),
}).transform((v, ctx) => {
  if ((v.upstream === undefined) === (v.replicas === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give a variant either upstream or replicas' });
    return z.NEVER;
  }
  return { name: v.name, replicas: v.replicas ?? [v.upstream!], weight: v.weight };
});

const sticky = z.strictObject({
  by: z.enum(['cookie', 'header', 'ip', 'none']).default('cookie')
    .describe('What keeps a user on one variant: a cookie padda sets, a header the client sends (a user id), the client IP, or nothing.'),
  name: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a cookie or header name token').optional()
    .describe('The cookie (default padda-variant) or header (required for by: header) name.'),
  max_age: duration.default(30 * 24 * 3600 * 1000).describe('Lifetime of the cookie padda sets.'),
}).superRefine((s, ctx) => {
  if (s.by === 'header' && s.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: 'by: header needs the header name' });
}).transform((s) => ({ ...s, name: s.name ?? (s.by === 'cookie' ? 'padda-variant' : '') }));

const mirror = z.strictObject({
  to: z.string().describe('A variant name, or an upstream (http://host:port) that gets the copies.'),
  fraction: z.number().min(0).max(1).default(1).describe('Share of requests copied, chosen by a hash of $request_uri (every replica copies the same ones).'),
  compare: z.boolean().default(false).describe('Compare status and body digest of each copied request with the answer the client got.'),
  max_concurrency: z.number().int().min(1).default(64).describe('Copies in flight at most; more are dropped, never queued.'),
  max_body: byteSize.default(64 * 1024).describe('Requests with a larger body are not copied (a copy holds its body in memory).'),
  timeout: duration.default(10_000).describe('A copy not answered in full within this is abandoned.'),
  shadow_host: z.boolean().default(false).describe('Send copies with "-shadow" appended to the Host, as Envoy does, so the target can tell them apart.'),
  differences: z.number().int().min(0).max(1000).default(10).describe('How many differing requests /stats shows.'),
});

export const splitSchema = z.strictObject({
  mode: z.literal('split'),
  listen: address,
  sticky: sticky.prefault({}),
  variants: z.array(variant).min(1, 'needs at least one variant').max(100),
  mirror: mirror.optional(),
  ...httpProxyKeys,
  ...replicaSetKeys,
}).superRefine((value, ctx) => {
  const names = new Set<string>();
  value.variants.forEach((v, i) => {
    if (names.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: `two variants are named "${v.name}"` });
    names.add(v.name);
    checkReplicas(v.replicas, (j) => (v.replicas.length > 1 ? ['variants', i, 'replicas', j] : ['variants', i, 'upstream']), ctx);
  });
  if (!value.variants.some((v) => v.weight > 0)) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'at least one variant needs a weight above 0' });
  const to = value.mirror?.to;
  if (to !== undefined && !names.has(to)) {
    const parsed = parseOriginAddress(to);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', path: ['mirror', 'to'], message: `not a variant name (${[...names].join(', ')}), and ${parsed}` });
  }
  checkPoolEjection(value.pool, 'variant', ctx);
}).describe('Weighted experiment splitter with sticky users and shadow traffic with answer comparison (book ch. 3).');

export type SplitConfig = z.output<typeof splitSchema>;
export type MirrorConfig = NonNullable<SplitConfig['mirror']>;
