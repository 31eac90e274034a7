import { z } from 'zod';
import { byteSize } from '../../config/values.ts';
import { slowLogSchema } from '../../logging/schema.ts';
import { clientLimitKeys } from '../../session/client-limit-keys.ts';
import { refuseDuplicateServerNames, twemproxyPoolKeys } from '../../upstream/pool-schema.ts';
import { REACHING_COMMAND_NAMES } from './reaching-commands.ts';

export const redisSchema = z
  .strictObject({
    mode: z.literal('redis'),
    ...twemproxyPoolKeys,
    backend_stats: z.boolean().default(false).describe("Add each server's own figures (Redis INFO, memcached stats) to /metrics, asked at scrape time and kept 5 s."),
    redis: z.literal(true, { error: 'a redis listener cannot say redis: false (that is a memcache pool)' }).optional(),
    redis_auth: z.string().optional().describe('Password clients must AUTH with, and padda sends to every server.'),
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
  .superRefine(refuseDuplicateServerNames)
  .describe('Redis sharding ambassador, a drop-in for a twemproxy redis pool.');

export type RedisConfig = z.output<typeof redisSchema>;
