import type { PaddaConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { registerProcessMetrics } from '../metrics/process-metrics.ts';
import { Registry } from '../metrics/registry.ts';
import type { ProcessReport, WorkerSet } from './process-report.ts';
import { Runtime } from './runtime.ts';

/** `workers: 1`: listeners run in the supervisor's own process, with no IPC on any path. */
export class LocalWorkers implements WorkerSet {
  readonly size = 1;
  private readonly registry = new Registry();
  private readonly runtime: Runtime;
  private readonly role: string;

  constructor(log: Logger, role = 'main') {
    this.role = role;
    registerProcessMetrics(this.registry, role);
    this.runtime = new Runtime(log, this.registry);
  }

  apply(config: PaddaConfig): Promise<void> {
    return this.runtime.apply(config);
  }

  collect(): Promise<ProcessReport[]> {
    return Promise.resolve([{ role: this.role, metrics: this.registry.snapshot(), listeners: this.runtime.status() }]);
  }

  shutdown(): Promise<void> {
    return this.runtime.shutdown();
  }
}
