import type { Logger } from '../log.ts';
import type { FamilySnapshot } from '../metrics/registry.ts';
import { formatPrometheus, PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus.ts';
import type { ListenerConfigBase } from '../modes/mode.ts';
import { formatAddress, type Address } from '../net/address.ts';
import type { ProcessReport } from '../runtime/process-report.ts';
import { AdminHttp, type AdminAnswer } from './admin-http.ts';
import { BackendStatsCollector } from './backend-stats/collector.ts';
import { statsPools } from './backend-stats/pools.ts';
import { StatusPage } from './status-page/status-page.ts';
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
  private readonly server: AdminHttp;
  private readonly view: AdminView;
  private readonly log: Logger;
  private readonly backendStats: BackendStatsCollector;
  private readonly statusPage = new StatusPage();

  constructor(view: AdminView, log: Logger) {
    this.view = view;
    this.log = log;
    this.backendStats = new BackendStatsCollector(() => statsPools(view.listenerConfigs()), log);
    this.server = new AdminHttp((method, path, query) =>
      this.route(method, path, query).catch((error: Error) => {
        this.log.error({ err: error.message, path }, 'admin request failed');
        return text(500, 'internal error\n');
      }),
    );
  }

  async listen(address: Address): Promise<void> {
    await this.server.listen(address);
    this.log.info({ admin: formatAddress(address) }, 'admin server listening');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async route(method: string, path: string, query: string): Promise<AdminAnswer> {
    if (method !== 'GET' && method !== 'HEAD') return { ...text(405, 'method not allowed\n'), headers: { allow: 'GET, HEAD' } };
    switch (path) {
      case '/healthz':
        return text(200, 'ok\n');
      case '/ready': {
        const report = readiness(await this.view.collect(), this.view.expectedWorkers(), this.view.listenerNames());
        return report.ready ? text(200, 'ready\n') : text(503, `not ready\n${report.reasons.join('\n')}\n`);
      }
      case '/metrics': {
        const [reports, backends] = await Promise.all([this.view.collect(), this.backendStats.collect()]);
        return { status: 200, type: PROMETHEUS_CONTENT_TYPE, body: formatPrometheus([...this.view.ownMetrics(), ...mergeReports(reports), ...backends]) };
      }
      case '/config':
        return json(this.view.config());
      case '/stats': {
        const reports = await this.view.collect();
        return json({ ...this.view.daemon(), listeners: listenerStats(reports, mergeReports(reports)) });
      }
      case '/': {
        const [reports, backends] = await Promise.all([this.view.collect(), this.backendStats.collect()]);
        const page = this.statusPage.render({ reports, extraSeries: backends, daemon: this.view.daemon() }, new URLSearchParams(query));
        // No script, no external asset: the policy makes sure of it, and of nothing a name could smuggle in.
        return { status: 200, type: 'text/html; charset=utf-8', body: page, headers: { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" } };
      }
      default:
        return text(404, `not found; try ${ROUTES.join(' ')}\n`);
    }
  }
}

function text(status: number, body: string): AdminAnswer {
  return { status, type: 'text/plain; charset=utf-8', body };
}

function json(value: unknown): AdminAnswer {
  return { status: 200, type: 'application/json', body: JSON.stringify(value, null, 2) + '\n' };
}
