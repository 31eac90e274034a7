import { mergeReports } from '../admin/report.ts';
import { AdminServer, type AdminView } from '../admin/server.ts';
import { TwemproxyStatsServer } from '../admin/twemproxy-stats.ts';
import { displayConfig } from '../config/display.ts';
import { ConfigError, formatProblem } from '../config/problems.ts';
import type { PaddaConfig } from '../config/schema.ts';
import { reopenLogFile, shiftedLevel, type Logger, type LogLevel } from '../log.ts';
import { registerProcessMetrics } from '../metrics/process-metrics.ts';
import { Registry } from '../metrics/registry.ts';
import { formatAddress, type Address } from '../net/address.ts';
import { distributionName } from '../upstream/server-name.ts';
import type { ServerSpec } from '../upstream/server-spec.ts';
import { VERSION } from '../version.ts';
import { ConfigWatch } from './config-watch.ts';
import { LocalWorkers } from './local-workers.ts';
import type { ProcessReport, WorkerSet } from './process-report.ts';

export interface SupervisorOptions {
  file: string;
  load: (file: string) => Promise<PaddaConfig>;
  log: Logger;
  /** PADDA_LOG_LEVEL, which wins over the config's `log.level`. */
  logLevelOverride?: LogLevel;
  /** The log file (-o), which SIGHUP reopens; stdout when unset. */
  logFile?: string;
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
  /** PADDA_LOG_LEVEL, then whatever SIGTTIN and SIGTTOU made of it: wins over the config's level across reloads. */
  private levelOverride: LogLevel | undefined;

  constructor(options: SupervisorOptions) {
    this.options = options;
    this.log = options.log;
    this.levelOverride = options.logLevelOverride;
    this.registry.gauge('padda_build_info', 'Always 1; labels carry the version.', { version: VERSION, node: process.version }).set(1);
  }

  /** Throws ConfigError when the initial config is invalid; the caller prints it and exits 2. */
  async start(): Promise<void> {
    this.current = await this.load();
    this.effectiveLogLevel(this.current);
    this.log.level = this.current.log.level;
    if (this.current.workers > 1) {
      registerProcessMetrics(this.registry, 'supervisor');
      // Loaded only here: forking workers and sharing TLS ticket keys among them pulls in more of Node.
      const { WorkerPool } = await import('./worker-pool.ts');
      this.workers = new WorkerPool(this.log);
    } else {
      this.workers = new LocalWorkers(this.log);
    }
    this.admin = new AdminServer(this, this.log.child({ component: 'admin' }));
    await this.admin.listen(this.current.admin.listen).catch((error: Error) => {
      this.log.error({ err: error.message }, 'admin server cannot listen; /healthz, /ready and /metrics are unavailable');
    });
    this.stats = await this.bindTwemproxyStats(this.current.admin.twemproxy_stats).catch((error: Error) => {
      this.log.error({ err: error.message }, 'twemproxy stats port cannot listen');
      return null;
    });
    await (await this.workers.prepare(this.current, false)).commit();
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

  /**
   * SIGUSR1 or SIGHUP: logrotate moved the log files away; every process
   * writes to new ones of the same names: padda's own log (-o) and the
   * listeners' access and slow logs. (Before the start: its own log only.)
   */
  async reopenLogs(): Promise<void> {
    reopenLogFile(this.log);
    await this.workers?.adjustLog(this.current.log.level, true);
  }

  /** SIGTTIN (+1) and SIGTTOU (-1), as nutcracker: the log level one step more or less verbose, in every process, until the next such signal. */
  async shiftLogLevel(step: 1 | -1, signal: string): Promise<void> {
    const from = this.current.log.level;
    const to = shiftedLevel(from, step);
    const say = () => this.log.info({ signal, from, to }, 'log level changed');
    // Logged at the more verbose of the two levels, so the line shows under the one that lets it through.
    if (step < 0) say();
    this.levelOverride = to;
    this.current.log.level = to;
    this.log.level = to;
    if (step > 0) say();
    await this.workers.adjustLog(to, false);
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
      next = await this.load();
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems.map(formatProblem) : [(error as Error).message];
      for (const problem of problems) this.log.error({ trigger }, `config rejected: ${problem}`);
      this.log.warn({ trigger }, 'reload rejected; still serving the previous config');
      reloads('invalid').inc();
      this.lastReload = { result: 'invalid', trigger, at: new Date().toISOString(), problems };
      return;
    }
    const previous = this.current;
    this.effectiveLogLevel(next);
    if ((previous.workers > 1) !== (next.workers > 1)) {
      this.log.warn({ from: previous.workers, to: next.workers }, 'switching between one and several workers takes effect on restart');
      next.workers = previous.workers;
    }
    try {
      await this.swap(previous, next);
    } catch (error) {
      reloads('failed').inc();
      this.lastReload = { result: 'failed', trigger, at: new Date().toISOString(), problems: [(error as Error).message] };
      this.log.error({ trigger, err: (error as Error).message }, 'reload failed; still serving the previous config');
      return;
    }
    this.current = next;
    this.log.level = next.log.level;
    this.registry.gauge('padda_workers', 'Worker processes serving listeners.').set(this.workers.size);
    reloads('ok').inc();
    this.lastReload = { result: 'ok', trigger, at: new Date().toISOString() };
    this.log.info({ trigger, listeners: Object.keys(next.listeners) }, 'config reloaded');
  }

