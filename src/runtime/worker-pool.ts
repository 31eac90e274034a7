import { fork, type ChildProcess } from 'node:child_process';
import type { PaddaConfig } from '../config/schema.ts';
import type { Logger, LogLevel } from '../log.ts';
import { formatAddress } from '../net/address.ts';
import { newTicketSecret, TICKET_SECRET_ENV } from '../tls/ticket-keys.ts';
import { siblingEntry } from './entry-url.ts';
import type { FromWorker, ToWorker } from './ipc.ts';
import { probePort } from './port-probe.ts';
import type { ProcessReport, WorkerSet } from './process-report.ts';
import type { PreparedApply } from './runtime.ts';

const WORKER_ENTRY = siblingEntry('worker-main', import.meta.url);
const COLLECT_TIMEOUT_MS = 2_000;
const RESTART_MIN_MS = 250;
const RESTART_MAX_MS = 30_000;
/** A worker that stayed up this long earns its next crash a fresh, short backoff. */
const STABLE_MS = 60_000;
const PROBE_MIN_MS = 500;
const PROBE_MAX_MS = 10_000;

interface Slot {
  id: number;
  child: ChildProcess | null;
  startedAt: number;
  backoff: number;
}

/** A port found held by another process at start: probed again with backoff until free. */
interface TakenPort {
  reason: string;
  delay: number;
  timer: NodeJS.Timeout;
}

type Request = (id: number) => ToWorker;

/**
 * `workers: N`: N forked processes, each binding every listener with
 * SO_REUSEPORT so the kernel spreads connections. Before the workers bind a
 * port, the supervisor makes sure nothing else holds it (see probePort). A
 * worker that dies is restarted with exponential backoff and given the current config.
 */
export class WorkerPool implements WorkerSet {
  private readonly slots: Slot[] = [];
  /** One per supervisor, so every worker (restarted ones too) encrypts TLS session tickets alike. */
  private readonly ticketSecret = newTicketSecret();
  private readonly log: Logger;
  private readonly pending = new Map<number, (message: FromWorker) => void>();
  private readonly taken = new Map<string, TakenPort>();
  /** The config the workers run; null until the first commit. */
  private config: PaddaConfig | null = null;
  private nextId = 1;
  private stopping = false;

  constructor(log: Logger) {
    this.log = log;
  }

  get size(): number {
    return this.slots.length;
  }

  async prepare(config: PaddaConfig, strict: boolean): Promise<PreparedApply> {
    const found = await this.probeNewPorts(config, strict);
    const prepared = new Map<Slot, ChildProcess>();
    if (strict) {
      const live = this.slots.filter((slot) => slot.child !== null);
      const replies = await Promise.all(live.map((slot) => this.request(slot, (id) => ({ type: 'prepare', id, config }), 0)));
      live.forEach((slot, i) => replies[i] && prepared.set(slot, replies[i].child));
      const errors = replies.flatMap((r) => (r?.message.type === 'done' && r.message.error !== undefined ? [r.message.error] : []));
      if (errors.length > 0) {
        await this.all(live, (id) => ({ type: 'abort', id }));
        throw new Error([...new Set(errors)].join('; '));
      }
    }
    return {
      commit: () => this.commit(config, prepared, found),
      abort: () => this.all([...prepared.keys()], (id) => ({ type: 'abort', id })).then(() => {}),
    };
  }

  async collect(): Promise<ProcessReport[]> {
    const replies = await Promise.all(this.slots.map((slot) => this.request(slot, (id) => ({ type: 'collect', id }), COLLECT_TIMEOUT_MS)));
    return replies.flatMap((reply) => (reply?.message.type === 'report' ? [reply.message.report] : []));
  }

