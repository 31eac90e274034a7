import type { PaddaConfig } from '../config/schema.ts';
import type { Logger, LogLevel } from '../log.ts';
import { registerProcessMetrics } from '../metrics/process-metrics.ts';
import { Registry } from '../metrics/registry.ts';
import type { ProcessReport, WorkerSet } from './process-report.ts';
import { Runtime, type PreparedApply, type PrepareOptions } from './runtime.ts';

/** `workers: 1`: listeners run in the supervisor's own process, with no IPC on any path. */
export class LocalWorkers implements WorkerSet {
  readonly size = 1;
  private readonly registry = new Registry();
  private readonly runtime: Runtime;
  private readonly role: string;

  /** `role` names a forked worker, whose sockets share their ports with its siblings'. */
  constructor(log: Logger, role?: string) {
    this.role = role ?? 'main';
    registerProcessMetrics(this.registry, this.role);
    this.runtime = new Runtime(log, this.registry, role !== undefined);
  }

  prepare(config: PaddaConfig, strict: boolean, taken?: Record<string, string>): Promise<PreparedApply> {
    const options: PrepareOptions = { strict, ...(taken ? { taken } : {}) };
    return this.runtime.prepare(config, options);
  }

  claim(address: string): Promise<void> {
    return this.runtime.claim(address);
  }

  /** This process's logger is the supervisor's (or, in a worker, the worker's own): its owner adjusts it; the listeners' logs reopen here. */
  adjustLog(_level: LogLevel, reopen: boolean): Promise<void> {
    if (reopen) this.runtime.reopenLogs();
    return Promise.resolve();
  }

  collect(): Promise<ProcessReport[]> {
    return Promise.resolve([{ role: this.role, metrics: this.registry.snapshot(), listeners: this.runtime.status() }]);
  }

  shutdown(): Promise<void> {
    return this.runtime.shutdown();
  }
}
