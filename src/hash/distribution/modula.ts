import { twemproxyOrder } from './twemproxy-names.ts';
import type { ServerSpec } from './types.ts';

/**
 * twemproxy's modula table: each live server repeated `weight` times, in
 * twemproxy's server order; a key hash picks slot `hash % slots`. Ejecting
 * a server shrinks the table, so most keys move — exactly as in twemproxy.
 */
export function modulaSlots(servers: readonly ServerSpec[], live: readonly boolean[]): Int32Array {
  const slots: number[] = [];
  for (const i of twemproxyOrder(servers)) {
    if (live[i]) for (let w = 0; w < servers[i].weight; w++) slots.push(i);
  }
  return Int32Array.from(slots);
}
