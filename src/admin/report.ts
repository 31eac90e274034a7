import { mergeSnapshots } from '../metrics/merge.ts';
import type { FamilySnapshot } from '../metrics/registry.ts';
import type { ProcessReport } from '../runtime/process-report.ts';

export interface ReadinessReport {
  ready: boolean;
  reasons: string[];
}

/** Ready only when every worker reported and each of its listeners is bound and able to serve. */
export function readiness(reports: readonly ProcessReport[], expectedWorkers: number, listenerNames: readonly string[]): ReadinessReport {
  const reasons: string[] = [];
  if (reports.length < expectedWorkers) reasons.push(`${expectedWorkers - reports.length} of ${expectedWorkers} workers not answering`);
  for (const report of reports) {
    const seen = new Set(report.listeners.map((l) => l.name));
    for (const name of listenerNames) if (!seen.has(name)) reasons.push(`${report.role}: listener ${name} not started`);
    for (const listener of report.listeners) {
      if (listener.notReady !== null) reasons.push(`${report.role}: listener ${listener.name}: ${listener.notReady}`);
    }
  }
  return { ready: reasons.length === 0, reasons };
}

/** /stats: per listener, the totals across workers plus what each worker's mode reports. */
export function listenerStats(reports: readonly ProcessReport[], merged: readonly FamilySnapshot[]): Record<string, unknown> {
  const value = (family: string, listener: string) =>
    merged
      .find((f) => f.name === family)
      ?.samples.filter((s) => s.labels.listener === listener)
      .reduce((sum, s) => sum + (s.value ?? 0), 0) ?? 0;
  const out: Record<string, Record<string, unknown>> = {};
  for (const report of reports) {
    for (const listener of report.listeners) {
      const entry = (out[listener.name] ??= {
        mode: listener.mode,
        listen: listener.listen,
        ready: true,
        connections_active: value('padda_listener_connections_active', listener.name),
        connections_total: value('padda_listener_connections_total', listener.name),
        requests_total: value('padda_listener_requests_total', listener.name),
        errors_total: value('padda_listener_errors_total', listener.name),
        received_bytes_total: value('padda_listener_received_bytes_total', listener.name),
        sent_bytes_total: value('padda_listener_sent_bytes_total', listener.name),
        workers: {},
      });
      if (listener.notReady !== null) entry.ready = false;
      (entry.workers as Record<string, unknown>)[report.role] = { not_ready: listener.notReady, ...listener.stats };
    }
  }
  return out;
}

export function mergeReports(reports: readonly ProcessReport[]): FamilySnapshot[] {
  return mergeSnapshots(reports.map((r) => r.metrics));
}
