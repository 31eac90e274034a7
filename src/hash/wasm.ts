import { readFileSync } from 'node:fs';
import { checkBatch, type KeyBytes } from './batch.ts';
import { hashId, type HashName, type KeyHash } from './functions/index.ts';

/** The committed build of wasm/assembly/ (see wasm/build.ts). */
const WASM_URL = new URL('../../wasm/hash.wasm', import.meta.url);

// The WebAssembly global, typed here: the project's libs (es2024, node)
// do not declare it, and this is the only file that touches it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
const WebAssemblyApi = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => WasmModule;
    Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  };
}).WebAssembly;

/** The core's exports (wasm/assembly/index.ts). u32 results arrive as signed i32: apply `>>> 0`. */
interface CoreExports {
  memory: WasmMemory;
  heapBase(): number;
  hash(id: number, ptr: number, len: number): number;
  hashBatch(id: number, base: number, spans: number, count: number, out: number): void;
  configure(hash: number, tagOpen: number, tagClose: number, kind: number, n: number,
    points: number, owners: number, weights: number): void;
  routeOne(start: number, end: number): number;
  routeBatch(base: number, spans: number, count: number, out: number): void;
  xxh64Full(ptr: number, len: number): bigint;
  jump(hash: number, buckets: number): number;
  lnUnit(m: number): number;
}

let compiled: WasmModule | undefined;

/** Compiled once per process, on first use (a few ms), synchronously so routers can be built anywhere. */
function wasmModule(): WasmModule {
  return (compiled ??= new WebAssemblyApi.Module(readFileSync(WASM_URL)));
}

const PAGE = 65536;

/**
 * One instance of the core and the memory above its static data. The
 * instance has no allocator: the owner lays out its regions (a table, then
 * scratch for batches) from `heapBase` up and calls ensure() before
 * writing. Views are rebuilt when memory grows (growing detaches them).
 */
export class WasmCore {
  readonly exports: CoreExports;
  readonly heapBase: number;
  u8!: Uint8Array;
  u32!: Uint32Array;
  i32!: Int32Array;
  f64!: Float64Array;
  readonly #keys: KeyBytes = { start: 0, end: 0 };

  constructor() {
    this.exports = new WebAssemblyApi.Instance(wasmModule(), {}).exports as unknown as CoreExports;
    this.heapBase = align8(this.exports.heapBase());
    this.#refresh();
  }

  /** Makes bytes [0, end) addressable. */
  ensure(end: number): void {
    const memory = this.exports.memory;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      this.#refresh();
    }
  }

  /**
   * Lays a batch out at `at` for one batch export: its spans, room for its
   * `count` answers (at + 8 × count), then only the bytes of buf that hold
   * its keys. Checks the batch first (checkBatch), copying nothing if it is
   * bad. Returns the base the core adds to a span to find a key.
   */
  loadBatch(at: number, buf: Uint8Array, spans: Uint32Array, count: number, outLength: number): number {
    const keys = this.#keys;
    checkBatch(buf, spans, count, outLength, keys);
    const dataAt = at + 12 * count;
    this.ensure(dataAt + keys.end - keys.start);
    this.u8.set(buf.subarray(keys.start, keys.end), dataAt);
    this.u32.set(spans.subarray(0, 2 * count), at >>> 2);
    return dataAt - keys.start;
  }

  #refresh(): void {
    const buffer = this.exports.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}

let shared: WasmCore | undefined;

/**
 * A named hash computed by the WASM core, one key per call. Each call copies
 * the key into WASM memory, which costs about as much as hashing a short key:
 * the hot path should batch (KeyRouter.routeBatch); this exists for the
 * differential tests and the benchmark.
 */
export function wasmHashFunction(name: HashName): KeyHash {
  const core = (shared ??= new WasmCore());
  const id = hashId(name);
  const { hash } = core.exports;
  const at = core.heapBase;
  return (buf, start, end) => {
    const len = end - start;
    core.ensure(at + len);
    core.u8.set(buf.subarray(start, end), at);
    return hash(id, at, len) >>> 0;
  };
}

/**
 * Hashes `count` keys (key i = buf[spans[2i]..spans[2i+1])) in one WASM call,
 * copies included, into out. For tests and benchmarks of the bare hash; the
 * hot path routes with KeyRouter.routeBatch, which adds the lookup.
 */
export function wasmHashBatch(name: HashName): (buf: Uint8Array, spans: Uint32Array, count: number, out: Uint32Array) => Uint32Array {
  const core = new WasmCore();
  const id = hashId(name);
  const at = core.heapBase;
  return (buf, spans, count, out) => {
    const base = core.loadBatch(at, buf, spans, count, out.length);
    const outAt = at + 8 * count;
    core.exports.hashBatch(id, base, at, count, outAt);
    out.set(core.u32.subarray(outAt >>> 2, (outAt >>> 2) + count));
    return out;
  };
}
