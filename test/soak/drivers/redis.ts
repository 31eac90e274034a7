/**
 * Steady Redis traffic through padda from ioredis, the client apps use:
 * SET, GET, MGET across shards and INCR, one connection per loop, no
 * retries or offline queue, so every failure reaches the tally. A value must
 * belong to the key it was read for (a reply given to the wrong request is
 * the worst thing an ambassador can do); a miss is fine, it is a cache.
 */
import { Redis } from 'ioredis';
import type { Outcomes } from '../outcomes.ts';
import { paced, pick, type Load } from './pacing.ts';

const KEYS_PER_LOOP = 50;

export async function driveRedis(port: number, load: Load, outcomes: Outcomes, placed: (keys: string[]) => Map<string, string>, running: () => boolean, random: () => number): Promise<void> {
  const keys = Array.from({ length: load.loops }, (_, loop) => Array.from({ length: KEYS_PER_LOOP }, (_, i) => `soak:${loop}:${i}`));
  const groupOf = placed([...keys.flat(), ...keys.flat().map((k) => `${k}:n`)]);
  const clients = keys.map(() => new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableOfflineQueue: false, enableReadyCheck: false, retryStrategy: () => 50, lazyConnect: true }));
  for (const client of clients) client.on('error', () => {});
  await Promise.all(clients.map((client) => connect(client, outcomes, running)));
  let seq = 0;
  await paced(load, running, async (loop) => {
    const client = clients[loop]!;
    const chosen = random();
    const started = performance.now();
    const key = pick(keys[loop]!, random);
    let groups = [groupOf.get(key)!];
    try {
      if (chosen < 0.4) {
        expectValue(key, await client.get(key));
      } else if (chosen < 0.8) {
        const answer = await client.set(key, `${key}:${++seq}`);
        if (answer !== 'OK') throw new Error(`SET answered ${answer}`);
      } else if (chosen < 0.9) {
        const some = [key, pick(keys[loop]!, random), pick(keys[loop]!, random), pick(keys[loop]!, random)];
        groups = [...new Set(some.map((k) => groupOf.get(k)!))];
        const values = await client.mget(...some);
        some.forEach((k, i) => expectValue(k, values[i] ?? null));
      } else {
        groups = [groupOf.get(`${key}:n`)!];
        const count = await client.incr(`${key}:n`);
        if (!Number.isInteger(count)) throw new Error(`INCR answered ${count}`);
      }
      outcomes.succeeded('redis', started);
    } catch (error) {
      outcomes.failed('redis', started, groups, (error as Error).message);
    }
  });
  for (const client of clients) client.disconnect();
}

/** A connection padda closes before it is up is a failure to tally, not the end of the run. */
async function connect(client: Redis, outcomes: Outcomes, running: () => boolean): Promise<void> {
  while (running()) {
    const started = performance.now();
    try {
      await client.connect();
      return;
    } catch (error) {
      outcomes.failed('redis', started, [], `connect: ${(error as Error).message}`);
      client.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function expectValue(key: string, value: string | null): void {
  if (value !== null && !value.startsWith(`${key}:`)) throw new Error(`read ${JSON.stringify(value)} for key ${key}`);
}
