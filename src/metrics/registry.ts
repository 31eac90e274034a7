/**
 * Metrics whose hot-path cost is one property increment. Nothing is formatted
 * until a scrape asks for a snapshot; snapshots from several worker processes
 * are plain JSON and merge by adding.
 */
export type Labels = Readonly<Record<string, string>>;
export type MetricType = 'counter' | 'gauge' | 'histogram';

export class Counter {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class Gauge {
  value = 0;
  set(value: number): void {
    this.value = value;
  }
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
}

/** Latency buckets in seconds, from 100 µs (a local cache hit) to 10 s (a stuck upstream). */
export const LATENCY_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export class Histogram {
  readonly bounds: readonly number[];
  /** counts[i] holds observations ≤ bounds[i] and > bounds[i-1]; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    // Binary search for the first bound ≥ value: some modes keep fine-grained
    // histograms (the splitter's have 57 bounds), observed on every request.
    const bounds = this.bounds;
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (value > bounds[mid]!) low = mid + 1;
      else high = mid;
    }
    this.counts[low]!++;
    this.sum += value;
  }
}

export interface Sample {
  labels: Labels;
  value?: number;
  /** Histograms only: per-bucket (not cumulative) counts, last one +Inf. */
  counts?: number[];
  sum?: number;
}

export interface FamilySnapshot {
  name: string;
  help: string;
  type: MetricType;
  bounds?: readonly number[];
  samples: Sample[];
}

type Metric = Counter | Gauge | Histogram;

interface Family {
  name: string;
  help: string;
  type: MetricType;
  bounds?: readonly number[];
  children: Map<string, { labels: Labels; metric: Metric; generation: number }>;
}

export class Registry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => void> = [];
  /** Per listener: the generation its newest handler's series belong to (see beginGeneration). */
  private readonly generations = new Map<string, number>();
  private nextGeneration = 1;

  counter(name: string, help: string, labels: Labels = {}): Counter {
    return this.child(name, help, 'counter', labels, undefined, () => new Counter()) as Counter;
  }

  gauge(name: string, help: string, labels: Labels = {}): Gauge {
    return this.child(name, help, 'gauge', labels, undefined, () => new Gauge()) as Gauge;
  }

  histogram(name: string, help: string, labels: Labels = {}, bounds: readonly number[] = LATENCY_BUCKETS): Histogram {
    return this.child(name, help, 'histogram', labels, bounds, () => new Histogram(bounds)) as Histogram;
  }

  /** Runs before every snapshot, for values cheaper to read than to track (RSS, pool sizes). Returns its removal. */
  onCollect(collector: () => void): () => void {
    this.collectors.push(collector);
    return () => {
      const at = this.collectors.indexOf(collector);
      if (at >= 0) this.collectors.splice(at, 1);
    };
  }

  /**
   * From now on, series of `listener` made or asked for belong to a new
   * generation: a reload's new handler asks for those of the servers, shards
   * and variants it has, so once the old handler is gone, `removeOlderThan`
   * forgets the series of those a reload removed.
   */
  beginGeneration(listener: string): number {
    const generation = this.nextGeneration++;
    this.generations.set(listener, generation);
    return generation;
  }

  /** Forgets the series of `listener` that no handler asked for since `generation` began. */
  removeOlderThan(listener: string, generation: number): void {
    for (const family of this.families.values()) {
      for (const [key, child] of family.children) if (child.labels.listener === listener && child.generation < generation) family.children.delete(key);
    }
  }

  /** Forgets every series carrying `label=value`, e.g. a listener removed by reload. */
  removeWhere(label: string, value: string): void {
    for (const family of this.families.values()) {
      for (const [key, child] of family.children) if (child.labels[label] === value) family.children.delete(key);
    }
  }

  snapshot(): FamilySnapshot[] {
    for (const collect of this.collectors) collect();
    const out: FamilySnapshot[] = [];
    for (const family of this.families.values()) {
      const samples: Sample[] = [];
      for (const { labels, metric } of family.children.values()) {
        samples.push(
          metric instanceof Histogram
            ? { labels, counts: Array.from(metric.counts), sum: metric.sum }
            : { labels, value: metric.value },
        );
      }
      out.push({ name: family.name, help: family.help, type: family.type, ...(family.bounds ? { bounds: family.bounds } : {}), samples });
    }
    return out;
  }

  private child(
    name: string,
    help: string,
    type: MetricType,
    labels: Labels,
    bounds: readonly number[] | undefined,
    create: () => Metric,
  ): Metric {
    let family = this.families.get(name);
    if (!family) {
      family = { name, help, type, ...(bounds ? { bounds } : {}), children: new Map() };
      this.families.set(name, family);
    } else if (family.type !== type) {
      throw new Error(`metric ${name} is a ${family.type}, not a ${type}`);
    }
    const key = labelKey(labels);
    let child = family.children.get(key);
    if (!child) {
      child = { labels: { ...labels }, metric: create(), generation: 0 };
      family.children.set(key, child);
    }
    if (labels.listener !== undefined) child.generation = this.generations.get(labels.listener) ?? 0;
    return child.metric;
  }
}

export function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}
