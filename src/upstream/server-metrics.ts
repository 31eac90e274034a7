import { CountersByLabel } from '../metrics/counters-by-label.ts';
import type { Counter, Gauge, Histogram, Registry } from '../metrics/registry.ts';

/** Per-server series, labelled with the listener and the server as written in the config. */
export class ServerMetrics {
  /** The server as written in the config (its `server` label). */
  readonly name: string;
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly ejected: Gauge;
  readonly ejections: Counter;
  readonly ejectedAt: Gauge;
  readonly failedRequests: Counter;
  readonly connected: Gauge;
  readonly inFlight: Gauge;
  readonly sentBytes: Counter;
  readonly receivedBytes: Counter;
  readonly unsentBytes: Gauge;
  private readonly errors: CountersByLabel;

  constructor(registry: Registry, listener: string, server: string) {
    this.name = server;
    const labels = { listener, server };
    this.errors = new CountersByLabel(registry, 'padda_server_errors_total', 'Server failures by reason.', labels, 'reason');
    this.requests = registry.counter('padda_server_requests_total', 'Requests sent to a backend server.', labels);
    this.duration = registry.histogram('padda_server_request_duration_seconds', 'Time from sending a request to its reply.', labels);
    this.ejected = registry.gauge('padda_server_ejected', '1 while the server is ejected from the distribution.', labels);
    this.ejectedAt = registry.gauge('padda_server_ejected_timestamp_seconds', 'When the server was last ejected, seconds since the epoch; 0 if never.', labels);
    this.ejections = registry.counter('padda_server_ejections_total', 'Times the server was ejected.', labels);
    this.failedRequests = registry.counter('padda_server_failed_requests_total', 'Requests failed because their server connection failed.', labels);
    this.connected = registry.gauge('padda_server_connections', 'Open connections to the server.', labels);
    this.inFlight = registry.gauge('padda_server_in_flight_requests', 'Requests sent or queued to the server, not yet answered.', labels);
    this.sentBytes = registry.counter('padda_server_sent_bytes_total', 'Bytes sent to the server.', labels);
    this.receivedBytes = registry.counter('padda_server_received_bytes_total', 'Bytes received from the server.', labels);
    this.unsentBytes = registry.gauge('padda_server_unsent_bytes', 'Bytes waiting to be written to the server.', labels);
  }

  /** A request answered `elapsedMs` after it was sent. */
  answered(elapsedMs: number): void {
    this.requests.value++;
    this.duration.observe(elapsedMs / 1000);
  }

  error(reason: string): void {
    this.errors.inc(reason);
  }
}
