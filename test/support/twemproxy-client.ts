import { Redis, type RedisOptions } from 'ioredis';

/**
 * An ioredis client twemproxy will talk to: ioredis opens with HELLO 3,
 * CLIENT SETINFO and an INFO ready check, and nutcracker closes the
 * connection on each. Loopback by address, since `localhost` may be ::1.
 */
export function twemproxyClient(port: number, options: RedisOptions = {}): Redis {
  return new Redis({ host: '127.0.0.1', port, protocol: 2, disableClientInfo: true, enableReadyCheck: false, ...options });
}
