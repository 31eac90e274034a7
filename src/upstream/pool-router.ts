import { buildDistribution } from '../hash/distribution/build.ts';
import { NO_SERVER } from '../hash/distribution/types.ts';
import type { HashName } from '../hash/functions/index.ts';
import { createRouter, type KeyRouter as HashRouter } from '../hash/router.ts';

export { NO_SERVER };

/**
 * A pool's view of src/hash's KeyRouter: built from twemproxy's pool keys
 * (hash, hash_tag, distribution, servers), and told which servers are live
 * rather than handed a new distribution. Key → server index, as twemproxy
 * decides it (src/hash/router.ts: hash tag,
 * an empty key hashing to 0, the pool's hash and distribution over the live
 * servers). Ejection calls `setLive`, which rebuilds the table the way
 * twemproxy rebuilds its continuum.
 */
export class PoolRouter {
  readonly #router: HashRouter;

  constructor(hash: string, hashTag: string | undefined, distribution: string, servers: ReadonlyArray<{ name: string; weight: number }>) {
    this.#router = createRouter({
      hash: hash as HashName,
      distribution: buildDistribution(distribution, servers),
      ...(hashTag !== undefined ? { hashTag } : {}),
    });
  }

  /** The server for key bytes buf[start, end), or NO_SERVER when every server is ejected. */
  route(buf: Uint8Array, start: number, end: number): number {
    return this.#router.route(buf, start, end);
  }

  /** Routes many keys in one call: key i is buf[spans[2i], spans[2i+1]). */
  routeBatch(buf: Uint8Array, spans: Uint32Array, count: number, out: Int32Array): Int32Array {
    return this.#router.routeBatch(buf, spans, count, out);
  }

  setLive(live: readonly boolean[]): void {
    this.#router.use(this.#router.distribution.withLive(live));
  }
}
