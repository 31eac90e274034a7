import type { Failure } from '../../http/errors.ts';
import type { TargetPicker } from '../../http/forward/target-picker.ts';
import type { HttpRequest } from '../../http/message.ts';
import type { Origin } from '../../http/upstream/origin.ts';
import type { Replica } from '../../http/upstream/replica.ts';
import type { ReplicaSet } from '../../http/upstream/replica-set.ts';
import type { BucketTable } from './buckets.ts';
import type { Mirror, ShadowCopy } from './mirror.ts';
import type { ShadowComparison, ShadowRecord } from './shadow-compare.ts';
import type { Placement, Sticky } from './sticky.ts';
import type { VariantMetrics } from './variant-metrics.ts';

export interface Variant {
  readonly name: string;
  readonly weight: number;
  readonly set: ReplicaSet<Origin>;
  readonly metrics: VariantMetrics;
}

/** What the splitter decided for a request, kept in `request.route` until the exchange ends. */
interface SplitRoute extends Placement {
  variant: number;
  replica: Replica<Origin> | null;
  record: ShadowRecord | null;
  /** The request's shadow copy while it collects the body. */
  copy: ShadowCopy | null;
}

/**
 * The splitter's TargetPicker: the request's bucket (cookie, header, IP or
 * chance) picks the variant from the bucket table, power-of-two-choices one
 * of its replicas. A variant with no replica up hands its users to the
 * heaviest variant that is up until it is back. The answer sets the sticky
 * cookie when the user had none or it no longer matches; when the request
 * is mirrored, its body is copied as it goes up and the answer's body is
 * digested for comparison.
 */
export class SplitPicker implements TargetPicker {
  private readonly variants: readonly Variant[];
  private readonly table: BucketTable;
  private readonly sticky: Sticky;
  private readonly mirror: Mirror | null;
  private readonly comparison: ShadowComparison | null;
  /** Variant indexes by weight, heaviest first: where users of a variant that is down go. */
  private readonly fallbacks: number[];
  body?: (request: HttpRequest, chunk: Buffer) => void;

  constructor(variants: readonly Variant[], table: BucketTable, sticky: Sticky, mirror: Mirror | null, comparison: ShadowComparison | null) {
    this.variants = variants;
    this.table = table;
    this.sticky = sticky;
    this.mirror = mirror;
    this.comparison = comparison;
    this.fallbacks = variants.map((_, i) => i).filter((i) => variants[i]!.weight > 0).sort((a, b) => variants[b]!.weight - variants[a]!.weight);
    if (comparison !== null) this.body = digestPrimary;
  }

  pick(request: HttpRequest, attempt: number): Origin | null {
    let route = request.route as SplitRoute | null;
    if (route === null) {
      route = { bucket: 0, cookie: null, variant: 0, replica: null, record: null, copy: null };
      this.sticky.place(request, route);
      route.variant = this.table.variants[route.bucket]!;
      request.route = route;
      if (this.mirror !== null && this.mirror.wants(request, route.variant)) {
        route.copy = this.mirror.copy(request);
        route.record = route.copy?.record ?? null;
      }
    }
    if (!this.variants[route.variant]!.set.available) route.variant = this.fallback(route.variant);
    const replica = this.variants[route.variant]!.set.pick(attempt > 0 ? route.replica : null);
    if (replica === null) return null;
    route.replica = replica;
    if (request.access !== null) request.access.variant = this.variants[route.variant]!.name;
    return replica.origin;
  }

  release(request: HttpRequest, _origin: Origin, status: number, failure: Failure | null): void {
    (request.route as SplitRoute).replica!.settle(status, failure);
  }

  respond(request: HttpRequest, _status: number, fields: string[]): void {
    if (!this.sticky.setsCookie) return;
    const route = request.route as SplitRoute;
    // The cookie names the bucket's variant, even while a fallback serves it.
    const value = `${this.variants[this.table.variants[route.bucket]!]!.name}.${route.bucket}`;
    if (route.cookie === value) return;
    fields.push('set-cookie', this.sticky.cookie(value, request.client.scheme === 'https'));
  }

  requestBody(request: HttpRequest, chunk: Buffer): void {
    (request.route as SplitRoute | null)?.copy?.collect(chunk);
  }

  requestEnd(request: HttpRequest): void {
    const route = request.route as SplitRoute | null;
    const copy = route?.copy ?? null;
    if (copy === null) return;
    route!.copy = null;
    copy.send();
  }

  finish(request: HttpRequest, status: number, reason: string | null, started: number): void {
    const route = request.route as SplitRoute | null;
    if (route === null) return;
    this.variants[route.variant]!.metrics.finished(status, reason, started);
    // A copy still collecting the body never gets all of it.
    route.copy?.drop();
    route.copy = null;
    if (route.record !== null) this.comparison!.primaryDone(route.record, status, reason === null);
  }

  private fallback(variant: number): number {
    for (const i of this.fallbacks) if (this.variants[i]!.set.available) return i;
    return variant;
  }
}

function digestPrimary(request: HttpRequest, chunk: Buffer): void {
  (request.route as SplitRoute).record?.primaryHash.update(chunk);
}
