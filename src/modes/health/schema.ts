import { z } from 'zod';
import { address, configFile, duration } from '../../config/values.ts';

const positive = duration.refine((ms) => ms >= 1, 'must be at least 1ms');

/** When and how often a check runs, and how its results become a state. Set on the listener, overridable per check. */
const timing = {
  interval: positive.optional().describe('How often the check runs (default 5s); probe requests only read its last result.'),
  timeout: positive.optional().describe('A run that has not passed within this fails (default 1s).'),
  max_age: positive.optional().describe('A last result older than this counts as failed (default: 2 × interval + timeout).'),
  failure_threshold: z.number().int().min(1).optional().describe('Failed runs in a row that turn a passing check failing (default 1).'),
  success_threshold: z.number().int().min(1).optional().describe('Passed runs in a row that turn a failing check passing (default 1; the first result after start counts alone).'),
};

const tcp = z.strictObject({
  type: z.literal('tcp'),
  address: address.describe('host:port or a unix socket path; passes when the connection is accepted.'),
  ...timing,
});

const statusList = z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]);

const http = z.strictObject({
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'url is http://host[:port]/path or https://…' }),
  status: statusList.optional().describe('Statuses that pass (a number or a list); default any 2xx or 3xx, as a Kubernetes httpGet probe.'),
  body: z.string().refine(isRegExp, 'not a valid regular expression').optional().describe('A regular expression the first 64 KiB of the body must match.'),
  headers: z.record(z.string(), z.string()).default({}),
  ca: configFile.optional().describe('PEM CA bundle an https server\'s certificate is verified against (default: the system\'s).'),
  ...timing,
});

const tls = z.strictObject({
  type: z.literal('tls'),
  address: address.describe('host:port of a TLS server; passes when the handshake completes.'),
  server_name: z.string().optional().describe('SNI and the name the certificate must carry (default: the host).'),
  ca: configFile.optional().describe('PEM CA bundle the certificate is verified against (default: the system\'s).'),
  verify: z.boolean().default(true).describe('Fail on a certificate that does not verify; false checks only the handshake and the dates.'),
  min_days: z.number().nonnegative().default(0).describe('Fail when the certificate expires in fewer than this many days.'),
  ...timing,
});

const redis = z.strictObject({
  type: z.literal('redis'),
  address,
  user: z.string().optional().describe('ACL user (Redis 6+) to AUTH as; needs password.'),
  password: z.string().optional(),
  role: z.enum(['master', 'replica']).optional().describe('Fail unless INFO replication shows this role.'),
  max_lag: duration.optional().describe('On a replica: fail when the link to the master is down or silent longer than this.'),
  ...timing,
}).refine((check) => check.user === undefined || check.password !== undefined, { message: 'user needs a password', path: ['user'] });

const memcache = z.strictObject({
  type: z.literal('memcache'),
  address,
  round_trip: z.boolean().default(false).describe('Also set, get and delete a key of its own (padda:health:<random>, 10 s TTL).'),
  ...timing,
});

const mysql = z.strictObject({
  type: z.literal('mysql'),
  address: address.describe('host:port (MySQL 3306) or the server\'s unix socket.'),
  user: z.string().min(1),
  password: z.string().optional(),
  database: z.string().optional(),
  query: z.string().min(1).default('SELECT 1').describe('Runs on a fresh connection each time; an error fails the check.'),
  ...timing,
});

export const checkSchema = z.discriminatedUnion('type', [tcp, http, tls, redis, memcache, mysql]);
export type CheckConfig = z.output<typeof checkSchema>;
export type CheckType = CheckConfig['type'];

/** Check names appear in metric labels and probe paths (`/NAME`). */
const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const healthSchema = z
  .strictObject({
    mode: z.literal('health'),
    listen: address,
    ...timing,
    checks: z
      .record(z.string().regex(CHECK_NAME, 'check names use letters, digits, "_", "." and "-"'), checkSchema)
      .refine((checks) => Object.keys(checks).length > 0, 'a health listener needs at least one check'),
  })
  .describe('The book\'s health adapter: runs checks on an interval and answers probes 200 when all pass, 503 otherwise (`?verbose` for JSON).');

export type HealthConfig = z.output<typeof healthSchema>;

/** A check's timing with the listener's values and the defaults filled in. */
export interface CheckTiming {
  interval: number;
  timeout: number;
  maxAge: number;
  failureThreshold: number;
  successThreshold: number;
}

export function checkTiming(listener: HealthConfig, check: CheckConfig): CheckTiming {
  const interval = check.interval ?? listener.interval ?? 5_000;
  const timeout = check.timeout ?? listener.timeout ?? 1_000;
  return {
    interval,
    timeout,
    maxAge: check.max_age ?? listener.max_age ?? 2 * interval + timeout,
    failureThreshold: check.failure_threshold ?? listener.failure_threshold ?? 1,
    successThreshold: check.success_threshold ?? listener.success_threshold ?? 1,
  };
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
