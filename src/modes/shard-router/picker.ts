import type { Failure } from '../../http/errors.ts';
import type { TargetPicker } from '../../http/forward/target-picker.ts';
import type { HttpRequest } from '../../http/message.ts';
import type { Origin } from '../../http/upstream/origin.ts';
import type { Replica } from '../../http/upstream/replica.ts';
import { compileKey, type KeyTemplate } from '../../http/request-key/key-template.ts';
import type { ShardRouterConfig } from './schema.ts';
import type { ShardTable } from './shard-table.ts';

/** What the router decided for a request, kept in `request.route` until the exchange ends. */
interface Route {
  shard: number;
  replica: Replica<Origin>;
}

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
  respond?: (request: HttpRequest, status: number, fields: string[]) => void;

  constructor(table: ShardTable, config: ShardRouterConfig) {
    this.table = table;
    this.key = compileKey(config.key) as KeyTemplate;
    this.fallback = compileKey(config.key_fallback) as KeyTemplate;
    if (config.shard_header) this.respond = addShardHeader(table);
  }

  pick(request: HttpRequest, attempt: number): Origin | null {
    const key = this.key(request) ?? this.fallback(request) ?? '';
    const shard = this.table.route(key);
    if (shard < 0) return null;
    const entry = this.table.shards[shard]!;
    const previous = attempt > 0 ? (request.route as Route | null) : null;
    const replica = entry.set.pick(previous?.replica ?? null);
    if (replica === null) return null;
    this.table.loads.acquire(shard);
    if (attempt === 0) entry.requests.value++;
    if (request.access !== null) request.access.shard = entry.name;
    if (previous === null) request.route = { shard, replica } satisfies Route;
    else {
      previous.shard = shard;
      previous.replica = replica;
    }
    return replica.origin;
  }

  release(request: HttpRequest, _origin: Origin, status: number, failure: Failure | null): void {
    const route = request.route as Route;
    route.replica.settle(status, failure);
    this.table.loads.release(route.shard);
  }
}

function addShardHeader(table: ShardTable) {
  return (request: HttpRequest, _status: number, fields: string[]): void => {
    fields.push('x-padda-shard', table.shards[(request.route as Route).shard]!.name);
  };
}
