import { Continuum } from './continuum.ts';
import { jumpBucket, jumpBuckets } from './jump.ts';
import { ketamaContinuum } from './ketama.ts';
import { nginxContinuum } from './ketama-nginx.ts';
import { MAGLEV_DEFAULT_SIZE, maglevSlots } from './maglev.ts';
import { modulaSlots } from './modula.ts';
import { rendezvousPick, rendezvousTable } from './rendezvous.ts';
import {
  DISTRIBUTION_KINDS, NO_SERVER, TABLE_CONTINUUM, TABLE_FIXED, TABLE_JUMP, TABLE_RENDEZVOUS, TABLE_SLOTS,
  type Distribution, type DistributionKind, type LookupTable, type ServerSpec,
} from './types.ts';
import { liveMask, validateServers } from './validate.ts';

export interface DistributionOptions {
  /** live[i]: server i takes keys (default: all). */
  live?: readonly boolean[];
  /** Maglev lookup table size, a prime (default 65537). */
  maglevTableSize?: number;
  /** Source of randomness for `random` (default Math.random); tests make it deterministic. */
  random?: () => number;
}

/** What a kind builds from the live servers: a pick function and its WASM table. */
interface Layout {
  pick(hash: number): number;
  table: LookupTable | undefined;
  ring?: Continuum;
}

function ringLayout(ring: Continuum): Layout {
  return {
    pick: (hash) => ring.pick(hash),
    table: { kind: TABLE_CONTINUUM, points: ring.points, owners: ring.owners },
    ring,
  };
}

function slotsLayout(slots: Int32Array): Layout {
  const n = slots.length;
  return { pick: (hash) => slots[hash % n], table: { kind: TABLE_SLOTS, owners: slots } };
}

const LAYOUTS: Record<DistributionKind, (s: readonly ServerSpec[], live: readonly boolean[], o: DistributionOptions) => Layout> = {
  ketama: (s, live) => ringLayout(ketamaContinuum(s, live)),
  ketama_nginx: (s, live) => ringLayout(nginxContinuum(s, live)),
  modula: (s, live) => slotsLayout(modulaSlots(s, live)),
  maglev: (s, live, o) => slotsLayout(maglevSlots(s, live, o.maglevTableSize ?? MAGLEV_DEFAULT_SIZE)),
  jump: (s, live) => {
    const buckets = jumpBuckets(s, live);
    return { pick: (hash) => buckets[jumpBucket(hash, buckets.length)], table: { kind: TABLE_JUMP, owners: buckets } };
  },
  rendezvous: (s, live) => {
    const t = rendezvousTable(s, live);
    return {
      pick: (hash) => rendezvousPick(t, hash),
      table: { kind: TABLE_RENDEZVOUS, points: t.seeds, weights: t.weights, owners: t.owners },
    };
  },
  // twemproxy's random ignores weights and the key: any live server, uniformly.
  random: (s, live, o) => {
    const ids = s.map((_, i) => i).filter((i) => live[i]);
    const random = o.random ?? Math.random;
    return { pick: () => ids[Math.floor(random() * ids.length)], table: undefined };
  },
};

class BuiltDistribution implements Distribution {
  readonly kind: DistributionKind;
  readonly servers: readonly ServerSpec[];
  readonly live: readonly boolean[];
  readonly pick: (hash: number) => number;
  readonly ring?: Continuum;
  readonly #table: LookupTable | undefined;
  readonly #options: DistributionOptions;

  constructor(kind: DistributionKind, servers: readonly ServerSpec[], options: DistributionOptions) {
    this.kind = kind;
    this.servers = servers;
    this.live = liveMask(servers, options.live);
    this.#options = options;
    const liveIds = this.live.flatMap((up, i) => (up ? [i] : []));
    if (liveIds.length === 0) {
      this.pick = () => NO_SERVER;
      this.#table = undefined;
    } else if (liveIds.length === 1 && kind !== 'ketama' && kind !== 'ketama_nginx') {
      // One live server takes every key whatever the kind (twemproxy skips hashing
      // for one-server pools too); rings are still built so they can be walked.
      const only = liveIds[0];
      this.pick = () => only;
      this.#table = { kind: TABLE_FIXED, owners: Int32Array.of(only) };
    } else {
      const layout = LAYOUTS[kind](servers, this.live, options);
      this.pick = layout.pick;
      this.#table = layout.table;
      if (layout.ring) this.ring = layout.ring;
    }
  }

  withLive(live: readonly boolean[]): Distribution {
    return new BuiltDistribution(this.kind, this.servers, { ...this.#options, live });
  }

  table(): LookupTable | undefined {
    return this.#table;
  }
}

function isDistributionKind(kind: string): kind is DistributionKind {
  return (DISTRIBUTION_KINDS as readonly string[]).includes(kind);
}

/**
 * Builds a distribution of key hashes over `servers` (indexes into that
 * list). Throws RangeError for an unknown kind, no servers, empty or
 * duplicate names, and weights that are not whole numbers in 1..100000.
 */
export function buildDistribution(
  kind: string, servers: readonly ServerSpec[], options: DistributionOptions = {},
): Distribution {
  if (!isDistributionKind(kind)) {
    throw new RangeError(`unknown distribution "${kind}"; known: ${DISTRIBUTION_KINDS.join(', ')}`);
  }
  validateServers(servers);
  return new BuiltDistribution(kind, servers.map((s) => ({ name: s.name, weight: s.weight })), options);
}
