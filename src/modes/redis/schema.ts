import { z } from 'zod';
import { byteSize, duration, parsedString } from '../../config/values.ts';
import { slowLogSchema } from '../../logging/schema.ts';
import { clientLimitKeys } from '../../session/client-limit-keys.ts';
import { refuseDuplicateServerNames, twemproxyPoolKeys } from '../../upstream/pool-schema.ts';
import { parseNodeAddress } from './cluster/node-address.ts';
import { REACHING_COMMAND_NAMES } from './reaching-commands.ts';

const seed = parsedString(parseNodeAddress, 'host:port of a Redis Cluster node');

export const redisSchema = z
  .strictObject({
    mode: z.literal('redis'),
    ...twemproxyPoolKeys,
    servers: twemproxyPoolKeys.servers.optional().describe('The shards, twemproxy-style (host:port:weight [name]); or `cluster` instead.'),
    cluster: z
      .array(seed)
      .min(1, 'a cluster needs at least one seed')
      .optional()
      .describe('Seeds of a Redis Cluster to serve instead of `servers`: padda learns the slot map from any of them (CLUSTER SHARDS, or CLUSTER SLOTS before Redis 7), routes each key by its hash slot and follows MOVED and ASK. hash, distribution and auto_eject_hosts do not apply.'),
    read_from: z
      .enum(['primary', 'replica', 'prefer_replica'])
      .default('primary')
      .describe('Where a cluster pool sends read-only commands: its primaries; its online replicas only (least requests in flight first; a slot with none answers an error); or its replicas when one is online, else the primary. Replicas may lag behind writes.'),
    cluster_refresh_interval: duration.default(5_000).describe('ms between scheduled slot map refreshes (a MOVED or a failed node connection refreshes it at once).'),
    backend_stats: z.boolean().default(false).describe("Add each server's own figures (Redis INFO, memcached stats) to /metrics, asked at scrape time and kept 5 s."),
    redis: z.literal(true, { error: 'a redis listener cannot say redis: false (that is a memcache pool)' }).optional(),
    redis_auth: z.string().optional().describe('Password clients must AUTH with, and padda sends to every server.'),
    redis_auth_user: z.string().min(1).optional().describe('ACL user padda authenticates to every server as (AUTH redis_auth_user redis_auth); clients AUTH with redis_auth, as this user or as the default one.'),
    redis_db: z.number().int().min(0).default(0).describe('Database padda SELECTs on every server connection.'),
    ...clientLimitKeys({ maxInflight: 256 }),
    slow_log: slowLogSchema.optional().describe('Commands slower than a threshold, one JSON line each (server, command, key, µs) to stdout or a file; none when absent.'),
    allow_commands: z.array(z.enum(REACHING_COMMAND_NAMES)).default([])
      .describe('Commands padda refuses because they act beyond the pool\'s servers and database (migrate reaches another host, move and copy … db another database); list those this pool may forward.'),
    mget_errors: z
      .enum(['command', 'key'])
      .default('command')
      .describe('An MGET whose keys span servers, one of which fails: `command` answers one error for the whole command, as twemproxy does (clients raise it); `key` answers the other keys\' values with the error in the failed keys\' places.'),
    client_query_buffer_limit: byteSize.default(1024 * 1024 * 1024).describe('Largest incomplete command buffered for one client (redis client-query-buffer-limit).'),
  })
  .superRefine((pool, ctx) => {
    if (pool.servers !== undefined && pool.cluster !== undefined) ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'a pool has servers or a cluster, not both' });
    else if (pool.servers === undefined && pool.cluster === undefined) ctx.addIssue({ code: 'custom', path: ['servers'], message: 'a pool needs servers (or cluster: seeds of a Redis Cluster)' });
    else if (pool.servers !== undefined) refuseDuplicateServerNames({ servers: pool.servers }, ctx);
    if (pool.redis_auth_user !== undefined && pool.redis_auth === undefined) ctx.addIssue({ code: 'custom', path: ['redis_auth_user'], message: 'redis_auth_user needs redis_auth, its password' });
    if (pool.cluster === undefined && pool.read_from !== 'primary') ctx.addIssue({ code: 'custom', path: ['read_from'], message: 'read_from applies to a cluster pool: a twemproxy pool knows no replicas' });
    // Redis Cluster serves database 0 only (SELECT is refused in cluster mode).
    if (pool.cluster !== undefined && pool.redis_db !== 0) ctx.addIssue({ code: 'custom', path: ['redis_db'], message: 'a Redis Cluster has database 0 only' });
    // Redis Cluster itself hashes only what is between { and }: another tag would promise keys together that are not.
    if (pool.cluster !== undefined && pool.hash_tag !== undefined && pool.hash_tag !== '{}') {
      ctx.addIssue({ code: 'custom', path: ['hash_tag'], message: 'a Redis Cluster hashes the part of a key between { and }: hash_tag can only be "{}"' });
    }
  })
  .describe('Redis sharding ambassador, a drop-in for a twemproxy redis pool.');

export type RedisConfig = z.output<typeof redisSchema>;
