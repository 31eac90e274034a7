import { z } from 'zod';
import { address } from '../../config/values.ts';
import { HASH_NAMES } from '../../hash/index.ts';
import { httpProxyKeys } from '../../http/options.ts';
import { authorityAsWritten } from '../../http/upstream/origin-address.ts';
import { checkPoolEjection, checkReplicas, replicaSetKeys } from '../../http/upstream/replica-options.ts';
import { keyTemplateSchema as keyTemplate } from '../../http/request-key/key-schema.ts';

const SHARD_DISTRIBUTIONS = ['ketama_nginx', 'ketama', 'maglev', 'jump', 'rendezvous'] as const;

const shardObject = z.strictObject({
  name: z.string().min(1).optional().describe('Places the shard on the ring; needed when it has several replicas. Default: the one replica\'s host:port.'),
  replicas: z.array(z.string()).min(1, 'a shard needs at least one replica').describe('http://host:port, host:port or unix:/path.sock of each replica.'),
  weight: z.number().int().min(1).max(100_000).default(1).describe('Share of keys, relative to the other shards (nginx `weight=`).'),
});

// Normalized after the union, not in a branch: a branch with a transform is aborted by any issue, and a
// union whose branches all aborted reports only "Invalid input" — not which replica, or that a name is missing.
const shard = z.union([
  z.string(),
  shardObject.refine((s) => s.name !== undefined || s.replicas.length === 1, 'a shard with several replicas needs a name (it places the shard on the ring)'),
]).transform((s) => (typeof s === 'string'
  ? { name: authorityAsWritten(s), replicas: [s], weight: 1 }
  : { name: s.name ?? authorityAsWritten(s.replicas[0]!), replicas: s.replicas, weight: s.weight }));

export const shardRouterSchema = z.strictObject({
  mode: z.literal('shard-router'),
  listen: address,
  key: keyTemplate.default('$request_uri').describe('What places a request: nginx-style variables and literals, e.g. $request_uri, $cookie_user, $http_x_tenant$uri.'),
  key_fallback: keyTemplate.default('$request_uri')
    .describe('The key used when a variable of `key` is absent (no such header, cookie or argument); "" hashes the empty key, as nginx does.'),
  distribution: z.enum(SHARD_DISTRIBUTIONS).default('ketama_nginx').describe('ketama_nginx places keys exactly as nginx `hash $key consistent`.'),
  hash: z.enum(HASH_NAMES).optional().describe('Key hash; default crc32a for ketama_nginx (nginx\'s), xxh32 otherwise.'),
  balance_factor: z.number().gt(1).max(100).optional()
    .describe('Bounded loads: a shard takes a request only while its in-flight count stays within this factor of the mean; a hot key spills to the next shards.'),
  on_shard_down: z.enum(['next', 'fail']).default('next')
    .describe('When every replica of a shard is down: next = its keys go to the next shard on the ring; fail = 503.'),
  shard_header: z.boolean().default(false).describe('Add x-padda-shard: <shard name> to answers, for debugging.'),
  shards: z.array(shard).min(1, 'needs at least one shard'),
  ...httpProxyKeys,
  ...replicaSetKeys,
}).superRefine((value, ctx) => {
  const names = new Set<string>();
  value.shards.forEach((s, i) => {
    if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['shards', i], message: `two shards are named "${s.name}"` });
    names.add(s.name);
    checkReplicas(s.replicas, (j) => ['shards', i, 'replicas', j], ctx);
  });
  checkPoolEjection(value.pool, 'shard', ctx);
}).describe('Consistent-hash HTTP shard router: each request goes to the shard that owns its key (book ch. 6).');

export type ShardRouterConfig = z.output<typeof shardRouterSchema>;
