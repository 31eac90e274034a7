import type { Counter, Gauge, Registry } from '../../../metrics/registry.ts';

/** A cluster backend's own series, beside the per-node server series; every one exists from the start. */
export class ClusterMetrics {
  readonly moved: Counter;
  readonly asked: Counter;
  readonly triedAgain: Counter;
  readonly mapsFound: Counter;
  readonly mapsMissed: Counter;
  readonly coveredSlots: Gauge;

  constructor(registry: Registry, listener: string) {
    const redirects = (kind: string) => registry.counter('padda_redis_cluster_redirects_total', 'Redirects a cluster node answered and padda followed, by kind: moved, ask, tryagain.', { listener, kind });
    this.moved = redirects('moved');
    this.asked = redirects('ask');
    this.triedAgain = redirects('tryagain');
    const refreshes = (result: string) => registry.counter('padda_redis_cluster_slot_map_refreshes_total', 'Slot map refreshes, by result: found (a node answered) or missed (none did).', { listener, result });
    this.mapsFound = refreshes('found');
    this.mapsMissed = refreshes('missed');
    this.coveredSlots = registry.gauge('padda_redis_cluster_slots_covered', 'Hash slots the current slot map assigns to a node (16384 when the cluster is whole).', { listener });
  }
}
