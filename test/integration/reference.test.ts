import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PADDA_VARIABLES, variablesInSources } from '../../scripts/reference/environment.ts';
import { EXIT_CODES, exitCodesInSources } from '../../scripts/reference/exit-codes.ts';
import { REFERENCE_DIR, referencePages } from '../../scripts/reference/pages.ts';

const ROOT = new URL('../../', import.meta.url);
const BIN = new URL('bin/padda', ROOT).pathname;
const REGENERATE = 'run `npm run docs:reference` and commit docs/reference/';

test('docs/reference/*.md are what the code generates now', async () => {
  const pages = await referencePages();
  const committed = fs.readdirSync(new URL(`${REFERENCE_DIR}/`, ROOT)).sort();
  assert.deepEqual(committed, [...pages.keys()].sort(), `the generated pages changed: ${REGENERATE}`);
  for (const [file, text] of pages) {
    assert.equal(fs.readFileSync(new URL(`${REFERENCE_DIR}/${file}`, ROOT), 'utf8'), text, `${REFERENCE_DIR}/${file} is out of step with the code: ${REGENERATE}`);
  }
});

test('every metric family named in src/ is in the metrics reference', () => {
  const page = fs.readFileSync(new URL(`${REFERENCE_DIR}/metrics.md`, ROOT), 'utf8');
  const documented = new Set([...page.matchAll(/^\| `([a-z_:][a-z0-9_:]*)` \|/gm)].map((m) => m[1]));
  const sources = fs.readdirSync(new URL('src/', ROOT), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of sources) {
    for (const [, name] of fs.readFileSync(new URL(`src/${file}`, ROOT), 'utf8').matchAll(/'((?:padda|process)_[a-z0-9_]+)'/g)) {
      assert.ok(documented.has(name), `src/${file} names the metric ${name}, which the metrics reference lacks: the scenario in ` +
        `scripts/reference/metrics.ts never made it — drive the event that creates it there, then ${REGENERATE}`);
    }
  }
});

test('every environment variable padda reads is described, and none that it no longer reads', () => {
  assert.deepEqual(PADDA_VARIABLES.map((v) => v.name).sort(), variablesInSources(),
    'describe each variable src/ reads (and drop those it no longer reads) in scripts/reference/environment.ts, then ' + REGENERATE);
});

test('every exit code ends the command its reference gives, and padda has no other', () => {
  const documented = EXIT_CODES.map((c) => c.code);
  for (const code of exitCodesInSources()) assert.ok(documented.includes(code), `src/ exits with ${code}: describe it in scripts/reference/exit-codes.ts`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-exit-codes-'));
  try {
    for (const { code, example, config, env } of EXIT_CODES) {
      const file = path.join(dir, 'padda.yaml');
      if (config !== undefined) fs.writeFileSync(file, config);
      const run = spawnSync(process.execPath, [BIN, ...example.replace('CONFIG', file).split(' ')], { env: env ?? {}, encoding: 'utf8', timeout: 30_000 });
      assert.equal(run.status, code, `padda ${example} exited ${run.status}, not ${code}:\n${run.stderr}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
