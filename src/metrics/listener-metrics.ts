import { CountersByLabel } from './counters-by-label.ts';
import type { Counter, Gauge, Histogram, Registry } from './registry.ts';

/**
 * The series every listener exports, whatever its mode. Modes hold this object
 * and bump its fields directly; the registry reads them at scrape time.
 */
export class ListenerMetrics {
  readonly connections: Counter;
  readonly activeConnections: Gauge;
  readonly requests: Counter;
  readonly receivedBytes: Counter;
  readonly sentBytes: Counter;
  readonly duration: Histogram;
  private readonly errors: CountersByLabel;

  constructor(registry: Registry, listener: string, mode: string) {
    const labels = { listener, mode };
    this.errors = new CountersByLabel(registry, 'padda_listener_errors_total', 'Errors by reason.', labels, 'reason');
    this.connections = registry.counter('padda_listener_connections_total', 'Client connections accepted.', labels);
    this.activeConnections = registry.gauge('padda_listener_connections_active', 'Client connections open now.', labels);
    this.requests = registry.counter('padda_listener_requests_total', 'Requests handled (for tcp: connections proxied).', labels);
    this.receivedBytes = registry.counter('padda_listener_received_bytes_total', 'Bytes received from clients.', labels);
    this.sentBytes = registry.counter('padda_listener_sent_bytes_total', 'Bytes sent to clients.', labels);
    this.duration = registry.histogram(
      'padda_listener_request_duration_seconds',
      'Time from request to last response byte (for tcp: connection lifetime).',
      labels,
    );
  }

  /** Counts an error by reason. */
  error(reason: string): void {
    this.errors.inc(reason);
  }
}
