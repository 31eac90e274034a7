import type { Counter, Histogram, Registry } from '../../metrics/registry.ts';
import { RequestKind, requestKindName } from '../../protocols/memcache/index.ts';

/** Metric labels where memcached's own command name differs from the kind's name. */
const LABELS: Partial<Record<RequestKind, string>> = {
  [RequestKind.invalid]: 'bad_input',
  [RequestKind.flushAll]: 'flush_all',
};

/**
 * Per-command series of one listener, indexed by request kind so the hot
 * path is an array read and an increment; a kind's series appear on its
 * first use, so /metrics lists only commands clients actually send.
 */
export class CommandMetrics {
  readonly #calls: Array<Counter | undefined> = [];
  readonly #durations: Array<Histogram | undefined> = [];
  readonly #registry: Registry;
  readonly #listener: string;

  constructor(registry: Registry, listener: string) {
    this.#registry = registry;
    this.#listener = listener;
  }

  /** Counts a request as it arrives. */
  count(kind: RequestKind): void {
    (this.#calls[kind] ?? this.#create(kind)).value++;
  }

  /** Time from a request's arrival to its reply leaving for the client. */
  observe(kind: RequestKind, seconds: number): void {
    this.#durations[kind]!.observe(seconds);
  }

  #create(kind: RequestKind): Counter {
    const labels = { listener: this.#listener, command: LABELS[kind] ?? requestKindName[kind]! };
    const calls = this.#registry.counter('padda_memcache_commands_total', 'memcache requests by command.', labels);
    this.#calls[kind] = calls;
    this.#durations[kind] = this.#registry.histogram(
      'padda_memcache_command_duration_seconds',
      "Time from a request's arrival to its reply being written to the client.",
      labels,
    );
    return calls;
  }
}
