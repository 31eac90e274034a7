import { mergeReports } from '../admin/report.ts';
import { AdminServer, type AdminView } from '../admin/server.ts';
import { TwemproxyStatsServer } from '../admin/twemproxy-stats.ts';
import { displayConfig } from '../config/display.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import type { PaddaConfig } from '../config/schema.ts';
import type { Logger, LogLevel } from '../log.ts';
import { registerProcessMetrics } from '../metrics/process-metrics.ts';
import { Registry } from '../metrics/registry.ts';
import { formatAddress, type Address } from '../net/address.ts';
import { distributionName } from '../upstream/server-name.ts';
import type { ServerSpec } from '../upstream/server-spec.ts';
import { VERSION } from '../version.ts';
import { ConfigWatch } from './config-watch.ts';
import { LocalWorkers } from './local-workers.ts';
import type { ProcessReport, WorkerSet } from './process-report.ts';
import { WorkerPool } from './worker-pool.ts';

export interface SupervisorOptions {
  file: string;
  load: (file: string) => PaddaConfig;
  log: Logger;
  /** PADDA_LOG_LEVEL, which wins over the config's `log.level`. */
  logLevelOverride?: LogLevel;
}

/**
 * The daemon's top: loads the config, runs the listeners (in-process or in
 * workers), serves the admin endpoints, and turns signals and file changes
 * into reloads and a graceful stop. A reload that does not validate is
 * logged problem by problem and the running config stays.
 */
export class Supervisor implements AdminView {
  private readonly options: SupervisorOptions;
  private readonly log: Logger;
  private readonly registry = new Registry();
  private readonly startedAt = Date.now();
  private current!: PaddaConfig;
  private workers!: WorkerSet;
  private admin!: AdminServer;
  private stats: TwemproxyStatsServer | null = null;
  private watch: ConfigWatch | null = null;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private stopping: Promise<void> | null = null;
  private lastReload: Record<string, unknown> = { result: 'none' };

  constructor(options: SupervisorOptions) {
    this.options = options;
    this.log = options.log;
    this.registry.gauge('padda_build_info', 'Always 1; labels carry the version.', { version: VERSION, node: process.version }).set(1);
  }

  /** Throws ConfigError when the initial config is invalid; the caller prints it and exits 2. */
  async start(): Promise<void> {
    this.current = this.load();
    this.applyLogLevel();
    if (this.current.workers > 1) {
      registerProcessMetrics(this.registry, 'supervisor');
      this.workers = new WorkerPool(this.log, this.current);
    } else {
      this.workers = new LocalWorkers(this.log);
    }
    this.admin = new AdminServer(this, this.log.child({ component: 'admin' }));
    await this.admin.listen(this.current.admin.listen).catch((error: Error) => {
      this.log.error({ err: error.message }, 'admin server cannot listen; /healthz, /ready and /metrics are unavailable');
    });
    await this.startTwemproxyStats();
    await this.workers.apply(this.current);
    this.registry.gauge('padda_workers', 'Worker processes serving listeners.').set(this.workers.size);
    this.watch = new ConfigWatch(this.options.file, () => this.reload('file change'));
    this.watch.start();
    this.log.info({ version: VERSION, config: this.options.file, workers: this.workers.size, listeners: Object.keys(this.current.listeners) }, 'padda started');
  }

  /** Addresses of the running listeners, for the startup summary. */
  listeners(): Array<{ name: string; mode: string; listen: string; tlsCert?: string }> {
    return Object.entries(this.current.listeners).map(([name, l]) => {
      const tlsCert = (l as { tls?: { cert?: string } }).tls?.cert;
      return { name, mode: l.mode, listen: formatAddress(l.listen), ...(tlsCert ? { tlsCert } : {}) };
    });
  }

  adminAddress(): string {
    return formatAddress(this.current.admin.listen);
  }

  /** Coalesces: reloads asked for while one runs collapse into one more. */
  reload(trigger: string): void {
    if (this.stopping) return;
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    this.reloading = this.reloadOnce(trigger).finally(() => {
      this.reloading = null;
      if (this.reloadAgain) {
        this.reloadAgain = false;
        this.reload(trigger);
      }
    });
  }

