import type { Connection, ConnectionOptions } from 'mysql2';
import { formatAddress } from '../../../net/address.ts';
import { abortError } from '../../../probe/connection.ts';
import type { CheckConfig } from '../schema.ts';
import type { Check, CheckDetails } from './check.ts';

type MysqlCheckConfig = Extract<CheckConfig, { type: 'mysql' }>;

/**
 * The book's db-check: connect to MySQL (or MariaDB) with mysql2, run `query`
 * (default SELECT 1), disconnect. A fresh connection each run tests the
 * login too, so a changed password or a full max_connections fails the check.
 */
export class MysqlCheck implements Check {
  readonly type = 'mysql';
  readonly target: string;
  private readonly options: ConnectionOptions;
  private readonly query: string;

  constructor(config: MysqlCheckConfig, timeout: number) {
    this.target = formatAddress(config.address);
    this.query = config.query;
    this.options = {
      ...(config.address.kind === 'unix' ? { socketPath: config.address.path } : { host: config.address.host, port: config.address.port }),
      user: config.user,
      ...(config.password !== undefined ? { password: config.password } : {}),
      ...(config.database !== undefined ? { database: config.database } : {}),
      connectTimeout: timeout,
    };
  }

  async run(signal: AbortSignal): Promise<CheckDetails> {
    const { createConnection } = await import('mysql2');
    const connection = createConnection(this.options);
    // Errors after the query settled (a reset while closing) concern no one.
    connection.on('error', () => {});
    const aborted = () => connection.destroy();
    signal.addEventListener('abort', aborted, { once: true });
    try {
      const rows = await query(connection, this.query, signal);
      return { rows };
    } finally {
      signal.removeEventListener('abort', aborted);
      connection.destroy();
    }
  }
}

/** Runs `sql` once the handshake is done; the row count of a SELECT, or the rows a statement affected. */
function query(connection: Connection, sql: string, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
    connection.query(sql, (error, result) => {
      if (error) reject(new Error(error.code !== undefined && !error.message.startsWith(error.code) ? `${error.code}: ${error.message}` : error.message));
      else resolve(Array.isArray(result) ? result.length : ((result as { affectedRows?: number }).affectedRows ?? 0));
    });
  });
}
