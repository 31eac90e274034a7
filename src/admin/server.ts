import http from 'node:http';
import type { Logger } from '../log.ts';
import type { FamilySnapshot } from '../metrics/registry.ts';
import { formatPrometheus, PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus.ts';
import type { ListenerConfigBase } from '../modes/mode.ts';
import { formatAddress, listenOn, type Address } from '../net/address.ts';
import type { ProcessReport } from '../runtime/process-report.ts';
import { BackendStatsCollector } from './backend-stats/collector.ts';
import { statsPools } from './backend-stats/pools.ts';
import { listenerStats, mergeReports, readiness } from './report.ts';

/** What the admin server asks of the daemon; the supervisor implements it. */
export interface AdminView {
  collect(): Promise<ProcessReport[]>;
  expectedWorkers(): number;
  listenerNames(): string[];
  /** The effective config, secrets redacted. */
  config(): unknown;
  /** Daemon-level facts for /stats: version, uptime, last reload. */
  daemon(): Record<string, unknown>;
  /** Adds the supervisor's own series (reloads, worker restarts). */
  ownMetrics(): FamilySnapshot[];
  /** The running listeners' configs as loaded (secrets included): backend stats read pools' servers and redis_auth. */
  listenerConfigs(): Readonly<Record<string, ListenerConfigBase & Record<string, unknown>>>;
}

const ROUTES = ['/healthz', '/ready', '/metrics', '/config', '/stats'];

/**
 * /healthz (the process is alive), /ready (every listener bound and able to
 * serve), /metrics (Prometheus, summed over workers), /config, /stats.
 */
export class AdminServer {
  private readonly server: http.Server;
  private readonly view: AdminView;
  private readonly log: Logger;
  private readonly backendStats: BackendStatsCollector;

  constructor(view: AdminView, log: Logger) {
    this.view = view;
    this.log = log;
    this.backendStats = new BackendStatsCollector(() => statsPools(view.listenerConfigs()), log);
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((error: Error) => {
        this.log.error({ err: error.message, path: req.url }, 'admin request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(address: Address): Promise<void> {
    await listenOn(this.server, address);
    this.log.info({ admin: formatAddress(address) }, 'admin server listening');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
        return text(res, 200, 'ok\n');
      case '/ready': {
        const report = readiness(await this.view.collect(), this.view.expectedWorkers(), this.view.listenerNames());
        return report.ready ? text(res, 200, 'ready\n') : text(res, 503, `not ready\n${report.reasons.join('\n')}\n`);
      }
      case '/metrics': {
        const [reports, backends] = await Promise.all([this.view.collect(), this.backendStats.collect()]);
        const body = formatPrometheus([...this.view.ownMetrics(), ...mergeReports(reports), ...backends]);
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE });
        res.end(body);
        return;
      }
      case '/config':
        return json(res, this.view.config());
      case '/stats': {
        const reports = await this.view.collect();
        return json(res, { ...this.view.daemon(), listeners: listenerStats(reports, mergeReports(reports)) });
      }
      case '/':
        return text(res, 200, `padda admin\n${ROUTES.join('\n')}\n`);
      default:
        return text(res, 404, `not found; try ${ROUTES.join(' ')}\n`);
    }
  }
}

function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: http.ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value, null, 2) + '\n');
}
