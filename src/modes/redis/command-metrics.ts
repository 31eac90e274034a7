import type { Counter, Histogram, Registry } from '../../metrics/registry.ts';

/** Per-command series of one listener: calls, errors, latency from arrival to answer. */
export class CommandMetrics {
  readonly calls: Counter;
  readonly errors: Counter;
  readonly duration: Histogram;

  constructor(registry: Registry, listener: string, command: string) {
    const labels = { listener, command };
    this.calls = registry.counter('padda_redis_commands_total', 'Redis commands by name.', labels);
    this.errors = registry.counter('padda_redis_command_errors_total', 'Redis commands answered with an error.', labels);
    this.duration = registry.histogram('padda_redis_command_duration_seconds', 'Time from a command\'s arrival to its answer.', labels);
  }

  /** One command answered after `elapsedMs`. */
  observe(elapsedMs: number, failed: boolean): void {
    this.calls.value++;
    if (failed) this.errors.value++;
    this.duration.observe(elapsedMs / 1000);
  }
}

/** One CommandMetrics per command, made on first use; keyed by the command table's object, not a string. */
export class CommandMetricsTable {
  private readonly byCommand = new Map<{ readonly name: string }, CommandMetrics>();
  private readonly registry: Registry;
  private readonly listener: string;

  constructor(registry: Registry, listener: string) {
    this.registry = registry;
    this.listener = listener;
  }

  get(command: { readonly name: string }): CommandMetrics {
    let metrics = this.byCommand.get(command);
    if (metrics === undefined) {
      metrics = new CommandMetrics(this.registry, this.listener, command.name);
      this.byCommand.set(command, metrics);
    }
    return metrics;
  }
}
