import { z } from 'zod';
import { address, duration } from '../config/values.ts';
import { HASH_NAMES } from '../hash/index.ts';
import { duplicateServerName } from './server-name.ts';
import { parseServerSpec, type ServerSpec } from './server-spec.ts';

/** Distributions a sharding pool can use: twemproxy's three, and padda's own. */
export const POOL_DISTRIBUTIONS = ['ketama', 'modula', 'random', 'maglev', 'jump', 'rendezvous'] as const;

const server = z.string().transform((text, ctx) => {
  const parsed = parseServerSpec(text);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

/**
 * twemproxy's pool keys, with twemproxy's meaning and defaults (nc_conf.h),
 * so a pool from a nutcracker.yml validates unchanged. Shared by the redis
 * and memcache modes; each adds its own keys.
 */
export const twemproxyPoolKeys = {
  listen: address.describe('host:port or a unix socket path (twemproxy: "/path 0666" sets permissions).'),
  hash: z.enum(HASH_NAMES).default('fnv1a_64').describe('Key hash; twemproxy default fnv1a_64.'),
  hash_tag: z
    .string()
    .length(2, 'hash_tag is two characters, e.g. "{}"')
    .optional()
    .describe('Only the part of the key between these two characters is hashed, so related keys share a server.'),
  distribution: z.enum(POOL_DISTRIBUTIONS).default('ketama'),
  timeout: duration.default(0).describe('ms to wait for a connection or a reply; 0 (twemproxy: unset) waits forever.'),
  backlog: z.number().int().positive().default(512),
  preconnect: z.boolean().default(false).describe('Connect to every server at start instead of on first use.'),
  redis: z.boolean().default(false).describe('twemproxy selects the protocol with this; padda uses `mode` and checks they agree.'),
  server_connections: z.number().int().min(1, 'server_connections cannot be 0').default(1),
  auto_eject_hosts: z.boolean().default(false),
  server_retry_timeout: duration.default(30_000),
  server_failure_limit: z.number().int().min(1).default(2),
  client_connections: z.number().int().min(0).default(0).describe('Most client connections at once; 0 is unlimited.'),
  tcpkeepalive: z.boolean().default(false),
  servers: z.array(server).min(1, 'a pool needs at least one server'),
};

export type PoolServer = z.output<typeof server>;

/** twemproxy refuses a pool where two servers share a name: ketama would place them as one. */
export function refuseDuplicateServerNames(pool: { servers: ServerSpec[] }, ctx: z.RefinementCtx): void {
  const name = duplicateServerName(pool.servers);
  if (name !== null) ctx.addIssue({ code: 'custom', path: ['servers'], message: `two servers are named "${name}"; ketama would place them as one` });
}
