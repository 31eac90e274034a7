/**
 * Time to load (parse, interpolate, validate) configs of growing size, to
 * show it grows linearly: two shapes, a pool with many servers and many
 * listeners, from 0.25 MiB to just under the 4 MiB cap. Prints the median
 * of 3 loads and ms per MiB, which stays flat when the cost is linear.
 *
 *   node bench/config-load.ts
 */
import { loadPaddaConfig } from '../src/cli/config.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-config-bench-'));
const SHAPES: Record<string, (i: number) => string> = {
  servers: (i) => `      - 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:6379:1 server-${i}\n`,
  listeners: (i) => `  l${i}:\n    mode: respond\n    listen: 127.0.0.1:${1 + (i % 65535)}\n    body: "hello \${GREETING:-world} ${i}"\n`,
};
const HEAD: Record<string, string> = {
  servers: 'listeners:\n  cache:\n    mode: redis\n    listen: 127.0.0.1:16400\n    servers:\n',
  listeners: 'listeners:\n',
};

function configOf(shape: string, bytes: number): string {
  let text = HEAD[shape]!;
  for (let i = 0; text.length < bytes; i++) text += SHAPES[shape]!(i);
  return text;
}

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

console.log('shape       size      load ms  ms per MiB');
for (const shape of Object.keys(SHAPES)) {
  for (const mib of [0.25, 0.5, 1, 2, 3.9]) {
    const file = path.join(dir, `${shape}-${mib}.yaml`);
    // Listener ports repeat past 65535 and are then refused as duplicates: still a full parse and validation.
    fs.writeFileSync(file, configOf(shape, mib * 1024 * 1024));
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      try {
        loadPaddaConfig(file, {});
      } catch {
        // A rejected config costs the same to read.
      }
      times.push(performance.now() - start);
    }
    const ms = median(times);
    console.log(`${shape.padEnd(10)} ${`${mib} MiB`.padEnd(9)} ${ms.toFixed(0).padStart(8)} ${(ms / mib).toFixed(0).padStart(11)}`);
  }
}
fs.rmSync(dir, { recursive: true, force: true });
