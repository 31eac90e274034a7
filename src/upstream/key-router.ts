import { buildDistribution } from '../hash/distribution/build.ts';
import { NO_SERVER, type Distribution } from '../hash/distribution/types.ts';
import { hashFunction, type KeyHash } from '../hash/index.ts';

export { NO_SERVER };

/**
 * Key → server index, as twemproxy decides it: the hash tag narrows the key,
 * the pool's hash function hashes it, the distribution picks among the live
 * servers. Ejection calls `setLive`, which rebuilds the table the way
 * twemproxy rebuilds its continuum.
 */
export class KeyRouter {
  private readonly hash: KeyHash;
  private readonly tagOpen: number;
  private readonly tagClose: number;
  private distribution: Distribution;

  constructor(hash: string, hashTag: string | undefined, distribution: string, servers: ReadonlyArray<{ name: string; weight: number }>) {
    this.hash = hashFunction(hash);
    this.tagOpen = hashTag === undefined ? -1 : hashTag.charCodeAt(0);
    this.tagClose = hashTag === undefined ? -1 : hashTag.charCodeAt(1);
    this.distribution = buildDistribution(distribution, servers);
  }

  /** The server for key bytes buf[start, end), or NO_SERVER when every server is ejected. */
  route(buf: Uint8Array, start: number, end: number): number {
    if (this.tagOpen >= 0) {
      // nc_request.c: the part between the first open tag and the next close
      // tag, if that part is not empty; otherwise the whole key.
      const open = buf.indexOf(this.tagOpen, start);
      if (open >= 0 && open < end) {
        const close = buf.indexOf(this.tagClose, open + 1);
        if (close >= 0 && close < end && close - open > 1) {
          start = open + 1;
          end = close;
        }
      }
    }
    return this.distribution.pick(this.hash(buf, start, end));
  }

  setLive(live: readonly boolean[]): void {
    this.distribution = this.distribution.withLive(live);
  }
}
