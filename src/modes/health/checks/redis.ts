import { formatAddress } from '../../../net/address.ts';
import { ProbeConnection } from '../../../probe/connection.ts';
import { parseInfo, redisAuth, redisCall } from '../../../probe/redis.ts';
import type { CheckConfig } from '../schema.ts';
import { CheckFailure, type Check, type CheckDetails } from './check.ts';

type RedisCheckConfig = Extract<CheckConfig, { type: 'redis' }>;

/**
 * PING on a fresh connection (after AUTH when a password is set); with
 * `role` or `max_lag`, INFO replication too. A replica's lag is
 * master_last_io_seconds_ago: how long since it last heard from its master,
 * which pings it every repl-ping-replica-period (10 s by default).
 */
export class RedisCheck implements Check {
  readonly type = 'redis';
  readonly target: string;
  private readonly config: RedisCheckConfig;

  constructor(config: RedisCheckConfig) {
    this.config = config;
    this.target = formatAddress(config.address);
  }

  async run(signal: AbortSignal): Promise<CheckDetails> {
    const connection = await ProbeConnection.open(this.config.address, signal);
    try {
      await redisAuth(connection, this.config.user, this.config.password);
      const pong = await redisCall(connection, 'PING');
      if (pong !== 'PONG') throw new CheckFailure(`PING answered ${JSON.stringify(pong)}`);
      if (this.config.role === undefined && this.config.max_lag === undefined) return {};
      const info = await redisCall(connection, 'INFO', 'replication');
      return this.replication(parseInfo(String(info)));
    } finally {
      connection.close();
    }
  }

  private replication(info: Map<string, string>): CheckDetails {
    const role = info.get('role') === 'slave' ? 'replica' : (info.get('role') ?? 'unknown');
    const details: CheckDetails = { role };
    if (this.config.role !== undefined && role !== this.config.role) throw new CheckFailure(`role is ${role}, not ${this.config.role}`, details);
    if (role !== 'replica' || this.config.max_lag === undefined) return details;
    const link = info.get('master_link_status') ?? 'unknown';
    details.master_link_status = link;
    if (link !== 'up') throw new CheckFailure(`link to master is ${link}`, details);
    const lagSeconds = Number(info.get('master_last_io_seconds_ago'));
    details.lag_seconds = lagSeconds;
    if (!(lagSeconds * 1000 <= this.config.max_lag)) throw new CheckFailure(`replica last heard from its master ${lagSeconds} s ago (max_lag ${this.config.max_lag / 1000} s)`, details);
    return details;
  }
}
