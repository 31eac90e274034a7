import { Client } from 'undici';
import type { Replica } from './replica.ts';
import type { HealthConfig } from './replica-options.ts';

/**
 * Active health checks of one replica: `GET path` every `interval`, each on
 * a fresh connection of its own — a pool busy with real traffic cannot make
 * a check wait, the connect itself is tested, and a host name is resolved
 * anew every time. 2xx and 3xx answers, in full within `timeout`, pass.
 */
export class HealthCheck {
  private readonly replica: Replica;
  private readonly config: HealthConfig;
  private readonly client: Client;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(replica: Replica, config: HealthConfig) {
    this.replica = replica;
    this.config = config;
    const address = replica.address;
    this.client = new Client(address.url, {
      connectTimeout: config.timeout,
      ...(address.socketPath ? { socketPath: address.socketPath } : {}),
    });
  }

  /** Checks at once (a dead replica is found within `timeout` of start), then every interval. */
  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), this.config.interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    void this.client.destroy().catch(() => {});
  }

  private async check(): Promise<void> {
    // A check still waiting for its timeout is not doubled up.
    if (this.running) return;
    this.running = true;
    let ok = false;
    let detail: string;
    try {
      const response = await this.client.request({
        path: this.config.path,
        method: 'GET',
        headers: { host: this.replica.address.host, 'user-agent': 'padda-health-check' },
        reset: true,
        signal: AbortSignal.timeout(this.config.timeout),
      });
      await response.body.dump({ limit: 64 * 1024 });
      ok = response.statusCode >= 200 && response.statusCode < 400;
      detail = `status ${response.statusCode}`;
    } catch (error) {
      detail = (error as Error).message;
    }
    this.running = false;
    if (this.timer !== null) this.replica.checked(ok, detail);
  }
}
