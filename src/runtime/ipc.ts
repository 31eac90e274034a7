import type { PaddaConfig } from '../config/schema.ts';
import type { ProcessReport } from './process-report.ts';

/** Supervisor → worker. */
export type ToWorker =
  | { type: 'apply'; id: number; config: PaddaConfig }
  | { type: 'collect'; id: number }
  | { type: 'shutdown' };

/** Worker → supervisor; `id` echoes the request. */
export type FromWorker =
  | { type: 'applied'; id: number; error?: string }
  | { type: 'report'; id: number; report: ProcessReport };
