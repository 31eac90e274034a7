import type { FamilySnapshot } from '../metrics/registry.ts';
import type { ListenerStatus } from './runtime.ts';

/** What one serving process tells the admin server at scrape time. */
export interface ProcessReport {
  role: string;
  metrics: FamilySnapshot[];
  listeners: ListenerStatus[];
}

/** The processes that run listeners: this one alone, or forked workers. */
export interface WorkerSet {
  readonly size: number;
  apply(config: import('../config/schema.ts').PaddaConfig): Promise<void>;
  collect(): Promise<ProcessReport[]>;
  shutdown(): Promise<void>;
}
