import type { ReplicaSet } from '../../http/upstream/replica-set.ts';
import type { LeafOrigin } from './leaf-origin.ts';
import type { CountersByLabel } from '../../metrics/counters-by-label.ts';
import type { Histogram } from '../../metrics/registry.ts';
import type { LatencyWindow } from './latency-window.ts';
import type { ScatterMetrics } from './metrics.ts';

/** A configured leaf: its replicas (balanced and ejected by the shared ReplicaSet), its latency, its failures. */
export class Leaf {
  readonly name: string;
  readonly replicas: ReplicaSet<LeafOrigin>;
  /** Recent answer times, when hedging waits for a percentile of them. */
  readonly window: LatencyWindow | null;
  /** A hedge needs another replica to go to. */
  readonly hedgeable: boolean;
  private readonly latency: Histogram;
  private readonly failures: CountersByLabel;

  constructor(name: string, replicas: ReplicaSet<LeafOrigin>, window: LatencyWindow | null, hedging: boolean, metrics: ScatterMetrics) {
    this.name = name;
    this.replicas = replicas;
    this.window = window;
    this.hedgeable = hedging && replicas.replicas.length > 1;
    this.latency = metrics.leafLatency(name);
    this.failures = metrics.leafFailures(name);
  }

  answered(ms: number): void {
    this.latency.observe(ms / 1000);
    this.window?.record(ms);
  }

  failed(reason: string): void {
    this.failures.inc(reason);
  }
}
