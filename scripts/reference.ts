/**
 * `npm run docs:reference`: writes docs/reference/*.md — the Redis command
 * table, the metrics, the environment variables and the exit codes — from
 * the code. test/integration/reference.test.ts fails when a committed page
 * differs from what this writes.
 */
import fs from 'node:fs';
import { REFERENCE_DIR, referencePages } from './reference/pages.ts';

const dir = new URL(`../${REFERENCE_DIR}/`, import.meta.url);
fs.mkdirSync(dir, { recursive: true });
for (const [file, text] of await referencePages()) {
  fs.writeFileSync(new URL(file, dir), text);
  process.stderr.write(`${REFERENCE_DIR}/${file}\n`);
}
