import { hashFunction, hashId, type HashName, type KeyHash } from './functions/index.ts';
import type { Distribution } from './distribution/types.ts';
import { checkBatch } from './batch.ts';
import { align8, WasmCore } from './wasm.ts';

/** Routes keys — byte ranges of a buffer — to server indexes of a distribution. */
export interface KeyRouter {
  readonly distribution: Distribution;
  /** Switches to another distribution (e.g. after ejection) with the same hash and hash tag. */
  use(distribution: Distribution): void;
  /** Server index for the key buf[start..end), or NO_SERVER (-1) when no server is live. */
  route(buf: Uint8Array, start: number, end: number): number;
  /**
   * Routes `count` keys at once: key i is buf[spans[2i]..spans[2i+1]). Writes
   * one server index per key into out[0..count) and returns out. Throws a
   * RangeError, routing nothing, if a span is not inside buf.
   */
  routeBatch(buf: Uint8Array, spans: Uint32Array, count: number, out: Int32Array): Int32Array;
}

export interface RouterOptions {
  hash: HashName;
  distribution: Distribution;
  /**
   * twemproxy's `hash_tag`: two characters, e.g. "{}". When a key holds the
   * first and, after it, the second with something in between, only the part
   * in between is hashed, so related keys land on one server.
   */
  hashTag?: string;
  /** 'wasm' (default: measured faster for batches, see bench/hash.ts) or 'js'. */
  engine?: 'wasm' | 'js';
}

export function createRouter(options: RouterOptions): KeyRouter {
  return options.engine === 'js' ? new JsKeyRouter(options) : new WasmKeyRouter(options);
}

function parseHashTag(tag: string | undefined): [number, number] {
  if (tag === undefined || tag === '') return [-1, -1];
  const bytes = new TextEncoder().encode(tag);
  if (bytes.length !== 2) throw new RangeError(`hash_tag "${tag}" must be exactly two one-byte characters`);
  return [bytes[0], bytes[1]];
}

/** Pure JS: the fallback, the second opinion, and the single-key path of both engines. */
class JsKeyRouter implements KeyRouter {
  distribution: Distribution;
  readonly #keyHash: KeyHash;
  readonly #tagOpen: number;
  readonly #tagClose: number;

  constructor(options: RouterOptions) {
    this.#keyHash = hashFunction(options.hash);
    this.distribution = options.distribution;
    [this.#tagOpen, this.#tagClose] = parseHashTag(options.hashTag);
  }

  use(distribution: Distribution): void {
    this.distribution = distribution;
  }

  /** twemproxy's server_pool_idx: hash tag, then hash 0 for an empty key, then the distribution. */
  route(buf: Uint8Array, start: number, end: number): number {
    if (this.#tagOpen >= 0) {
      // Loops bounded by the key: indexOf would scan on through the rest of
      // the buffer (the pipelined commands after this key) on every miss.
      let open = start;
      while (open < end && buf[open] !== this.#tagOpen) open++;
      let close = open + 1;
      while (close < end && buf[close] !== this.#tagClose) close++;
      if (close < end && close - open > 1) {
        start = open + 1;
        end = close;
      }
    }
    return this.distribution.pick(end > start ? this.#keyHash(buf, start, end) : 0);
  }

  routeBatch(buf: Uint8Array, spans: Uint32Array, count: number, out: Int32Array): Int32Array {
    checkBatch(buf, spans, count, out.length);
    for (let i = 0; i < count; i++) out[i] = this.route(buf, spans[2 * i], spans[2 * i + 1]);
    return out;
  }
}

/**
 * Batches go through the WASM core: one copy of the bytes that hold the keys,
 * one of the spans, one call, one copy of the answers — the call and copy
 * cost is paid per batch, not per key. Single keys and distributions without
 * a table (random, none live) take the JS path.
 */
class WasmKeyRouter implements KeyRouter {
  readonly #js: JsKeyRouter;
  readonly #core = new WasmCore();
  readonly #hashId: number;
  readonly #tag: [number, number];
  #scratch = 0;
  #tabled = false;

  constructor(options: RouterOptions) {
    this.#js = new JsKeyRouter(options);
    this.#hashId = hashId(options.hash);
    this.#tag = parseHashTag(options.hashTag);
    this.use(options.distribution);
  }

  get distribution(): Distribution {
    return this.#js.distribution;
  }

  /** Copies the distribution's table into WASM memory: owners, then points, then weights. */
  use(distribution: Distribution): void {
    this.#js.use(distribution);
    const table = distribution.table();
    this.#tabled = table !== undefined;
    if (!table) return;
    const core = this.#core;
    const n = table.owners.length;
    const owners = core.heapBase;
    // Room only for the arrays this kind has: a maglev table is 65537 owners and nothing else.
    const points = owners + 4 * n;
    const weights = align8(points + (table.points ? 4 * n : 0));
    this.#scratch = align8(weights + (table.weights ? 8 * n : 0));
    core.ensure(this.#scratch);
    core.i32.set(table.owners, owners >>> 2);
    if (table.points) core.u32.set(table.points, points >>> 2);
    if (table.weights) core.f64.set(table.weights, weights >>> 3);
    core.exports.configure(this.#hashId, this.#tag[0], this.#tag[1], table.kind, n, points, owners, weights);
  }

  route(buf: Uint8Array, start: number, end: number): number {
    return this.#js.route(buf, start, end);
  }

  routeBatch(buf: Uint8Array, spans: Uint32Array, count: number, out: Int32Array): Int32Array {
    if (!this.#tabled) return this.#js.routeBatch(buf, spans, count, out);
    const core = this.#core;
    const at = this.#scratch;
    const base = core.loadBatch(at, buf, spans, count, out.length);
    const outAt = at + 8 * count;
    core.exports.routeBatch(base, at, count, outAt);
    out.set(core.i32.subarray(outAt >>> 2, (outAt >>> 2) + count));
    return out;
  }
}
