import { clientConnection } from '../../http/client-connection.ts';
import type { Origin } from '../../http/origin.ts';
import type { Replica } from '../../http/replica.ts';
import type { ReplicaSet } from '../../http/replica-set.ts';
import type { ProxiedRequest } from '../../http/request-head.ts';
import type { ResponseHeaders } from '../../http/response-head.ts';
import type { TargetPicker } from '../../http/target.ts';
import type { BucketTable } from './buckets.ts';
import type { Mirror } from './mirror.ts';
import type { ShadowComparison, ShadowRecord } from './shadow-compare.ts';
import type { Placement, Sticky } from './sticky.ts';
import type { VariantMetrics } from './variant-metrics.ts';

export interface Variant {
  readonly name: string;
  readonly weight: number;
  readonly set: ReplicaSet;
  readonly metrics: VariantMetrics;
}

/** What the splitter decided for a request, kept on it until the exchange ends. */
interface SplitRoute extends Placement {
  variant: number;
  replica: Replica | null;
  record: ShadowRecord | null;
}

const kRoute = Symbol('padda.splitRoute');
type Routed = ProxiedRequest & { [kRoute]?: SplitRoute };

/**
 * The splitter's TargetPicker: the request's bucket (cookie, header, IP or
 * chance) picks the variant from the bucket table, power-of-two-choices one
 * of its replicas. A variant with no replica up hands its users to the
 * heaviest variant that is up until it is back. The answer sets the sticky
 * cookie when the user had none or it no longer matches; when the request
 * is mirrored, the answer's body is digested for comparison.
 */
export class SplitPicker implements TargetPicker {
  private readonly variants: readonly Variant[];
  private readonly table: BucketTable;
  private readonly sticky: Sticky;
  private readonly mirror: Mirror | null;
  private readonly comparison: ShadowComparison | null;
  /** Variant indexes by weight, heaviest first: where users of a variant that is down go. */
  private readonly fallbacks: number[];
  body?: (request: ProxiedRequest, chunk: Buffer) => void;

  constructor(variants: readonly Variant[], table: BucketTable, sticky: Sticky, mirror: Mirror | null, comparison: ShadowComparison | null) {
    this.variants = variants;
    this.table = table;
    this.sticky = sticky;
    this.mirror = mirror;
    this.comparison = comparison;
    this.fallbacks = variants.map((_, i) => i).filter((i) => variants[i]!.weight > 0).sort((a, b) => variants[b]!.weight - variants[a]!.weight);
    if (comparison !== null) this.body = digestPrimary;
  }

  pick(request: ProxiedRequest, attempt: number): Origin | null {
    const routed = request as Routed;
    let route = routed[kRoute];
    if (route === undefined) {
      route = { bucket: 0, cookie: null, variant: 0, replica: null, record: null };
      this.sticky.place(request, route);
      route.variant = this.table.variants[route.bucket]!;
      routed[kRoute] = route;
      if (this.mirror !== null && this.mirror.wants(request, route.variant)) route.record = this.mirror.copy(request);
    }
    if (!this.variants[route.variant]!.set.available) route.variant = this.fallback(route.variant);
    const replica = this.variants[route.variant]!.set.pick(attempt > 0 ? route.replica : null);
    if (replica === null) return null;
    route.replica = replica;
    return replica.origin;
  }

  release(request: ProxiedRequest, _origin: Origin, status: number, reason: string | null): void {
    (request as Routed)[kRoute]!.replica!.release(status, reason);
  }

  respond(request: ProxiedRequest, _status: number, headers: ResponseHeaders): void {
    if (!this.sticky.setsCookie) return;
    const route = (request as Routed)[kRoute]!;
    // The cookie names the bucket's variant, even while a fallback serves it.
    const value = `${this.variants[this.table.variants[route.bucket]!]!.name}.${route.bucket}`;
    if (route.cookie === value) return;
    const cookie = this.sticky.cookie(value, clientConnection(request).scheme === 'https');
    const existing = headers['set-cookie'];
    headers['set-cookie'] = existing === undefined ? cookie : Array.isArray(existing) ? [...existing, cookie] : [existing, cookie];
  }

  finish(request: ProxiedRequest, status: number, reason: string | null, started: number): void {
    const route = (request as Routed)[kRoute];
    if (route === undefined) return;
    this.variants[route.variant]!.metrics.finished(status, reason, started);
    if (route.record !== null) this.comparison!.primaryDone(route.record, status, reason === null);
  }

  private fallback(variant: number): number {
    for (const i of this.fallbacks) if (this.variants[i]!.set.available) return i;
    return variant;
  }
}

function digestPrimary(request: ProxiedRequest, chunk: Buffer): void {
  (request as Routed)[kRoute]!.record?.primaryHash.update(chunk);
}
