import { z } from 'zod';
import { keyTemplateSchema as keyTemplate } from '../request-key/key-schema.ts';

const RATE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** A rate: "100/s", "6000/m", "100r/s" (nginx's spelling); kept as written for the RateLimit-Policy field. */
const rate = z.string().transform((text, ctx) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*r?\s*\/\s*(s|m|h)\s*$/.exec(text);
  const count = match ? Number(match[1]) : 0;
  if (!match || count <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a rate (examples: 100/s, 6000/m, 10r/s)` });
    return z.NEVER;
  }
  const window = RATE_UNITS[match[2]!]!;
  return { count, window, interval: window / count };
}).meta({ description: 'requests per second, minute or hour: 100/s, 6000/m, 10r/s' });

const limitKeys = {
  rate: rate.describe('The steady rate a key may keep up.'),
  burst: z.number().int().min(1).max(1_000_000).default(1)
    .describe('Requests a key may send at once; over any time W at most rate × W + burst get through (nginx limit_req burst + 1).'),
};

const tier = z.strictObject({
  when: keyTemplate.describe('The tier applies when this is present and not empty, e.g. $cookie_session or $http_authorization (the book\'s registered users).'),
  key: keyTemplate.optional().describe('What is counted in this tier; default: the `when` value.'),
  ...limitKeys,
});

const METHOD = /^[A-Z]{1,20}$/;

const rule = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (it goes into metric labels and RateLimit-Policy)'),
  key: keyTemplate.default('$remote_addr').describe('What is counted: nginx-style variables, e.g. $remote_addr, $http_authorization, $cookie_NAME, $uri. A request whose key is absent or empty is not counted (as nginx limit_req).'),
  match: z.strictObject({
    path_prefix: z.string().regex(/^\//, 'must start with /').optional().describe('Only requests whose path starts with this.'),
    methods: z.array(z.string().regex(METHOD, 'an upper-case method name')).min(1).optional().describe('Only these methods.'),
  }).optional(),
  ...limitKeys,
  tiers: z.array(tier).max(16).default([]).describe('Other limits for some clients, the first whose `when` is present wins; the rule\'s own limit is for the rest.'),
});

export const rateLimitSchema = z.strictObject({
  rules: z.array(rule).min(1, 'needs at least one rule').max(64),
  store: z.union([z.literal('local'), z.string().regex(/^redis:\/\/[^/\s]+(\/\d+)?$/, 'local, or redis://host:port')]).default('local')
    .describe('local: counters in this process; redis://host:port: shared by every padda using that Redis, one atomic script per decision.'),
  on_store_error: z.enum(['allow', 'deny']).default('allow').describe('When the Redis store fails or is slow: allow the request (fail open) or answer 503.'),
  store_timeout: z.number().int().min(1).max(10_000).default(50).describe('ms a decision may wait for Redis before on_store_error applies.'),
  local_share: z.number().min(0).max(1).default(0.5)
    .describe('Redis store: a key whose last known bucket is more than this share full-and-free is decided locally, its cost sent to Redis after; 0 asks Redis every time.'),
  max_keys: z.number().int().min(1000).max(50_000_000).default(1_000_000).describe('Keys the local store holds at most; idle keys are forgotten long before.'),
  headers: z.boolean().default(true).describe('Add X-RateLimit-* and RateLimit-Policy/RateLimit to answers, not only to 429s.'),
}).superRefine((value, ctx) => {
  const names = new Set<string>();
  value.rules.forEach((r, i) => {
    if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `two rules are named "${r.name}"` });
    names.add(r.name);
  });
}).describe('Rate limiting by key (GCRA): 429 with Retry-After over the limit.');

export type RateLimitConfig = z.output<typeof rateLimitSchema>;
export type RateLimitRuleConfig = RateLimitConfig['rules'][number];
export type Rate = z.output<typeof rate>;
