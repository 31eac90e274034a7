import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';
import { buildWasm, WASM_PATH } from '../../../wasm/build.ts';

it('the committed wasm/hash.wasm is byte-identical to a fresh build of wasm/assembly/', async () => {
  const [committed, fresh] = await Promise.all([readFile(WASM_PATH), buildWasm()]);
  assert.ok(Buffer.from(fresh).equals(committed),
    'wasm/hash.wasm is stale: run "node wasm/build.ts" and commit it');
});
