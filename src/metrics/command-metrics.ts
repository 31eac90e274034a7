import type { Counter, Histogram, Labels, Registry } from './registry.ts';

/** A metric family: its name and help text. */
export type Family = readonly [name: string, help: string];

/** The per-command families of one protocol (padda_redis_…, padda_memcache_…). */
export interface CommandFamilies {
  readonly calls: Family;
  readonly duration: Family;
  /** Only for a protocol whose mode tells a failed command from a good one. */
  readonly errors?: Family;
}

/** One command's series on one listener, labelled `{listener, command}`. */
export class CommandSeries {
  /** The command, as its `command` label names it. */
  readonly name: string;
  readonly calls: Counter;
  readonly duration: Histogram;
  /** Null when the protocol's families have no error counter. */
  readonly errors: Counter | null;

  constructor(registry: Registry, families: CommandFamilies, labels: Labels) {
    this.name = labels.command ?? '';
    this.calls = registry.counter(families.calls[0], families.calls[1], labels);
    this.duration = registry.histogram(families.duration[0], families.duration[1], labels);
    this.errors = families.errors === undefined ? null : registry.counter(families.errors[0], families.errors[1], labels);
  }

  /** One command answered after `elapsedMs`. */
  observe(elapsedMs: number, failed: boolean): void {
    this.calls.value++;
    if (failed && this.errors !== null) this.errors.value++;
    this.duration.observe(elapsedMs / 1000);
  }
}

/**
 * Per-command series of one listener of a protocol mode. A command's series
 * are made on its first use, so /metrics lists only the commands clients
 * send; a request holds its CommandSeries, so the table is read once per
 * request. Keyed by whatever names a command without making a string: the
 * command table's object (redis), the request kind (memcache).
 */
export class CommandMetricsTable<K> {
  readonly #series = new Map<K, CommandSeries>();
  readonly #registry: Registry;
  readonly #listener: string;
  readonly #families: CommandFamilies;
  readonly #label: (key: K) => string;

  /** `label` gives the `command` label of a key. */
  constructor(registry: Registry, listener: string, families: CommandFamilies, label: (key: K) => string) {
    this.#registry = registry;
    this.#listener = listener;
    this.#families = families;
    this.#label = label;
  }

  get(key: K): CommandSeries {
    let series = this.#series.get(key);
    if (series === undefined) {
      series = new CommandSeries(this.#registry, this.#families, { listener: this.#listener, command: this.#label(key) });
      this.#series.set(key, series);
    }
    return series;
  }
}
