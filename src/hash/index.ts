/**
 * padda's hash core: key hashes bit-exact with twemproxy and nginx, the
 * distributions that map a key hash to a server, and the batch router the
 * redis, memcache and shard-router modes call on their hot path.
 *
 *   const dist = buildDistribution('ketama', servers);          // servers: {name, weight}[]
 *   const router = createRouter({ hash: 'fnv1a_64', distribution: dist, hashTag: '{}' });
 *   router.routeBatch(chunk, spans, count, out);                 // out[i] = server index of key i
 *   router.use(dist.withLive(live));                              // after ejection
 */
export { HASH_NAMES, hashFunction, type HashName, type KeyHash } from './functions/index.ts';
export { wasmHashBatch, wasmHashFunction } from './wasm.ts';
export { buildDistribution, type DistributionOptions } from './distribution/build.ts';
export {
  DISTRIBUTION_KINDS, NO_SERVER, type Distribution, type DistributionKind, type ServerSpec,
} from './distribution/types.ts';
export { Continuum } from './distribution/continuum.ts';
export { twemproxyServerName } from './distribution/twemproxy-names.ts';
export { nginxHostPort } from './distribution/ketama-nginx.ts';
export { createRouter, type KeyRouter, type RouterOptions } from './router.ts';
export { BoundedLoads, ServerLoads } from './bounded-loads.ts';
export { SplitClients } from './split-clients.ts';
export { Latin1Hasher } from './latin1-hasher.ts';
