import { NO_SERVER } from '../../../upstream/pool-router.ts';
import type { ClusterShard } from './cluster-layout.ts';
import { SLOT_COUNT } from './hash-slot.ts';

const NO_REPLICAS: readonly number[] = [];

/**
 * Which server holds each hash slot, as server indexes of the listener's
 * pool: the primary of every slot, and the online replicas of its shard.
 * Updated by a map refresh, and one slot at a time by a MOVED.
 */
export class SlotTable {
  /** Per slot: its primary's server index; NO_SERVER while no node serves it. */
  readonly primaries = new Int32Array(SLOT_COUNT).fill(NO_SERVER);
  /** Per slot: its replicas' server indexes (one array per shard, shared by its slots). */
  readonly replicas: Array<readonly number[]> = new Array<readonly number[]>(SLOT_COUNT).fill(NO_REPLICAS);
  /** Slots some node serves. */
  covered = 0;
  /** Whether a map was ever applied: before that, every slot is unknown rather than uncovered. */
  known = false;

  /**
   * Takes a node's whole layout; `server` finds (or adds) the server of an
   * address. A slot the layout leaves without a primary keeps the one it
   * had: mid-failover a node may list a shard with no primary yet (the old
   * one already a replica, the new one not yet promoted), and its node
   * answers for the slot itself until the map settles.
   */
  apply(shards: readonly ClusterShard[], server: (address: string) => number): void {
    const primaries = new Int32Array(SLOT_COUNT).fill(NO_SERVER);
    const replicas = new Array<readonly number[]>(SLOT_COUNT).fill(NO_REPLICAS);
    for (const shard of shards) {
      const primary = server(shard.primary);
      const shardReplicas = shard.replicas.map(server);
      for (let i = 0; i < shard.slots.length; i += 2) {
        primaries.fill(primary, shard.slots[i]!, shard.slots[i + 1]! + 1);
        replicas.fill(shardReplicas, shard.slots[i]!, shard.slots[i + 1]! + 1);
      }
    }
    let covered = 0;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (primaries[slot] !== NO_SERVER) {
        this.primaries[slot] = primaries[slot]!;
        this.replicas[slot] = replicas[slot]!;
      }
      if (this.primaries[slot] !== NO_SERVER) covered++;
    }
    this.covered = covered;
    this.known = true;
  }

  /** A MOVED: the slot's primary is now `server`; its replicas are unknown until the next refresh. */
  moved(slot: number, server: number): void {
    if (this.primaries[slot] === NO_SERVER) this.covered++;
    this.primaries[slot] = server;
    this.replicas[slot] = NO_REPLICAS;
  }

  /** A slot some primary holds, for commands any node answers; NO_SERVER when none. */
  anySlot(): number {
    return this.primaries.findIndex((primary) => primary !== NO_SERVER);
  }
}
