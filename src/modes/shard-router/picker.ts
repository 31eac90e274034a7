import type { Origin } from '../../http/origin.ts';
import type { Replica } from '../../http/replica.ts';
import type { ProxiedRequest } from '../../http/request-head.ts';
import type { ResponseHeaders } from '../../http/response-head.ts';
import type { TargetPicker } from '../../http/target.ts';
import { compileKey, type KeyTemplate } from './key-template.ts';
import type { ShardRouterConfig } from './schema.ts';
import type { ShardTable } from './shard-table.ts';

/** What the router decided for a request, kept on the request until the exchange ends. */
interface Route {
  shard: number;
  replica: Replica;
}

const kRoute = Symbol('padda.shardRoute');
type Routed = ProxiedRequest & { [kRoute]?: Route };

/**
 * The shard router's TargetPicker: the request's key picks the shard, then
 * power-of-two-choices picks one of the shard's replicas. A retry routes the
 * key again (the shard may have gone down meanwhile) and avoids the replica
 * that failed. The shard's in-flight count, for bounded loads, and the
 * replica's are released when the attempt ends.
 */
export class ShardPicker implements TargetPicker {
  private readonly table: ShardTable;
  private readonly key: KeyTemplate;
  private readonly fallback: KeyTemplate;
  respond?: (request: ProxiedRequest, status: number, headers: ResponseHeaders) => void;

  constructor(table: ShardTable, config: ShardRouterConfig) {
    this.table = table;
    this.key = compileKey(config.key) as KeyTemplate;
    this.fallback = compileKey(config.key_fallback) as KeyTemplate;
    if (config.shard_header) this.respond = addShardHeader(table);
  }

  pick(request: ProxiedRequest, attempt: number): Origin | null {
    const routed = request as Routed;
    const key = this.key(request) ?? this.fallback(request) ?? '';
    const shard = this.table.route(key);
    if (shard < 0) return null;
    const entry = this.table.shards[shard]!;
    const previous = attempt > 0 ? routed[kRoute] : undefined;
    const replica = entry.set.pick(previous?.replica ?? null);
    if (replica === null) return null;
    this.table.loads.acquire(shard);
    if (attempt === 0) entry.requests.value++;
    if (previous === undefined) routed[kRoute] = { shard, replica };
    else {
      previous.shard = shard;
      previous.replica = replica;
    }
    return replica.origin;
  }

  release(request: ProxiedRequest, _origin: Origin, status: number, reason: string | null): void {
    const route = (request as Routed)[kRoute]!;
    route.replica.release(status, reason);
    this.table.loads.release(route.shard);
  }
}

function addShardHeader(table: ShardTable) {
  return (request: ProxiedRequest, _status: number, headers: ResponseHeaders): void => {
    headers['x-padda-shard'] = table.shards[(request as Routed)[kRoute]!.shard]!.name;
  };
}
