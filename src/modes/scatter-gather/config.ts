import { z } from 'zod';
import { address, byteSize, configFile, duration } from '../../config/values.ts';
import { httpProxyKeys } from '../../http/options.ts';
import { checkPoolEjection, checkReplicas, replicaSetKeys } from '../../http/upstream/replica-options.ts';

const LEAF_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const leaf = z.union([
  z.string().transform((replica) => ({ name: undefined as string | undefined, replicas: [replica] })),
  z.strictObject({
    name: z.string().regex(LEAF_NAME, 'leaf names use letters, digits, "_", "." and "-"').optional()
      .describe('Used in x-padda-partial, error bodies and metric labels; default leaf-<index>.'),
    replicas: z.array(z.string()).min(1, 'a leaf needs at least one replica')
      .describe('Copies of this leaf (http://host:port, host:port or unix:/path.sock); each request goes to one, a hedge to another.'),
  }),
]).describe('One leaf: a URL, or { name, replicas: [URL, …] } for a replicated leaf.');

const scatter = z.union([
  z.literal('broadcast').transform(() => ({ style: 'broadcast' as const })),
  z.strictObject({
    split_param: z.string().min(1).describe('Query parameter whose terms are dealt out to the leaves.'),
    separator: z.string().min(1).default(' ').describe('What separates the terms in it.'),
  }).transform((value) => ({ style: 'split' as const, param: value.split_param, separator: value.separator })),
]).describe('broadcast: every leaf gets the request as is (document-sharded); { split_param, separator }: each leaf gets a share of the terms (term-sharded).');

const path = z.string().default('').describe('Dot path to the value merged in each leaf answer (e.g. hits.docs); empty: the whole answer.');
const id = z.string().min(1).optional().describe('Field that identifies an item; without it, items are compared by value.');

const merge = z.discriminatedUnion('strategy', [
  z.strictObject({ strategy: z.literal('union'), path, id }).describe('Items in any leaf\'s array, each once.'),
  z.strictObject({ strategy: z.literal('intersection'), path, id }).describe('Items in every answering leaf\'s array.'),
  z.strictObject({ strategy: z.literal('concat'), path }).describe('The arrays one after the other, in leaf order.'),
  z.strictObject({ strategy: z.literal('sum'), path }).describe('Numbers, or objects of numbers, added key by key.'),
  z.strictObject({
    strategy: z.literal('topk'),
    path,
    id,
    sort: z.string().min(1).describe('Field to rank items by.'),
    order: z.enum(['desc', 'asc']).default('desc'),
    limit: z.number().int().min(1).default(10),
  }).describe('The best `limit` items of all leaves by `sort`.'),
  z.strictObject({ strategy: z.literal('first'), path }).describe('The first good answer; the other leaves are cancelled.'),
  z.strictObject({
    strategy: z.literal('module'),
    path,
    module: configFile.describe('JavaScript module exporting the merge function (default export or `merge`); runs in padda with full trust.'),
  }).describe('Your own merge function.'),
]);

/** `5%` or a fraction such as 0.05. */
const fraction = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value) : null;
  const share = typeof value === 'number' ? value : match ? Number(match[1]) / 100 : NaN;
  if (!(share >= 0 && share <= 1)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a share between 0 and 100% (examples: 5%, 0.05)` });
    return z.NEVER;
  }
  return share;
});

/** `p95` (a percentile of the leaf's own recent latency) or a fixed duration. */
const hedgeAfter = z.union([z.number(), z.string()]).transform((value, ctx): { percentile: number } | { ms: number } => {
  if (typeof value === 'string' && value.trim().startsWith('p')) {
    const match = /^p(\d{1,2}(?:\.\d+)?)$/.exec(value.trim());
    if (match) return { percentile: Number(match[1]) / 100 };
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a percentile (examples: p50, p95, p99.9)` });
    return z.NEVER;
  }
  const parsed = duration.safeParse(value);
  if (parsed.success) return { ms: parsed.data };
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  return z.NEVER;
}).meta({ description: 'p50…p99.9, or a duration' });

