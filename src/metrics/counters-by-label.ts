import type { Counter, Labels, Registry } from './registry.ts';

/**
 * One counter per value of a label whose values are not known in advance
 * (an error's reason): each series is made on first use, off the hot path,
 * and later increments are a map lookup and a field increment.
 */
export class CountersByLabel {
  private readonly registry: Registry;
  private readonly name: string;
  private readonly help: string;
  private readonly labels: Labels;
  private readonly label: string;
  private readonly counters = new Map<string, Counter>();

  constructor(registry: Registry, name: string, help: string, labels: Labels, label: string) {
    this.registry = registry;
    this.name = name;
    this.help = help;
    this.labels = labels;
    this.label = label;
  }

  inc(value: string, by = 1): void {
    let counter = this.counters.get(value);
    if (counter === undefined) {
      counter = this.registry.counter(this.name, this.help, { ...this.labels, [this.label]: value });
      this.counters.set(value, counter);
    }
    counter.value += by;
  }
}
