import type { CheckConfig, CheckTiming } from '../schema.ts';
import type { Check } from './check.ts';
import { HttpCheck } from './http.ts';
import { MemcacheCheck } from './memcache.ts';
import { MysqlCheck } from './mysql.ts';
import { RedisCheck } from './redis.ts';
import { TcpCheck } from './tcp.ts';
import { TlsCheck } from './tls.ts';

export function createCheck(config: CheckConfig, timing: CheckTiming): Check {
  switch (config.type) {
    case 'tcp':
      return new TcpCheck(config);
    case 'http':
      return new HttpCheck(config);
    case 'tls':
      return new TlsCheck(config);
    case 'redis':
      return new RedisCheck(config);
    case 'memcache':
      return new MemcacheCheck(config);
    case 'mysql':
      return new MysqlCheck(config, timing.timeout);
  }
}