const hedge = z.strictObject({
  after: hedgeAfter.describe('Send the leaf request to another replica when the first has not answered after this: a duration, or p50…p99.9 of that leaf\'s recent latency.'),
  max_extra: fraction.default(0.05).describe('Hedges never exceed this share of leaf requests (5% or 0.05).'),
  // Two by default: with one, a leaf request whose hedge is a straggler too waits for the slower of two,
  // which at fan-out 10 and a 1 % tail is the root's p99.9; a second hedge is rare (both past `after`).
  max_per_leaf: z.number().int().min(1).max(8).default(2).describe('Hedges one leaf request may get, one more each `after` while none has answered.'),
}).describe('Hedged requests (The Tail at Scale): a leaf replica that is slow is raced by another.');

export const scatterGatherSchema = z.strictObject({
  mode: z.literal('scatter-gather'),
  listen: address,
  leaves: z.array(leaf).min(1, 'needs at least one leaf'),
  scatter: scatter.prefault('broadcast'),
  merge,
  deadline: duration.default(1000).describe('The root answers within this, with what arrived (partial) or 504.'),
  leaf_timeout: duration.optional().describe('Give up on one leaf request after this (and try another replica while the deadline allows); default: the deadline.'),
  partial: z.union([
    z.literal(false).transform(() => null),
    z.strictObject({ min_leaves: z.number().int().min(1).describe('Answer when at least this many leaves did; the rest are named in x-padda-partial.') }),
  ]).prefault(false).describe('false: every leaf must answer; { min_leaves: N }: answer with N or more, marked partial.'),
  hedge: hedge.optional(),
  max_leaf_body: byteSize.default(1024 * 1024).describe('A leaf answer larger than this counts as a failed leaf.'),
  max_request_body: byteSize.default(1024 * 1024).describe('Largest request body accepted (it is sent to every leaf); larger gets 413.'),
  connect_timeout: duration.default(1000).describe('Give up on a leaf replica that has not accepted the connection in this time.'),
  ...replicaSetKeys,
  pool: httpProxyKeys.pool,
  client: httpProxyKeys.client,
  retries: z.number().int().min(0).max(5).default(1)
    .describe('Tries on another replica when a leaf request could not reach its replica or passed leaf_timeout.'),
  preserve_host: httpProxyKeys.preserve_host,
  request_id: httpProxyKeys.request_id,
  access_log: httpProxyKeys.access_log,
}).superRefine((value, ctx) => {
  const names = new Set<string>();
  value.leaves.forEach((leaf, index) => {
    const name = leaf.name ?? `leaf-${index}`;
    if (names.has(name)) ctx.addIssue({ code: 'custom', path: ['leaves', index, 'name'], message: `leaf name "${name}" is used twice` });
    names.add(name);
    checkReplicas(leaf.replicas, (j) => ['leaves', index, 'replicas', j], ctx);
  });
  checkPoolEjection(value.pool, 'leaf', ctx);
  const min = value.partial?.min_leaves;
  if (min !== undefined && min > value.leaves.length) {
    ctx.addIssue({ code: 'custom', path: ['partial', 'min_leaves'], message: `there are only ${value.leaves.length} leaves` });
  }
  if (value.leaf_timeout !== undefined && value.leaf_timeout > value.deadline) {
    ctx.addIssue({ code: 'custom', path: ['leaf_timeout'], message: 'a leaf cannot take longer than the deadline' });
  }
}).describe('Scatter/gather root: each request fans out to every leaf and the answers are merged (book ch. 7).');

export type ScatterGatherConfig = z.output<typeof scatterGatherSchema>;
export type MergeConfig = ScatterGatherConfig['merge'];
export type ScatterConfig = ScatterGatherConfig['scatter'];
export type HedgeConfig = NonNullable<ScatterGatherConfig['hedge']>;
