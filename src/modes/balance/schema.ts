import { z } from 'zod';
import { address, duration } from '../../config/values.ts';
import { httpProxyKeys } from '../../http/options.ts';
import { keyTemplateSchema as keyTemplate } from '../../http/request-key/key-schema.ts';
import { checkPoolEjection, checkReplicas, replicaSetKeys } from '../../http/upstream/replica-options.ts';

export const BALANCE_POLICIES = ['least_request', 'round_robin', 'ring_hash'] as const;

// Normalized after the union, not in a branch, so a bad URL gets its own message (see shard-router/schema.ts).
const replica = z.union([
  z.string(),
  z.strictObject({
    address: z.string().describe('http://host:port, host:port or unix:/path.sock.'),
    weight: z.number().int().min(1).max(1000).default(1).describe('Share of requests (or of keys, for ring_hash), relative to the other replicas (nginx `weight=`).'),
  }),
]).transform((r) => (typeof r === 'string' ? { address: r, weight: 1 } : r));

const slowStart = z.strictObject({
  window: duration.refine((ms) => ms > 0, 'must be above 0').describe('How long a replica that (re)joins takes to reach its full weight.'),
  min_weight_percent: z.number().min(1).max(100).default(10).describe('The share of its weight it starts from (Envoy\'s default: 10).'),
});

export const balanceSchema = z.strictObject({
  mode: z.literal('balance'),
  listen: address,
  policy: z.enum(BALANCE_POLICIES).default('least_request')
    .describe('least_request: the less busy of two random replicas (weighted); round_robin: nginx\'s smooth weighted round robin; ring_hash: the replica that owns the request\'s key on a consistent-hash ring.'),
  key: keyTemplate.default('$remote_addr')
    .describe('ring_hash only: what gives a client its replica, nginx-style variables and literals, e.g. $remote_addr, $cookie_session, $http_x_user.'),
  slow_start: z.union([duration.transform((window) => ({ window, min_weight_percent: 10 })), slowStart]).optional()
    .describe('A replica back from ejection or failed health checks ramps up from a tenth of its weight to all of it over this window (round_robin and least_request).'),
  replicas: z.array(replica).min(1, 'needs at least one replica').max(1000)
    .describe('The interchangeable replicas of the service: an address, or {address, weight}.'),
  ...httpProxyKeys,
  ...replicaSetKeys,
}).superRefine((value, ctx) => {
  checkReplicas(value.replicas.map((r) => r.address), (j) => ['replicas', j], ctx);
  const seen = new Set<string>();
  value.replicas.forEach((r, i) => {
    if (seen.has(r.address.trim())) ctx.addIssue({ code: 'custom', path: ['replicas', i], message: `${r.address} is listed twice (give it a weight instead)` });
    seen.add(r.address.trim());
  });
  if (value.slow_start !== undefined && value.policy === 'ring_hash') {
    ctx.addIssue({ code: 'custom', path: ['slow_start'], message: 'ring_hash places keys, not shares of requests: slow start does not apply' });
  }
  checkPoolEjection(value.pool, 'balanced', ctx);
}).describe('Load balancer over the interchangeable replicas of one service (book ch. 5).');

export type BalanceConfig = z.output<typeof balanceSchema>;
export type SlowStartConfig = NonNullable<BalanceConfig['slow_start']>;
