import { z } from 'zod';
import { duration } from '../../config/values.ts';
import { parseOriginAddress, type OriginAddress } from './origin-address.ts';

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

/**
 * The checks a mode's schema makes of each replica set once parsed (in its
 * superRefine, not in a union branch, so a bad URL gets its own message
 * rather than the union's "Invalid input"): every replica an HTTP origin,
 * with an issue at `at(j)` for each that is not.
 */
export function checkReplicas(replicas: readonly string[], at: (j: number) => PropertyKey[], ctx: z.RefinementCtx): void {
  replicas.forEach((replica, j) => {
    const parsed = parseOriginAddress(replica);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', path: at(j), message: parsed });
  });
}

/** Replica sets eject by the `eject` block, so the pool's own `failure_limit` is refused; `what` the replicas are: "shard", "variant", "leaf". */
export function checkPoolEjection(pool: { failure_limit: number }, what: string, ctx: z.RefinementCtx): void {
  if (pool.failure_limit !== 0) {
    ctx.addIssue({ code: 'custom', path: ['pool', 'failure_limit'], message: `${what} replicas are ejected by the eject block (eject.failures, eject.time)` });
  }
}

/** The addresses of replicas checkReplicas passed, for `new ReplicaSet`. */
export function replicaAddresses(replicas: readonly string[]): OriginAddress[] {
  return replicas.map((replica) => {
    const parsed = parseOriginAddress(replica);
    if (typeof parsed === 'string') throw new RangeError(parsed);
    return parsed;
  });
}
