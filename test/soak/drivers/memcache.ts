/**
 * Steady memcache traffic through padda over raw text-protocol sockets (no
 * maintained Node client exists): set, get and multi-get across shards. A
 * request that times out leaves its connection out of step, so the loop
 * opens a new one; a value must belong to the key it was read for.
 */
import { TextClient } from '../../support/memcache-padda.ts';
import type { Outcomes } from '../outcomes.ts';
import { paced, pick, type Load } from './pacing.ts';

const KEYS_PER_LOOP = 50;
const REPLY_TIMEOUT_MS = 3000;

export async function driveMemcache(port: number, load: Load, outcomes: Outcomes, placed: (keys: string[]) => Map<string, string>, running: () => boolean, random: () => number): Promise<void> {
  const keys = Array.from({ length: load.loops }, (_, loop) => Array.from({ length: KEYS_PER_LOOP }, (_, i) => `soak:${loop}:${i}`));
  const groupOf = placed(keys.flat());
  const clients: Array<TextClient | null> = keys.map(() => null);
  let seq = 0;
  await paced(load, running, async (loop) => {
    const chosen = random();
    const started = performance.now();
    const key = pick(keys[loop]!, random);
    let groups = [groupOf.get(key)!];
    try {
      const client = (clients[loop] ??= await TextClient.connect(port));
      if (chosen < 0.45) {
        checkValues(await ask(client, `get ${key}\r\n`), [key]);
      } else if (chosen < 0.9) {
        const value = `${key}:${++seq}`;
        const reply = await client.call(`set ${key} 0 0 ${value.length}\r\n${value}\r\n`, 1, REPLY_TIMEOUT_MS);
        if (reply !== 'STORED\r\n') throw new Error(`set answered ${JSON.stringify(reply)}`);
      } else {
        const some = [key, pick(keys[loop]!, random), pick(keys[loop]!, random)];
        groups = [...new Set(some.map((k) => groupOf.get(k)!))];
        checkValues(await ask(client, `get ${some.join(' ')}\r\n`), some);
      }
      if (client.closed) throw new Error('padda closed the connection');
      outcomes.succeeded('memcache', started);
    } catch (error) {
      clients[loop]?.close();
      clients[loop] = null;
      outcomes.failed('memcache', started, groups, (error as Error).message);
    }
  });
  for (const client of clients) client?.close();
}

function ask(client: TextClient, request: string): Promise<string> {
  client.write(request);
  return client.read(ended, REPLY_TIMEOUT_MS);
}

function ended(received: string): boolean {
  return received.endsWith('END\r\n') || /^(SERVER_ERROR|CLIENT_ERROR|ERROR)[^\n]*\r\n$/.test(received);
}

function checkValues(reply: string, asked: readonly string[]): void {
  if (!reply.endsWith('END\r\n')) throw new Error(`get answered ${JSON.stringify(reply.slice(0, 200))}`);
  for (const m of reply.matchAll(/VALUE (\S+) \d+ \d+\r\n([^\r]*)\r\n/g)) {
    if (!asked.includes(m[1]!) || !m[2]!.startsWith(`${m[1]}:`)) throw new Error(`read ${JSON.stringify(m[2])} for key ${m[1]} (asked ${asked.join(' ')})`);
  }
}
