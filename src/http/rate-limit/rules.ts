import type { HttpRequest } from '../message.ts';
import { compileKey, type KeyTemplate } from '../request-key/key-template.ts';
import { nginxUri } from '../request-key/nginx-uri.ts';
import type { Limit } from './gcra.ts';
import type { Rate, RateLimitRuleConfig } from './schema.ts';

/** One limit a request can fall under: a rule's own, or one of its tiers. */
export interface Bucket extends Limit {
  /** The rule's name: metric label and RateLimit-Policy item. */
  readonly rule: string;
  /** Prefix of the keys it counts, so two rules or tiers never share a counter. */
  readonly prefix: string;
  readonly key: KeyTemplate;
  readonly rate: Rate;
}

interface Tier {
  readonly when: KeyTemplate;
  readonly bucket: Bucket;
}

/** A rule compiled: what it matches, and its tiers before its own limit. */
export class Rule {
  readonly name: string;
  private readonly pathPrefix: string | null;
  private readonly methods: ReadonlySet<string> | null;
  private readonly tiers: readonly Tier[];
  private readonly own: Bucket;

  constructor(config: RateLimitRuleConfig) {
    this.name = config.name;
    this.pathPrefix = config.match?.path_prefix ?? null;
    this.methods = config.match?.methods ? new Set(config.match.methods) : null;
    const bucket = (tag: string, key: string, rate: Rate, burst: number): Bucket => ({
      rule: config.name, prefix: `${config.name}:${tag}:`, key: compileKey(key) as KeyTemplate, rate, interval: rate.interval, burst,
    });
    this.tiers = config.tiers.map((t, i) => ({ when: compileKey(t.when) as KeyTemplate, bucket: bucket(String(i + 1), t.key ?? t.when, t.rate, t.burst) }));
    this.own = bucket('0', config.key, config.rate, config.burst);
  }

  /** The bucket this request falls under, or null when the rule does not match it. */
  bucketOf(request: HttpRequest): Bucket | null {
    if (this.methods !== null && !this.methods.has(request.method)) return null;
    if (this.pathPrefix !== null && !normalizedPath(request).startsWith(this.pathPrefix)) return null;
    for (const tier of this.tiers) {
      const present = tier.when(request);
      if (present !== null && present !== '') return tier.bucket;
    }
    return this.own;
  }
}

/**
 * The path as nginx matches locations ($uri: decoded, dot segments resolved,
 * slashes merged), so `/%61pi/` or `/x/../api/` cannot step around a rule
 * on `/api/`.
 */
function normalizedPath(request: HttpRequest): string {
  const path = request.path() ?? '';
  const q = path.indexOf('?');
  return nginxUri(q < 0 ? path : path.slice(0, q));
}