  /**
   * All or nothing: every new socket (listeners, admin, stats port) is bound
   * and every changed handler started before anything is swapped; if one
   * cannot be, the new ones are closed and the running config is untouched.
   */
  private async swap(previous: PaddaConfig, next: PaddaConfig): Promise<void> {
    const prepared = await this.workers.prepare(next, true);
    const moved = <T>(a: T, b: T) => JSON.stringify(a) !== JSON.stringify(b);
    let admin: AdminServer | null = null;
    let stats: TwemproxyStatsServer | null = null;
    try {
      if (moved(previous.admin.listen, next.admin.listen)) {
        admin = new AdminServer(this, this.log.child({ component: 'admin' }));
        await admin.listen(next.admin.listen).catch((error: Error) => {
          throw new Error(`admin server cannot listen on ${formatAddress(next.admin.listen)}: ${error.message}`);
        });
      }
      if (moved(previous.admin.twemproxy_stats, next.admin.twemproxy_stats)) stats = await this.bindTwemproxyStats(next.admin.twemproxy_stats);
    } catch (error) {
      await Promise.all([prepared.abort(), admin?.close(), stats?.close()]);
      throw error;
    }
    await prepared.commit();
    if (admin) [this.admin, admin] = [admin, this.admin];
    if (moved(previous.admin.twemproxy_stats, next.admin.twemproxy_stats)) [this.stats, stats] = [stats, this.stats];
    await Promise.all([admin?.close(), stats?.close()]);
  }

  /** The twemproxy-format stats port, bound; null when the config asks for none. */
  private async bindTwemproxyStats(address: Address | undefined): Promise<TwemproxyStatsServer | null> {
    if (address === undefined) return null;
    const stats = new TwemproxyStatsServer({
      collectMerged: async () => mergeReports(await this.collect()),
      pools: () =>
        Object.entries(this.current.listeners)
          .filter(([, l]) => l.mode === 'redis' || l.mode === 'memcache')
          .map(([listener, l]) => ({
            listener,
            // A Redis Cluster pool has no servers in its config: its nodes are learnt at run time.
            servers: ((l.servers as ServerSpec[] | undefined) ?? []).map((spec) => ({ label: spec.label, name: distributionName(spec) })),
          })),
      uptimeSeconds: () => Math.round((Date.now() - this.startedAt) / 1000),
      version: () => `padda ${VERSION}`,
    }, this.log);
    await stats.listen(address).catch((error: Error) => {
      throw new Error(`twemproxy stats port cannot listen on ${formatAddress(address)}: ${error.message}`);
    });
    return stats;
  }

  private load(): Promise<PaddaConfig> {
    return this.options.load(this.options.file);
  }

  /** The level a config runs at (what /config shows and workers get): the override's, if any. */
  private effectiveLogLevel(config: PaddaConfig): void {
    config.log.level = this.levelOverride ?? config.log.level;
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

