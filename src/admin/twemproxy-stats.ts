import net from 'node:net';
import os from 'node:os';
import type { Logger } from '../log.ts';
import type { FamilySnapshot, Labels } from '../metrics/registry.ts';
import { listenOn, type Address } from '../net/address.ts';

/** What the stats port needs of the daemon: merged metrics and which listeners are twemproxy pools. */
export interface TwemproxyStatsView {
  collectMerged(): Promise<FamilySnapshot[]>;
  /** The redis and memcache listeners, with each server's metric label and the name twemproxy reports it by. */
  pools(): Array<{ listener: string; servers: Array<{ label: string; name: string }> }>;
  uptimeSeconds(): number;
  version(): string;
}

/**
 * twemproxy's stats port (nutcracker -s): every connection gets one JSON
 * document and is closed, so dashboards and checks built for nutcracker keep
 * working. Pools are the redis and memcache listeners; their numbers come
 * from padda's own metrics (see the field mapping below).
 */
export class TwemproxyStatsServer {
  private readonly server: net.Server;

  constructor(view: TwemproxyStatsView, log: Logger) {
    this.server = net.createServer((socket) => {
      socket.on('error', () => {});
      view.collectMerged().then(
        (merged) => socket.end(JSON.stringify(twemproxyStats(merged, view)) + '\n'),
        (error: Error) => {
          log.error({ err: error.message }, 'twemproxy stats failed');
          socket.destroy();
        },
      );
    });
  }

  listen(address: Address): Promise<void> {
    return listenOn(this.server, address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function twemproxyStats(merged: readonly FamilySnapshot[], view: Pick<TwemproxyStatsView, 'pools' | 'uptimeSeconds' | 'version'>): Record<string, unknown> {
  const sum = (family: string, match: Labels) =>
    merged
      .find((f) => f.name === family)
      ?.samples.filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
      .reduce((total, s) => total + (s.value ?? 0), 0) ?? 0;

  const out: Record<string, unknown> = {
    service: 'nutcracker',
    source: os.hostname(),
    version: view.version(),
    uptime: view.uptimeSeconds(),
    timestamp: Math.floor(Date.now() / 1000),
  };
  let total = 0;
  let current = 0;
  for (const { listener, servers } of view.pools()) {
    const l = { listener };
    const accepted = sum('padda_listener_connections_total', l);
    const open = sum('padda_listener_connections_active', l);
    // nutcracker's client_err: clients closed for bad input or by a reset (client_close_stats).
    const clientErrors = sum('padda_listener_errors_total', { listener, reason: 'protocol' }) + sum('padda_listener_errors_total', { listener, reason: 'client_reset' });
    total += accepted;
    current += open;
    const pool: Record<string, unknown> = {
      // Every client that closed without an error closed by EOF.
      client_eof: Math.max(0, accepted - open - clientErrors),
      client_err: clientErrors,
      client_connections: open,
      server_ejects: sum('padda_server_ejections_total', l),
      forward_error: sum('padda_server_failed_requests_total', l),
      fragments: sum('padda_pool_fragments_total', l),
    };
    for (const { label: server, name } of servers) {
      const s = { listener, server };
      const requests = sum('padda_server_requests_total', s);
      pool[name] = {
        server_eof: sum('padda_server_errors_total', { ...s, reason: 'eof' }),
        server_err: sum('padda_server_errors_total', s) - sum('padda_server_errors_total', { ...s, reason: 'eof' }) - sum('padda_server_errors_total', { ...s, reason: 'timeout' }),
        server_timedout: sum('padda_server_errors_total', { ...s, reason: 'timeout' }),
        server_connections: sum('padda_server_connections', s),
        // twemproxy reports microseconds since the epoch.
        server_ejected_at: Math.round(sum('padda_server_ejected_timestamp_seconds', s) * 1e6),
        requests: requests + sum('padda_server_in_flight_requests', s),
        request_bytes: sum('padda_server_sent_bytes_total', s),
        responses: requests,
        response_bytes: sum('padda_server_received_bytes_total', s),
        // padda writes a turn's requests in the same turn: what waits is bytes the kernel has not taken.
        in_queue_bytes: sum('padda_server_unsent_bytes', s),
        out_queue: sum('padda_server_in_flight_requests', s),
      };
    }
    out[listener] = pool;
  }
  out.total_connections = total;
  out.curr_connections = current;
  return out;
}
