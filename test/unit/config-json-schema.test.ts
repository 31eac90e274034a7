import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse, parseAllDocuments } from 'yaml';
import { configSchema } from '../../src/cli/config.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';

const ROOT = new URL('../../', import.meta.url);
const MODELINE = '# yaml-language-server: $schema=./padda.schema.json';
const schema = configJsonSchema(configSchema);
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

/** Every padda config the project ships: config/*.yaml and each one a ConfigMap in deploy/ carries. */
function shippedConfigs(): Array<[string, string]> {
  const configs: Array<[string, string]> = [];
  for (const file of fs.readdirSync(new URL('config/', ROOT)).filter((f) => f.endsWith('.yaml'))) {
    configs.push([`config/${file}`, fs.readFileSync(new URL(`config/${file}`, ROOT), 'utf8')]);
  }
  for (const file of fs.readdirSync(new URL('deploy/', ROOT)).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(new URL(`deploy/${file}`, ROOT), 'utf8'))) {
      const manifest = doc.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> };
      if (manifest.kind !== 'ConfigMap') continue;
      for (const [key, text] of Object.entries(manifest.data ?? {})) {
        if (/\.ya?ml$/.test(key)) configs.push([`deploy/${file} ${manifest.metadata?.name}/${key}`, text]);
      }
    }
  }
  return configs;
}

test('config/padda.schema.json is what `padda schema` prints now (regenerate: padda schema > config/padda.schema.json)', () => {
  assert.deepEqual(JSON.parse(fs.readFileSync(new URL('config/padda.schema.json', ROOT), 'utf8')), schema);
});

for (const [name, text] of shippedConfigs()) {
  test(`${name} validates against the JSON Schema, \${VAR} references included`, () => {
    const data = parse(text) as Record<string, unknown>;
    // A nutcracker.yml (top-level pools) is not padda's format; the loader tests cover those.
    if (!('listeners' in data)) return;
    assert.ok(validate(data), JSON.stringify(validate.errors, null, 2));
    if (name.startsWith('config/')) assert.equal(text.split('\n')[0], MODELINE, 'the editor modeline is missing');
  });
}

test('a reference is accepted where a number, boolean or enum goes, and a wrong value still is not', () => {
  const base = { listeners: { a: { mode: 'respond', listen: '127.0.0.1:8080' } } };
  assert.ok(validate({ ...base, workers: '${PADDA_WORKERS:-1}', log: { level: '${LOG_LEVEL}' } }), JSON.stringify(validate.errors));
  assert.equal(validate({ ...base, workers: 'many' }), false);
  assert.equal(validate({ ...base, bogus: 1 }), false);
});