  stop(signal: string): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info({ signal, drainTimeoutMs: this.current.drain_timeout }, 'stopping: draining in-flight work');
      this.watch?.stop();
      await this.reloading;
      await this.workers.shutdown();
      await this.stats?.close();
      await this.admin.close();
      this.log.info('stopped');
    })();
    return this.stopping;
  }

  private async reloadOnce(trigger: string): Promise<void> {
    this.watch?.remember();
    const reloads = (result: string) => this.registry.counter('padda_config_reloads_total', 'Config reloads by result.', { result });
    let next: PaddaConfig;
    try {
      next = this.load();
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems.map(formatProblem) : [(error as Error).message];
      for (const problem of problems) this.log.error({ trigger }, `config rejected: ${problem}`);
      this.log.warn({ trigger }, 'reload rejected; still serving the previous config');
      reloads('invalid').inc();
      this.lastReload = { result: 'invalid', trigger, at: new Date().toISOString(), problems };
      return;
    }
    const previous = this.current;
    try {
      if (JSON.stringify(next.admin.listen) !== JSON.stringify(previous.admin.listen)) await this.moveAdmin(previous.admin.listen, next.admin.listen);
      const statsChanged = JSON.stringify(next.admin.twemproxy_stats) !== JSON.stringify(previous.admin.twemproxy_stats);
      this.current = next;
      this.applyLogLevel();
      if ((previous.workers > 1) !== (next.workers > 1)) {
        this.log.warn({ from: previous.workers, to: next.workers }, 'switching between one and several workers takes effect on restart');
        next.workers = previous.workers;
      }
      await this.workers.apply(next);
      if (statsChanged) {
        await this.stats?.close();
        this.stats = null;
        await this.startTwemproxyStats();
      }
      this.registry.gauge('padda_workers', 'Worker processes serving listeners.').set(this.workers.size);
      reloads('ok').inc();
      this.lastReload = { result: 'ok', trigger, at: new Date().toISOString() };
      this.log.info({ trigger, listeners: Object.keys(next.listeners) }, 'config reloaded');
    } catch (error) {
      // /config keeps showing the config that is running; listeners the failed apply did change are reloaded again by the next SIGHUP.
      this.current = previous;
      this.applyLogLevel();
      reloads('failed').inc();
      this.lastReload = { result: 'failed', trigger, at: new Date().toISOString(), problems: [(error as Error).message] };
      this.log.error({ trigger, err: (error as Error).message }, 'reload failed; listeners not changed keep serving');
    }
  }

  /** Rebinds the admin server; if the new address cannot be bound, it goes back to the old one. */
  private async moveAdmin(from: Address, to: Address): Promise<void> {
    await this.admin.close();
    try {
      await this.admin.listen(to);
    } catch (error) {
      await this.admin.listen(from);
      throw new Error(`admin server cannot listen on ${formatAddress(to)}: ${(error as Error).message}`);
    }
  }

  private async startTwemproxyStats(): Promise<void> {
    const address = this.current.admin.twemproxy_stats;
    if (address === undefined) return;
    this.stats = new TwemproxyStatsServer({
      collectMerged: async () => mergeReports(await this.collect()),
      pools: () =>
        Object.entries(this.current.listeners)
          .filter(([, l]) => l.mode === 'redis' || l.mode === 'memcache')
          .map(([listener, l]) => ({
            listener,
            servers: (l.servers as ServerSpec[]).map((spec) => ({ label: spec.label, name: distributionName(spec) })),
          })),
      uptimeSeconds: () => Math.round((Date.now() - this.startedAt) / 1000),
      version: () => `padda ${VERSION}`,
    }, this.log);
    await this.stats.listen(address).catch((error: Error) => {
      this.log.error({ err: error.message, address: formatAddress(address) }, 'twemproxy stats port cannot listen');
    });
  }

  private load(): PaddaConfig {
    return this.options.load(this.options.file);
  }

  private applyLogLevel(): void {
    this.log.level = this.options.logLevelOverride ?? this.current.log.level;
    this.current.log.level = this.log.level as LogLevel;
  }

  // AdminView
  collect(): Promise<ProcessReport[]> {
    return this.workers.collect();
  }
  expectedWorkers(): number {
    return this.workers.size;
  }
  listenerNames(): string[] {
    return Object.keys(this.current.listeners);
  }
  config(): unknown {
    return displayConfig(this.current);
  }
  daemon(): Record<string, unknown> {
    return {
      version: VERSION,
      node: process.version,
      pid: process.pid,
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      config_file: this.options.file,
      workers: this.workers.size,
      last_reload: this.lastReload,
    };
  }
  ownMetrics() {
    return this.registry.snapshot();
  }
  listenerConfigs() {
    return this.current.listeners;
  }
}

