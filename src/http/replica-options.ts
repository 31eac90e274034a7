import { z } from 'zod';
import { duration } from '../config/values.ts';

/**
 * Config keys of a replica set (a shard of the shard router, a variant of
 * the splitter, a leaf of scatter/gather): passive ejection, optional active
 * health checks, and DNS re-resolution. A mode spreads `replicaSetKeys` into
 * its strict schema next to `httpProxyKeys`, and passes the parsed values to
 * `new ReplicaSet(...)` as they are.
 */
const eject = z.strictObject({
  failures: z.number().int().min(0).default(5)
    .describe('Consecutive failed requests (refused, reset, timed out, or 5xx with on_5xx) that eject a replica; 0 never ejects.'),
  time: duration.default(10_000).describe('How long an ejected replica gets no traffic; then one request tries it, and one more failure ejects it again.'),
  on_5xx: z.boolean().default(true).describe('Count 5xx answers as failures (an app that answers 503 while overloaded is not healthy).'),
}).describe('Passive health: eject replicas that fail real traffic.');

const health = z.strictObject({
  path: z.string().regex(/^\/\S*$/, 'must be a path starting with /').describe('GET this path on every replica; 2xx and 3xx are healthy.'),
  interval: duration.refine((ms) => ms >= 10, 'must be at least 10ms').default(5000).describe('Time between two checks of one replica.'),
  timeout: duration.refine((ms) => ms > 0, 'must be above 0').default(1000).describe('A check not answered in full within this failed.'),
  fails: z.number().int().min(1).default(2).describe('Consecutive failed checks that take a replica out.'),
  passes: z.number().int().min(1).default(1).describe('Consecutive passed checks that bring it back.'),
}).describe('Active health checks, on a connection of their own, so a busy pool cannot fail them.');

export const replicaSetKeys = {
  eject: eject.prefault({}),
  health: health.optional(),
  dns_refresh: duration.default(30_000)
    .describe('Resolve replica host names again this often; a changed address gets fresh connections (StatefulSet pods). 0: never.'),
};

export type EjectConfig = z.output<typeof eject>;
export type HealthConfig = z.output<typeof health>;

export interface ReplicaSetConfig {
  eject: EjectConfig;
  health?: HealthConfig | undefined;
  dns_refresh: number;
}
