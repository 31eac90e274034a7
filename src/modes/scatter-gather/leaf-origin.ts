import { Pool } from 'undici';
import type { Logger } from '../../log.ts';
import {
  BODY_TIMEOUT, CLOSING, CONNECT_TIMEOUT, RESET, RESPONSE_TIMEOUT, socketFailure, type Failure,
} from '../../http/errors.ts';
import type { ConnectionPoolConfig } from '../../http/options.ts';
import { FailureLog } from '../../http/upstream/failure-log.ts';
import type { OriginAddress } from '../../http/upstream/origin-address.ts';
import type { ReplicaOrigin } from '../../http/upstream/replica.ts';

/**
 * A leaf replica's connections: an undici Pool. The root reads each leaf
 * answer whole to merge it and sends one body to every leaf, which is
 * undici's request shape; the proxying modes stream through padda's own
 * pools instead.
 */
export class LeafOrigin implements ReplicaOrigin {
  readonly host: string;
  readonly pool: Pool;
  private readonly label: string;
  private readonly failures: FailureLog;

  constructor(address: OriginAddress, pool: ConnectionPoolConfig, connectTimeout: number, log: Logger) {
    this.label = address.label;
    this.host = address.host;
    this.failures = new FailureLog(address.label, log);
    this.pool = new Pool(address.url, {
      connections: pool.connections,
      keepAliveTimeout: pool.keepalive_timeout,
      connectTimeout,
      ...(address.socketPath ? { socketPath: address.socketPath } : {}),
    });
  }

  failed(reason: string, error: Error | null): void {
    this.failures.failed(reason, error);
  }

  stats(): Record<string, unknown> {
    const { connected, free, pending, running } = this.pool.stats;
    return { upstream: this.label, connected, free, pending, running };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  destroy(): void {
    void this.pool.destroy().catch(() => {});
  }
}

/** The failure of an undici error: its own codes, then the socket's errno. */
export function undiciFailure(error: Error): Failure {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return CONNECT_TIMEOUT;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return RESPONSE_TIMEOUT;
    case 'UND_ERR_BODY_TIMEOUT':
      return BODY_TIMEOUT;
    case 'UND_ERR_SOCKET':
      return RESET;
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return CLOSING;
    default:
      return socketFailure(error, true);
  }
}
