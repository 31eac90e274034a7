/** mulberry32: a small seeded PRNG for bounded fuzz tests, so a failure replays from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `data` cut into chunks of 1 to `maxChunk` bytes, sizes drawn from `next`: how a socket might deliver it. */
export function randomChunks<T extends Uint8Array>(next: () => number, data: T, maxChunk: number): T[] {
  const chunks: T[] = [];
  for (let at = 0; at < data.length; ) {
    const size = 1 + Math.floor(next() * maxChunk);
    chunks.push(data.subarray(at, at + size) as T);
    at += size;
  }
  return chunks;
}