  async adjustLog(level: LogLevel, reopen: boolean): Promise<void> {
    await this.all(this.slots, (id) => ({ type: 'log', id, level, reopen }));
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const port of this.taken.values()) clearTimeout(port.timer);
    await Promise.all(this.slots.map((slot) => this.stopSlot(slot)));
  }

  /** Workers that prepared commit; any started since (a crash restart) get the whole config. */
  private async commit(config: PaddaConfig, prepared: Map<Slot, ChildProcess>, found: Map<string, string>): Promise<void> {
    this.config = config;
    for (const [address, reason] of found) this.watchTakenPort(address, reason);
    const extra = this.slots.splice(config.workers);
    for (const slot of extra) this.stopSlot(slot);
    const work = this.slots.map((slot) =>
      slot.child !== null && prepared.get(slot) === slot.child
        ? this.request(slot, (id) => ({ type: 'commit', id }), 0)
        : this.request(slot, (id) => this.applyMessage(id), 0),
    );
    while (this.slots.length < config.workers) work.push(this.spawn({ id: this.slots.length + 1, child: null, startedAt: 0, backoff: RESTART_MIN_MS }));
    const replies = await Promise.all(work);
    for (const reply of replies) {
      if (reply?.message.type === 'done' && reply.message.error) this.log.error({ err: reply.message.error }, 'worker could not apply the config');
    }
  }

  /**
   * Addresses the workers don't hold yet, probed. A reload fails on a taken
   * one; at start it is left to retry (see watchTakenPort) while the rest serves.
   */
  private async probeNewPorts(config: PaddaConfig, strict: boolean): Promise<Map<string, string>> {
    const held = new Set(Object.values(this.config?.listeners ?? {}).map((l) => formatAddress(l.listen)));
    const found = new Map<string, string>();
    for (const [name, listener] of Object.entries(config.listeners)) {
      const address = formatAddress(listener.listen);
      if (held.has(address)) continue;
      const reason = await probePort(listener.listen);
      if (reason === null) continue;
      if (strict) throw new Error(`listener ${name}: ${reason}`);
      found.set(address, reason);
    }
    return found;
  }

  private watchTakenPort(address: string, reason: string): void {
    this.log.error({ listen: address, retryInMs: PROBE_MIN_MS }, reason);
    const port: TakenPort = { reason, delay: PROBE_MIN_MS, timer: setTimeout(() => void this.probeAgain(address, port), PROBE_MIN_MS) };
    port.timer.unref();
    this.taken.set(address, port);
  }

  private async probeAgain(address: string, port: TakenPort): Promise<void> {
    const listener = Object.values(this.config?.listeners ?? {}).find((l) => formatAddress(l.listen) === address);
    if (this.stopping || listener === undefined) {
      this.taken.delete(address);
      return;
    }
    if ((await probePort(listener.listen)) === null) {
      this.taken.delete(address);
      this.log.info({ listen: address }, 'port free again: workers bind it');
      await this.all(this.slots, (id) => ({ type: 'claim', id, address }));
      return;
    }
    port.delay = Math.min(port.delay * 2, PROBE_MAX_MS);
    port.timer = setTimeout(() => void this.probeAgain(address, port), port.delay);
    port.timer.unref();
  }

  private applyMessage(id: number): ToWorker {
    const taken = Object.fromEntries([...this.taken].map(([address, port]) => [address, port.reason]));
    return { type: 'apply', id, config: this.config!, taken };
  }

  /** Forks the slot's worker and gives it the config; resolves with its answer. */
  private spawn(slot: Slot): Promise<{ child: ChildProcess; message: FromWorker } | null> {
    if (!this.slots.includes(slot)) this.slots.push(slot);
    const config = this.config!;
    const child = fork(WORKER_ENTRY, [], {
      env: { ...process.env, PADDA_WORKER_ID: String(slot.id), PADDA_LOG_LEVEL: config.log.level, [TICKET_SECRET_ENV]: this.ticketSecret },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    slot.startedAt = Date.now();
    child.on('message', (message: FromWorker) => this.pending.get(message.id)?.(message));
    child.once('exit', (code, signal) => this.exited(slot, child, code, signal));
    return this.request(slot, (id) => this.applyMessage(id), 0);
  }

  private exited(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    slot.child = null;
    if (this.stopping || !this.slots.includes(slot)) return;
    if (Date.now() - slot.startedAt > STABLE_MS) slot.backoff = RESTART_MIN_MS;
    this.log.error({ worker: slot.id, code, signal, restartInMs: slot.backoff }, 'worker exited; restarting');
    setTimeout(() => {
      if (this.stopping || !this.slots.includes(slot)) return;
      void this.spawn(slot);
    }, slot.backoff).unref();
    slot.backoff = Math.min(slot.backoff * 2, RESTART_MAX_MS);
  }

  private stopSlot(slot: Slot): Promise<void> {
    const child = slot.child;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      this.send(child, { type: 'shutdown' });
    });
  }

  private all(slots: readonly Slot[], make: Request): Promise<Array<{ child: ChildProcess; message: FromWorker } | null>> {
    return Promise.all(slots.map((slot) => this.request(slot, make, 0)));
  }

  /** Sends a request and waits for the reply with the same id; `timeoutMs` 0 waits as long as the worker lives. */
  private request(slot: Slot, make: Request, timeoutMs: number): Promise<{ child: ChildProcess; message: FromWorker } | null> {
    const child = slot.child;
    if (!child || !child.connected) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const finish = (message: FromWorker | null) => {
        this.pending.delete(id);
        clearTimeout(timer);
        child.off('exit', gone);
        resolve(message === null ? null : { child, message });
      };
      const gone = () => finish(null);
      const timer = timeoutMs > 0 ? setTimeout(gone, timeoutMs) : undefined;
      child.once('exit', gone);
      this.pending.set(id, finish);
      this.send(child, make(id));
    });
  }

  private send(child: ChildProcess, message: ToWorker): void {
    if (child.connected) child.send(message);
  }
}
