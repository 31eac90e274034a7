import { fork, type ChildProcess } from 'node:child_process';
import type { PaddaConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { newTicketSecret, TICKET_SECRET_ENV } from '../tls/ticket-keys.ts';
import type { FromWorker, ToWorker } from './ipc.ts';
import type { ProcessReport, WorkerSet } from './process-report.ts';

const WORKER_ENTRY = new URL('./worker-main.ts', import.meta.url);
const COLLECT_TIMEOUT_MS = 2_000;
const RESTART_MIN_MS = 250;
const RESTART_MAX_MS = 30_000;
/** A worker that stayed up this long earns its next crash a fresh, short backoff. */
const STABLE_MS = 60_000;

interface Slot {
  id: number;
  child: ChildProcess | null;
  startedAt: number;
  backoff: number;
}

/**
 * `workers: N`: N forked processes, each binding every listener with
 * SO_REUSEPORT so the kernel spreads connections. A worker that dies is
 * restarted with exponential backoff and given the current config.
 */
export class WorkerPool implements WorkerSet {
  private readonly slots: Slot[] = [];
  /** One per supervisor, so every worker (restarted ones too) encrypts TLS session tickets alike. */
  private readonly ticketSecret = newTicketSecret();
  private readonly log: Logger;
  private readonly pending = new Map<number, (message: FromWorker) => void>();
  private config: PaddaConfig;
  private nextId = 1;
  private stopping = false;

  constructor(log: Logger, config: PaddaConfig) {
    this.log = log;
    this.config = config;
  }

  get size(): number {
    return this.slots.length;
  }

  async apply(config: PaddaConfig): Promise<void> {
    this.config = config;
    while (this.slots.length < config.workers) this.spawn({ id: this.slots.length + 1, child: null, startedAt: 0, backoff: RESTART_MIN_MS });
    const extra = this.slots.splice(config.workers);
    for (const slot of extra) this.stopSlot(slot);
    const results = await Promise.all(this.slots.map((slot) => this.request(slot, (id) => ({ type: 'apply', id, config }), 0)));
    const errors = results.filter((r): r is FromWorker & { type: 'applied' } => r?.type === 'applied' && r.error !== undefined);
    if (errors.length > 0) throw new Error(errors.map((e) => e.error).join('; '));
  }

  async collect(): Promise<ProcessReport[]> {
    const replies = await Promise.all(this.slots.map((slot) => this.request(slot, (id) => ({ type: 'collect', id }), COLLECT_TIMEOUT_MS)));
    return replies.flatMap((reply) => (reply?.type === 'report' ? [reply.report] : []));
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map((slot) => this.stopSlot(slot)));
  }

  private spawn(slot: Slot): void {
    if (!this.slots.includes(slot)) this.slots.push(slot);
    const child = fork(WORKER_ENTRY, [], {
      env: { ...process.env, PADDA_WORKER_ID: String(slot.id), PADDA_LOG_LEVEL: this.config.log.level, [TICKET_SECRET_ENV]: this.ticketSecret },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    slot.startedAt = Date.now();
    child.on('message', (message: FromWorker) => this.pending.get(message.id)?.(message));
    child.once('exit', (code, signal) => this.exited(slot, child, code, signal));
  }

  private exited(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    slot.child = null;
    if (this.stopping || !this.slots.includes(slot)) return;
    if (Date.now() - slot.startedAt > STABLE_MS) slot.backoff = RESTART_MIN_MS;
    this.log.error({ worker: slot.id, code, signal, restartInMs: slot.backoff }, 'worker exited; restarting');
    setTimeout(() => {
      if (this.stopping || !this.slots.includes(slot)) return;
      this.spawn(slot);
      void this.request(slot, (id) => ({ type: 'apply', id, config: this.config }), 0);
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

  /** Sends a request and waits for the reply with the same id; `timeoutMs` 0 waits as long as the worker lives. */
  private request(slot: Slot, make: (id: number) => ToWorker, timeoutMs: number): Promise<FromWorker | null> {
    const child = slot.child;
    if (!child || !child.connected) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const finish = (reply: FromWorker | null) => {
        this.pending.delete(id);
        clearTimeout(timer);
        child.off('exit', gone);
        resolve(reply);
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
