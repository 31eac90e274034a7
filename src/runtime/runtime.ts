import type { PaddaConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { LogSinks } from '../logging/log-sinks.ts';
import { ListenerMetrics } from '../metrics/listener-metrics.ts';
import type { Registry } from '../metrics/registry.ts';
import { loadMode } from '../modes/index.ts';
import type { ListenerConfigBase, ModeHandler } from '../modes/mode.ts';
import { formatAddress } from '../net/address.ts';
import { Listener } from './listener.ts';

/** A handler's `start` may wait for backends; a reload does not wait longer than this to swap. */
const START_WAIT_MS = 5_000;

export interface ListenerStatus {
  name: string;
  mode: string;
  listen: string;
  /** Null when serving; otherwise why not. */
  notReady: string | null;
  stats: Record<string, unknown>;
}

export interface PrepareOptions {
  /**
   * A reload is all or nothing: a new socket that cannot bind, or a changed
   * listener that cannot serve, fails it and nothing changes. At start there
   * is nothing to keep, so such a port is retried while the rest serves.
   */
  strict: boolean;
  /** Addresses (as formatted) the supervisor found held by another process; bound on `claim`. */
  taken?: Readonly<Record<string, string>>;
}

/**
 * A config made ready to swap in: new handlers built and started, new sockets
 * bound. A new socket serves its new handler at once (the handler may be
 * needed to start another: a health check of a new listener), and an abort
 * closes it with its connections.
 */
export interface PreparedApply {
  commit(): Promise<void>;
  abort(): Promise<void>;
}

interface Running {
  key: string;
  config: ListenerConfigBase;
  listener: Listener;
  startError: string | null;
}

interface Change {
  name: string;
  /** The registry generation of the new handler's series (Registry.beginGeneration). */
  generation: number;
  config: ListenerConfigBase;
  key: string;
  handler: ModeHandler;
  listener: Listener | null;
  /** The socket was bound for this change (not kept from a running listener), so an abort closes it. */
  fresh: boolean;
  startError: string | null;
}

/**
 * The listeners of one process. Moving to a new config happens in two steps
 * so a reload is all or nothing: `prepare` builds and starts every changed
 * handler and binds every new socket, then `commit` swaps them in, or `abort`
 * throws them away. An unchanged
 * listener keeps its socket, handler and connections; a changed one gets its
 * new handler on the same socket (a socket stays with its address, even
 * across a rename), and the old handler drains.
 */
export class Runtime {
  private readonly running = new Map<string, Running>();
  private readonly log: Logger;
  private readonly registry: Registry;
  private readonly logs: LogSinks;
  private readonly reusePort: boolean;
  private drainTimeout = 30_000;
  private readonly draining = new Set<Promise<void>>();

  /** `reusePort` when this is one of several worker processes sharing every port. */
  constructor(log: Logger, registry: Registry, reusePort: boolean) {
    this.log = log;
    this.registry = registry;
    this.logs = new LogSinks(registry);
    this.reusePort = reusePort;
  }

  /** SIGUSR1 (and SIGHUP): every access and slow log file starts anew at its path, as logrotate expects. */
  reopenLogs(): void {
    this.logs.reopen();
  }

  async prepare(config: PaddaConfig, options: PrepareOptions): Promise<PreparedApply> {
    const wanted = Object.entries(config.listeners);
    const changes: Change[] = [];
    const abort = async () => {
      for (const change of changes) {
        change.handler.destroy();
        if (change.fresh) void change.listener?.close();
        if (!this.running.has(change.name)) this.registry.removeWhere('listener', change.name);
      }
    };
    try {
      for (const [name, listenerConfig] of wanted) {
        const key = JSON.stringify(listenerConfig);
        if (this.running.get(name)?.key === key) continue;
        const generation = this.registry.beginGeneration(name);
        changes.push({ name, config: listenerConfig, key, generation, handler: await this.createHandler(name, listenerConfig), listener: null, fresh: false, startError: null });
      }
      const kept = new Set(wanted.filter(([name]) => !changes.some((c) => c.name === name) && this.running.has(name)).map(([name]) => name));
      await Promise.all(changes.map((change) => this.attachSocket(change, kept, options)));
      await Promise.all(changes.map((change) => this.start(change)));
      if (options.strict) {
        for (const change of changes) {
          // A changed listener that cannot serve does not replace one that can.
          if (change.startError !== null && this.running.has(change.name)) throw new Error(`listener ${change.name}: ${change.startError}`);
        }
      }
    } catch (error) {
      await abort();
      throw error;
    }
    return { commit: async () => this.commit(config, changes), abort };
  }

  /** Binds the ports the supervisor was waiting for, now free. */
  async claim(address: string): Promise<void> {
    await Promise.all([...this.running.values()].filter((r) => formatAddress(r.listener.address) === address).map((r) => r.listener.claim()));
  }

  status(): ListenerStatus[] {
    return [...this.running].map(([name, { config, listener, startError }]) => ({
      name,
      mode: config.mode,
      listen: formatAddress(config.listen),
      notReady: listener.bindError ?? startError ?? listener.handler.notReadyReason(),
      stats: listener.handler.stats(),
    }));
  }

  /** Stops accepting everywhere, then waits for in-flight work up to the drain timeout. */
  async shutdown(): Promise<void> {
    for (const [name, entry] of this.running) {
      this.running.delete(name);
      void entry.listener.close();
      this.retire(name, entry.listener.handler);
      this.log.info({ listener: name }, 'listener stopped');
    }
    await Promise.all([...this.draining]);
  }

  /**
   * Gives a change a socket: the running one at the same address if that
   * listener is being changed, renamed or removed (so the port never stops
   * accepting), otherwise a new one bound now.
   */
  private async attachSocket(change: Change, kept: ReadonlySet<string>, options: PrepareOptions): Promise<void> {
    const address = formatAddress(change.config.listen);
    for (const [name, entry] of this.running) {
      if (kept.has(name) || formatAddress(entry.listener.address) !== address) continue;
      change.listener = entry.listener;
      return;
    }
    const taken = options.taken?.[address];
    change.fresh = true;
    change.listener = new Listener(change.config.listen, change.handler, this.log.child({ listener: change.name, mode: change.config.mode }), {
      backlog: backlogOf(change.config),
      reusePort: this.reusePort,
      ...(taken !== undefined ? { waitFor: taken } : {}),
    });
    await change.listener.bind(!options.strict);
    if (options.strict && change.listener.bindError !== null) throw new Error(`listener ${change.name}: ${change.listener.bindError}`);
  }

  private commit(config: PaddaConfig, changes: readonly Change[]): void {
    this.drainTimeout = config.drain_timeout;
    this.log.level = config.log.level;
    const before = new Map(this.running);
    const replaced = new Map<Listener, ModeHandler>();
    for (const change of changes) {
      const listener = change.listener!;
      if (!change.fresh) replaced.set(listener, listener.handler);
      listener.handler = change.handler;
      this.running.set(change.name, { key: change.key, config: change.config, listener, startError: change.startError });
    }
    for (const name of before.keys()) if (!(name in config.listeners)) this.running.delete(name);
    const inUse = new Set([...this.running.values()].map((r) => r.listener));
    for (const [name, old] of before) {
      if (this.running.get(name) === old) continue;
      if (!inUse.has(old.listener)) void old.listener.close();
      const handler = replaced.get(old.listener) ?? old.listener.handler;
      replaced.delete(old.listener);
      const removed = !this.running.has(name);
      const generation = changes.find((change) => change.name === name)?.generation;
      void this.retire(name, handler).then(() => {
        if (removed && !this.running.has(name)) this.registry.removeWhere('listener', name);
        // The series of servers, shards and variants the reload removed, now that the handler that counted them is gone.
        else if (generation !== undefined) this.registry.removeOlderThan(name, generation);
      });
      if (removed) this.log.info({ listener: name }, 'listener stopped');
    }
    for (const change of changes) {
      const listen = formatAddress(change.config.listen);
      this.log.info({ listener: change.name, mode: change.config.mode, listen }, before.has(change.name) ? 'listener reloaded' : 'listener started');
    }
  }

  /** Lets a handler that no longer gets connections finish, then cuts what is left at the deadline. */
  private retire(name: string, handler: ModeHandler): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log.warn({ listener: name, drainTimeoutMs: this.drainTimeout }, 'drain timeout: closing remaining connections');
        handler.destroy();
        resolve();
      }, this.drainTimeout);
    });
    const done = Promise.race([handler.drain(), deadline]).finally(() => {
      clearTimeout(timer);
      this.draining.delete(done);
    });
    this.draining.add(done);
    return done;
  }

  private async start(change: Change): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, START_WAIT_MS);
    });
    try {
      await Promise.race([change.handler.start(), waited]);
    } catch (error) {
      change.startError = (error as Error).message;
      this.log.error({ listener: change.name, err: change.startError }, 'listener cannot serve yet');
    } finally {
      clearTimeout(timer);
    }
  }

  private async createHandler(name: string, config: ListenerConfigBase): Promise<ModeHandler> {
    const mode = await loadMode(config.mode);
    if (!mode) throw new Error(`unknown mode ${config.mode}`);
    const log = this.log.child({ listener: name, mode: config.mode });
    return mode.create(config, { listener: name, log, metrics: new ListenerMetrics(this.registry, name, config.mode), registry: this.registry, logs: this.logs });
  }
}

/** twemproxy pools carry `backlog`; other modes take the kernel-friendly default. */
function backlogOf(config: ListenerConfigBase): number | undefined {
  const backlog = (config as { backlog?: unknown }).backlog;
  return typeof backlog === 'number' ? backlog : undefined;
}
