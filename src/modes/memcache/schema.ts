import { z } from 'zod';
import { byteSize } from '../../config/values.ts';
import { DEFAULT_ITEM_SIZE_MAX } from '../../protocols/memcache/limits.ts';
import { slowLogSchema } from '../../logging/schema.ts';
import { clientLimitKeys } from '../../session/client-limit-keys.ts';
import { refuseDuplicateServerNames, twemproxyPoolKeys } from '../../upstream/pool-schema.ts';

export const memcacheSchema = z
  .strictObject({
    mode: z.literal('memcache'),
    ...twemproxyPoolKeys,
    backend_stats: z.boolean().default(false).describe("Add each server's own figures (Redis INFO, memcached stats) to /metrics, asked at scrape time and kept 5 s."),
    item_size_max: byteSize
      .default(DEFAULT_ITEM_SIZE_MAX)
      .describe("memcached's -I: larger items are refused with memcached's own error before they reach a server."),
    version: z
      .string()
      .default('1.6.18')
      .describe('What `version` answers. Clients read it to detect meta-protocol support; 1.6.18 is the memcached padda speaks like.'),
    ...clientLimitKeys({ maxInflight: 4096 }),
    slow_log: slowLogSchema.optional().describe('Commands slower than a threshold, one JSON line each (server, command, key, µs) to stdout or a file; none when absent.'),
  })
  .refine((pool) => pool.redis !== true, { message: 'mode: memcache with redis: true; drop one', path: ['redis'] })
  .superRefine(refuseDuplicateServerNames)
  .describe('memcached sharding ambassador, a drop-in for a twemproxy memcache pool, with the meta protocol.');

export type MemcacheConfig = z.output<typeof memcacheSchema>;
