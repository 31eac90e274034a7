/** Reading a health listener the way a kubelet and a person do. */
import { setTimeout as sleep } from 'node:timers/promises';
import { get } from '../../support/padda.ts';

export interface CheckReport {
  type: string;
  target: string;
  status: 'pass' | 'fail';
  reason: string | null;
  latency_ms: number | null;
  age_ms: number | null;
  consecutive_successes: number;
  consecutive_failures: number;
  last_error: { message: string; at: string } | null;
  details: Record<string, unknown>;
}

/** One check's entry of `/NAME?verbose`, and the status it answered. */
export async function checkReport(port: number, name: string): Promise<CheckReport & { http: number }> {
  const response = await get(`http://127.0.0.1:${port}/${name}?verbose`);
  const body = JSON.parse(response.body) as { checks: Record<string, CheckReport> };
  return { ...body.checks[name]!, http: response.status };
}

/** Polls a check until `wanted` holds of its report; the last report is in the error otherwise. */
export async function waitForCheck(port: number, name: string, wanted: (report: CheckReport) => boolean, timeoutMs = 10_000): Promise<CheckReport> {
  const deadline = Date.now() + timeoutMs;
  let last: CheckReport | null = null;
  while (Date.now() < deadline) {
    last = await checkReport(port, name);
    if (wanted(last)) return last;
    await sleep(50);
  }
  throw new Error(`check ${name} did not reach the wanted state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}
