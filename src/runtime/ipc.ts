import type { PaddaConfig } from '../config/schema.ts';
import type { LogLevel } from '../log.ts';
import type { ProcessReport } from './process-report.ts';

/**
 * Supervisor → worker. A reload is two-phase across workers: `prepare` in
 * every worker (new handlers started, new sockets bound), then `commit` in
 * every worker, or `abort` if any could not. `apply` does both at once, for a
 * worker's first config. `claim` binds a port the supervisor found taken and
 * has seen free again.
 */
export type ToWorker =
  | { type: 'apply'; id: number; config: PaddaConfig; taken: Record<string, string> }
  | { type: 'prepare'; id: number; config: PaddaConfig }
  | { type: 'commit'; id: number }
  | { type: 'abort'; id: number }
  | { type: 'claim'; id: number; address: string }
  | { type: 'collect'; id: number }
  | { type: 'log'; id: number; level: LogLevel; reopen: boolean }
  | { type: 'shutdown' };

/** Worker → supervisor; `id` echoes the request. */
export type FromWorker =
  | { type: 'done'; id: number; error?: string }
  | { type: 'report'; id: number; report: ProcessReport };
