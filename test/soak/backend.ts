/**
 * A backend the chaos loop can hurt: a real server (redis-server, memcached
 * or a single-process nginx) on a fixed port that can be SIGKILLed and
 * started again on the same port, or SIGSTOPped and continued. Each backend
 * belongs to a group — the set of backends a client request may depend on —
 * so a failure can be judged expected (its group was under a fault) or not.
 */
import type { RunningServer } from '../support/servers.ts';

export type Starter = (port: number) => Promise<RunningServer>;

export class Backend {
  readonly name: string;
  readonly group: string;
  readonly port: number;
  private readonly start: Starter;
  private server: RunningServer;
  private stopped = false;

  private constructor(name: string, group: string, server: RunningServer, start: Starter) {
    this.name = name;
    this.group = group;
    this.port = server.port;
    this.server = server;
    this.start = start;
  }

  static async launch(name: string, group: string, start: Starter, port: number): Promise<Backend> {
    return new Backend(name, group, await start(port), start);
  }

  get pid(): number {
    return this.server.pid;
  }

  /** SIGKILL: the process vanishes mid-request, its sockets reset, as when a pod is OOM-killed. */
  kill(): void {
    signal(this.server.pid, 'SIGKILL');
  }

  /** Starts the program again on the same port, after kill(). */
  async restart(): Promise<void> {
    await this.server.stop();
    // A port in TIME_WAIT or a restart racing the old process's exit can fail once; try a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        this.server = await this.start(this.port);
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** SIGSTOP: the process holds its connections but answers nothing, like a hung or paging host. */
  pause(): void {
    this.stopped = true;
    signal(this.server.pid, 'SIGSTOP');
  }

  resume(): void {
    if (!this.stopped) return;
    this.stopped = false;
    signal(this.server.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.server.stop();
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone: the fault it meant is there anyway
  }
}
