import { describe, type Verdict } from './gcra.ts';
import { KeyTable } from './key-table.ts';
import { DECIDE_SCRIPT, DECIDE_SHA } from './redis-script.ts';
import { StoreConnection, type StoreReply } from './redis-connection.ts';
import type { Bucket } from './rules.ts';

/** How long local admissions wait before their cost goes to Redis in one batch per key. */
const FLUSH_EVERY = 20;

/**
 * Counters in Redis, shared by every padda that names it: one EVALSHA of
 * the decide script per decision (redis-script.ts), so paddas never race.
 *
 * The fast path: the last TAT Redis gave for each key is mirrored locally.
 * A key whose mirrored bucket stays more than `localShare` free after this
 * request is admitted here, at no round trip, and its cost goes to Redis a
 * few ms later, batched (charged there even if over: it was already let
 * through). N paddas can each spend (1 − localShare) of a bucket before
 * they hear of the others, so localShare ≥ 1 − 1/N keeps the global bound
 * (rate × W + burst) exact; refusals, and keys near their limit, always
 * ask Redis.
 */
export class SharedStore {
  private readonly connection: StoreConnection;
  private readonly localShare: number;
  /** Each key's TAT as Redis last told it, in this process's clock. */
  readonly mirror: KeyTable;
  /** Costs admitted locally and not yet sent, per key, with the bucket that limits it. */
  private pending = new Map<string, { bucket: Bucket; cost: number }>();
  private flushTimer: NodeJS.Timeout | null = null;
  private lastSweep = 0;

  constructor(url: string, timeout: number, localShare: number, maxKeys: number) {
    this.connection = new StoreConnection(url, timeout, ['SCRIPT', 'LOAD', DECIDE_SCRIPT]);
    this.localShare = localShare;
    this.mirror = new KeyTable(maxKeys);
  }

  /** Admits the request here when every key is far from its limit (the verdicts filled in); false: ask Redis. */
  admitLocally(buckets: readonly Bucket[], keys: readonly string[], count: number, now: number, verdicts: readonly Verdict[]): boolean {
    if (this.localShare === 0) return false;
    if (now - this.lastSweep >= 50) {
      this.lastSweep = now;
      this.mirror.sweep(now, 5000);
    }
    for (let i = 0; i < count; i++) {
      const tat = this.mirror.get(keys[i]!);
      const bucket = buckets[i]!;
      if (tat === 0 || (tat > now ? tat : now) + bucket.interval - now > bucket.interval * bucket.burst * (1 - this.localShare)) return false;
    }
    for (let i = 0; i < count; i++) {
      const key = keys[i]!;
      const bucket = buckets[i]!;
      const tat = this.mirror.get(key);
      const next = (tat > now ? tat : now) + bucket.interval;
      this.mirror.set(key, next, now);
      describe(bucket, true, next - now, 1, verdicts[i]!);
      const owed = this.pending.get(key);
      if (owed === undefined) this.pending.set(key, { bucket, cost: 1 });
      else owed.cost++;
    }
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_EVERY);
    return true;
  }

  /** Asks Redis; `done` gets whether all admitted (verdicts filled in) or the store's error. */
  ask(buckets: readonly Bucket[], keys: readonly string[], count: number, verdicts: readonly Verdict[], done: (admitted: boolean | Error) => void): void {
    const args = ['EVALSHA', DECIDE_SHA, String(count)];
    for (let i = 0; i < count; i++) args.push(keys[i]!);
    args.push('1', '0');
    for (let i = 0; i < count; i++) args.push(String(buckets[i]!.interval), String(buckets[i]!.burst));
    this.connection.send(args, (reply) => {
      const ahead = this.read(reply, keys, count);
      if (ahead instanceof Error) return done(ahead);
      const admitted = ahead[0] === 1;
      for (let i = 0; i < count; i++) describe(buckets[i]!, admitted, ahead[i + 1]!, 1, verdicts[i]!);
      done(admitted);
    });
  }

  /** Sends the locally admitted costs, one forced decision per key. */
  private flush(): void {
    this.flushTimer = null;
    const owed = this.pending;
    this.pending = new Map();
    for (const [key, { bucket, cost }] of owed) {
      const args = ['EVALSHA', DECIDE_SHA, '1', key, String(cost), '1', String(bucket.interval), String(bucket.burst)];
      // A lost batch is lost: the requests are answered, and Redis' view just runs low until the next decision.
      this.connection.send(args, (reply) => void this.read(reply, [key], 1));
    }
  }

  /** Parses "admitted ahead…", mirroring each key's TAT; the numbers (admitted first), or the error. */
  private read(reply: StoreReply, keys: readonly string[], count: number): number[] | Error {
    if (reply instanceof Error) return reply;
    const numbers = reply.split(' ').map(Number);
    if (numbers.length !== count + 1 || numbers.some(Number.isNaN)) return new Error(`unexpected store reply ${reply.slice(0, 60)}`);
    const now = performance.now();
    for (let i = 0; i < count; i++) this.mirror.set(keys[i]!, now + numbers[i + 1]!, now);
    return numbers;
  }
}
