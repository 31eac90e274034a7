import { fmix32 } from './distribution/rendezvous.ts';
import { NO_SERVER, type Distribution } from './distribution/types.ts';

/**
 * Live load per server (in-flight requests, or connections), kept by the
 * caller as requests start and finish. The total is maintained so a pick
 * does not sum the array.
 */
export class ServerLoads {
  readonly loads: Float64Array;
  total = 0;

  constructor(servers: number) {
    this.loads = new Float64Array(servers);
  }

  acquire(server: number): void {
    this.loads[server]++;
    this.total++;
  }

  release(server: number): void {
    if (this.loads[server] > 0) {
      this.loads[server]--;
      this.total--;
    }
  }
}

/** Probes tried on a non-ring distribution before settling for the least loaded server. */
const MAX_PROBES = 64;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam,
 * SODA 2018), as HAProxy's `hash-balance-factor`: a server may take a key
 * only while its load + 1 is within balanceFactor × (total load + 1) ×
 * its weight share; otherwise the key goes to the next server along the
 * ring. A hot key then spills to neighbours instead of drowning its owner,
 * while keys of servers under the bound stay where consistent hashing
 * puts them.
 *
 * On a ring (ketama, ketama_nginx) "next" walks the continuum; on other
 * distributions it re-picks with the key hash re-mixed, deterministically.
 */
export class BoundedLoads {
  readonly distribution: Distribution;
  readonly balanceFactor: number;
  readonly #weights: Float64Array;
  readonly #liveWeight: number;
  readonly #seen: Uint32Array;
  #stamp = 0;

  constructor(distribution: Distribution, balanceFactor: number) {
    if (!(balanceFactor > 1) || !Number.isFinite(balanceFactor)) {
      throw new RangeError(`balance factor ${balanceFactor} must be a finite number above 1 (e.g. 1.25)`);
    }
    this.distribution = distribution;
    this.balanceFactor = balanceFactor;
    this.#weights = Float64Array.from(distribution.servers, (s, i) => (distribution.live[i] ? s.weight : 0));
    this.#liveWeight = this.#weights.reduce((a, b) => a + b, 0);
    this.#seen = new Uint32Array(distribution.servers.length);
  }

  /** Whether `server` may take one more request under the bound. */
  eligible(server: number, loads: ServerLoads): boolean {
    const capacity = Math.ceil(this.balanceFactor * (loads.total + 1) * this.#weights[server] / this.#liveWeight);
    return loads.loads[server] + 1 <= capacity;
  }

  /** Server index for a key hash under the current loads, or NO_SERVER when none is live. */
  pick(hash: number, loads: ServerLoads): number {
    const d = this.distribution;
    const first = d.pick(hash);
    if (first === NO_SERVER || this.eligible(first, loads)) return first;
    const ring = d.ring;
    if (ring) {
      // Walk clockwise; each server is judged once (it owns many points).
      const stamp = this.#nextStamp();
      this.#seen[first] = stamp;
      for (let p = ring.pointOf(hash), step = 1; step < ring.size; step++) {
        const server = ring.owners[(p + step) % ring.size];
        if (this.#seen[server] === stamp) continue;
        if (this.eligible(server, loads)) return server;
        this.#seen[server] = stamp;
      }
    } else {
      for (let probe = 1; probe <= MAX_PROBES; probe++) {
        const server = d.pick(fmix32((hash + Math.imul(probe, 0x9e3779b9)) >>> 0));
        if (this.eligible(server, loads)) return server;
      }
    }
    return this.#leastLoaded(loads);
  }

  #nextStamp(): number {
    if (++this.#stamp === 0xffffffff) {
      this.#seen.fill(0);
      this.#stamp = 1;
    }
    return this.#stamp;
  }

  /** Fallback no bound can refuse: the live server with the lowest load per weight. */
  #leastLoaded(loads: ServerLoads): number {
    let best = NO_SERVER;
    for (let i = 0; i < this.#weights.length; i++) {
      if (this.#weights[i] === 0) continue;
      if (best === NO_SERVER || loads.loads[i] / this.#weights[i] < loads.loads[best] / this.#weights[best]) best = i;
    }
    return best;
  }
}
