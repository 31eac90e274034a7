import type { PaddaConfig } from '../config/schema.ts';
import type { LogLevel } from '../log.ts';
import type { FamilySnapshot } from '../metrics/registry.ts';
import type { ListenerStatus, PreparedApply } from './runtime.ts';

/** What one serving process tells the admin server at scrape time. */
export interface ProcessReport {
  role: string;
  metrics: FamilySnapshot[];
  listeners: ListenerStatus[];
}

/** The processes that run listeners: this one alone, or forked workers. */
export interface WorkerSet {
  readonly size: number;
  /** See Runtime.prepare: with `strict` (a reload), nothing changes unless everything can. */
  prepare(config: PaddaConfig, strict: boolean): Promise<PreparedApply>;
  collect(): Promise<ProcessReport[]>;
  /** Sets every serving process's log level, and with `reopen` reopens its log file (SIGHUP under logrotate). */
  adjustLog(level: LogLevel, reopen: boolean): Promise<void>;
  shutdown(): Promise<void>;
}
