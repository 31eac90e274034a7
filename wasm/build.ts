/**
 * Compiles the AssemblyScript hash core (wasm/assembly/) to wasm/hash.wasm.
 *
 *   node wasm/build.ts           write wasm/hash.wasm
 *   node wasm/build.ts --check   exit 1 if wasm/hash.wasm differs from a fresh build
 *
 * The .wasm is committed so that `npm ci --omit=dev` and the Docker image need
 * no compiler; test/unit/hash/wasm-build.test.ts proves it is current.
 */
import asc from 'assemblyscript/asc';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const WASM_PATH = fileURLToPath(new URL('./hash.wasm', import.meta.url));
const ENTRY = fileURLToPath(new URL('./assembly/index.ts', import.meta.url));

/**
 * Flags: -O3 for speed; the stub runtime because the core never allocates
 * (JS owns the memory above heapBase()); no asserts and no `abort` import, so
 * the module instantiates with no imports at all.
 */
export const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort=', '--noColors'];

/** Builds the module in memory and returns its bytes. */
export async function buildWasm(): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  let diagnostics = '';
  const { error } = await asc.main([ENTRY, ...ASC_FLAGS, '--outFile', 'hash.wasm'], {
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
    },
    stdout: { write: (s: string | Uint8Array) => { diagnostics += String(s); return true; } } as never,
    stderr: { write: (s: string | Uint8Array) => { diagnostics += String(s); return true; } } as never,
  });
  if (error || !binary) throw new Error(`asc failed: ${error?.message ?? 'no output'}\n${diagnostics}`);
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fresh = await buildWasm();
  if (process.argv.includes('--check')) {
    const committed = await readFile(WASM_PATH);
    if (!committed.equals(fresh)) {
      console.error(`${WASM_PATH} is stale: run "node wasm/build.ts" and commit it`);
      process.exit(1);
    }
    console.log(`${WASM_PATH} is current (${fresh.length} bytes)`);
  } else {
    await writeFile(WASM_PATH, fresh);
    console.log(`wrote ${WASM_PATH} (${fresh.length} bytes)`);
  }
}
