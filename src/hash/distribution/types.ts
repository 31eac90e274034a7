import type { Continuum } from './continuum.ts';

/** A server (or shard) as distributions see it: a name that places it, and a weight. */
export interface ServerSpec {
  readonly name: string;
  readonly weight: number;
}

/** What pick() answers when no server is live. */
export const NO_SERVER = -1;

export const DISTRIBUTION_KINDS = [
  'ketama', 'modula', 'random', 'ketama_nginx', 'maglev', 'jump', 'rendezvous',
] as const;

export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

/**
 * A distribution's lookup table in the flat form the WASM core reads
 * (wasm/assembly/route.ts): `kind` is one of the KIND_* numbers there.
 * `points` holds continuum points (ketama) or server seeds (rendezvous).
 */
export interface LookupTable {
  readonly kind: number;
  readonly owners: Int32Array;
  readonly points?: Uint32Array;
  readonly weights?: Float64Array;
}

export const TABLE_CONTINUUM = 0;
export const TABLE_SLOTS = 1;
export const TABLE_JUMP = 2;
export const TABLE_RENDEZVOUS = 3;
export const TABLE_FIXED = 4;

/**
 * Key hash → server, built from a server list. Indexes always refer to the
 * list the distribution was built from, also after ejection.
 */
export interface Distribution {
  readonly kind: DistributionKind;
  readonly servers: readonly ServerSpec[];
  /** live[i]: server i takes keys. */
  readonly live: readonly boolean[];
  /** Server index for a key hash (uint32), or NO_SERVER when none is live. */
  pick(hash: number): number;
  /**
   * The same distribution rebuilt from the servers that are live, the way
   * twemproxy rebuilds its continuum on ejection: ejected servers leave the
   * table and the remaining ones are laid out anew.
   */
  withLive(live: readonly boolean[]): Distribution;
  /** The table for the WASM router; undefined when picks are not a function of the hash (random). */
  table(): LookupTable | undefined;
  /** The ring, for distributions that are one (ketama, ketama_nginx): bounded loads walks it. */
  readonly ring?: Continuum;
}
