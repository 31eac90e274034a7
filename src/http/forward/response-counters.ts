import type { Counter, Registry } from '../../metrics/registry.ts';

/**
 * `padda_http_responses_total{listener,code}`: responses sent to clients by
 * status class, padda's own errors included. One class for every HTTP mode,
 * so the series means the same whichever mode answered.
 */
export class ResponseCounters {
  /** Index 0 for 1xx … 4 for 5xx. */
  private readonly classes: Counter[];

  constructor(registry: Registry, listener: string) {
    const help = 'Responses sent to clients, by status class (padda\'s own errors included).';
    this.classes = ['1xx', '2xx', '3xx', '4xx', '5xx'].map((code) => registry.counter('padda_http_responses_total', help, { listener, code }));
  }

  count(status: number): void {
    const counter = this.classes[((status / 100) | 0) - 1];
    if (counter !== undefined) counter.value++;
  }
}
