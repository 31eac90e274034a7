import type net from 'node:net';
import type { Downstream } from '../../http/downstream/downstream.ts';
import { httpFront } from '../../http/front.ts';
import { originSettings } from '../../http/options.ts';
import { compileKey, type KeyTemplate } from '../../http/request-key/key-template.ts';
import { Origin } from '../../http/upstream/origin.ts';
import type { OriginAddress } from '../../http/upstream/origin-address.ts';
import { replicaAddresses } from '../../http/upstream/replica-options.ts';
import { ReplicaSet } from '../../http/upstream/replica-set.ts';
import type { ModeContext, ModeHandler } from '../mode.ts';
import { LeastRequest } from './least-request.ts';
import { Members } from './members.ts';
import { BalancePicker } from './picker.ts';
import type { Policy } from './policy.ts';
import { RingHash } from './ring-hash.ts';
import { RoundRobin } from './round-robin.ts';
import type { BalanceConfig } from './schema.ts';

/**
 * The book's replicated, load-balanced service (ch. 5): Downstream →
 * HttpProxy → one replica of the set, chosen by the policy, with the
 * replica set's passive ejection, active health checks and DNS refresh.
 */
export class Balance implements ModeHandler {
  private readonly config: BalanceConfig;
  private readonly set: ReplicaSet<Origin>;
  private readonly members: Members;
  private readonly downstream: Downstream;

  constructor(config: BalanceConfig, context: ModeContext) {
    this.config = config;
    // The replica set ejects by its own rules; the origins' own connect-failure ejection stays off.
    const settings = { ...originSettings(config.pool, config.timeouts.connect), failureLimit: 0 };
    const connect = (address: OriginAddress) => new Origin(address, settings, context.log);
    this.set = new ReplicaSet(context.listener, replicaAddresses(config.replicas.map((r) => r.address)), config, connect, context);
    this.members = new Members(this.set, config.replicas.map((r) => r.weight), config.slow_start ?? null);
    this.downstream = httpFront(new BalancePicker(this.policy()), config, context);
  }

  accept(socket: net.Socket): void {
    this.downstream.accept(socket);
  }

  start(): Promise<void> {
    this.set.start();
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    return this.set.available ? null : 'every replica is down';
  }

  async drain(): Promise<void> {
    await this.downstream.drain();
    await this.set.close();
  }

  destroy(): void {
    this.downstream.destroy();
    this.set.destroy();
  }

  stats(): Record<string, unknown> {
    const now = performance.now();
    const { replicas } = this.set.stats() as { replicas: Record<string, unknown>[] };
    return {
      connections: this.downstream.connectionCount,
      policy: this.config.policy,
      ...(this.config.policy === 'ring_hash' ? { key: this.config.key } : {}),
      available: this.set.available,
      replicas: this.members.all.map((m, i) => ({ ...replicas[i], weight: m.weight, effective_weight: this.members.weight(m, now) })),
    };
  }

  private policy(): Policy {
    switch (this.config.policy) {
      case 'round_robin':
        return new RoundRobin(this.members);
      case 'least_request':
        return new LeastRequest(this.members);
      case 'ring_hash':
        return new RingHash(this.members, compileKey(this.config.key) as KeyTemplate, new LeastRequest(this.members));
    }
  }
}
