import type { PaddaConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { ListenerMetrics } from '../metrics/listener-metrics.ts';
import type { Registry } from '../metrics/registry.ts';
import { findMode } from '../modes/index.ts';
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

interface Running {
  key: string;
  config: ListenerConfigBase;
  listener: Listener;
  startError: string | null;
}

/**
 * The listeners of one process. `apply` moves from the running config to a
 * new one touching only what changed: an unchanged listener keeps its socket,
 * handler and connections; a changed one gets a new handler on the same
 * socket (or a new socket, if its address changed) and the old one drains.
 */
export class Runtime {
  private readonly running = new Map<string, Running>();
  private readonly log: Logger;
  private readonly registry: Registry;
  private drainTimeout = 30_000;
  private readonly draining = new Set<Promise<void>>();

  constructor(log: Logger, registry: Registry) {
    this.log = log;
    this.registry = registry;
  }

  async apply(config: PaddaConfig): Promise<void> {
    this.drainTimeout = config.drain_timeout;
    this.log.level = config.log.level;
    const wanted = new Map(Object.entries(config.listeners));
    // Build every new handler before touching anything, so a config that
    // validates but cannot be instantiated (an unreadable certificate, say)
    // leaves the running listeners exactly as they were.
    const changes: Array<{ name: string; config: ListenerConfigBase; key: string; handler: ModeHandler }> = [];
    try {
      for (const [name, listenerConfig] of wanted) {
        const key = JSON.stringify(listenerConfig);
        if (this.running.get(name)?.key === key) continue;
        changes.push({ name, config: listenerConfig, key, handler: await this.createHandler(name, listenerConfig) });
      }
    } catch (error) {
      for (const change of changes) change.handler.destroy();
      throw error;
    }
    const work: Promise<void>[] = [];
    for (const [name, entry] of this.running) {
      if (!wanted.has(name)) work.push(this.remove(name, entry));
    }
    for (const { name, config: listenerConfig, key, handler } of changes) {
      const current = this.running.get(name);
      work.push(current ? this.replace(name, current, listenerConfig, key, handler) : this.add(name, listenerConfig, key, handler));
    }
    await Promise.all(work);
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
    const work = [...this.running].map(([name, entry]) => this.remove(name, entry));
    await Promise.all([...work, ...this.draining]);
  }

  private async add(name: string, config: ListenerConfigBase, key: string, handler: ModeHandler): Promise<void> {
    const listener = new Listener(config.listen, handler, this.log.child({ listener: name, mode: config.mode }), backlogOf(config));
    const entry: Running = { key, config, listener, startError: null };
    this.running.set(name, entry);
    await Promise.all([listener.bind(), this.start(entry, handler)]);
    this.log.info({ listener: name, mode: config.mode, listen: formatAddress(config.listen) }, 'listener started');
  }

  private async replace(name: string, current: Running, config: ListenerConfigBase, key: string, handler: ModeHandler): Promise<void> {
    const next: Running = { key, config, listener: current.listener, startError: null };
    await this.start(next, handler);
    // A changed listener that cannot serve does not replace one that can: the reload fails and the old one stays.
    if (next.startError !== null) {
      handler.destroy();
      throw new Error(`listener ${name}: ${next.startError}`);
    }
    const sameAddress = JSON.stringify(config.listen) === JSON.stringify(current.config.listen);
    if (sameAddress) {
      const old = current.listener.handler;
      current.listener.handler = handler;
      this.running.set(name, next);
      this.retire(name, old);
    } else {
      next.listener = new Listener(config.listen, handler, this.log.child({ listener: name, mode: config.mode }), backlogOf(config));
      await next.listener.bind();
      if (next.listener.bindError !== null) {
        await next.listener.close();
        handler.destroy();
        throw new Error(`listener ${name}: ${next.listener.bindError}`);
      }
      this.running.set(name, next);
      await current.listener.close();
      this.retire(name, current.listener.handler);
    }
    this.log.info({ listener: name, mode: config.mode, listen: formatAddress(config.listen) }, 'listener reloaded');
  }

  private async remove(name: string, entry: Running): Promise<void> {
    this.running.delete(name);
    await entry.listener.close();
    await this.retire(name, entry.listener.handler);
    if (!this.running.has(name)) this.registry.removeWhere('listener', name);
    this.log.info({ listener: name }, 'listener stopped');
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

  private async start(entry: Running, handler: ModeHandler): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, START_WAIT_MS);
    });
    try {
      await Promise.race([handler.start(), waited]);
    } catch (error) {
      entry.startError = (error as Error).message;
      this.log.error({ err: entry.startError }, 'listener cannot serve yet');
    } finally {
      clearTimeout(timer);
    }
  }

  private createHandler(name: string, config: ListenerConfigBase): ModeHandler | Promise<ModeHandler> {
    const mode = findMode(config.mode);
    if (!mode) throw new Error(`unknown mode ${config.mode}`);
    const log = this.log.child({ listener: name, mode: config.mode });
    return mode.create(config, { listener: name, log, metrics: new ListenerMetrics(this.registry, name, config.mode), registry: this.registry });
  }
}

/** twemproxy pools carry `backlog`; other modes take the kernel-friendly default. */
function backlogOf(config: ListenerConfigBase): number | undefined {
  const backlog = (config as { backlog?: unknown }).backlog;
  return typeof backlog === 'number' ? backlog : undefined;
}
