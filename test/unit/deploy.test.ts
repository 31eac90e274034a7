import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { configSchema } from '../../src/cli/config.ts';
import { loadConfigFile, loadConfigText } from '../../src/config/load.ts';

const DIR = new URL('../../deploy/', import.meta.url);

/** Every padda config embedded in a ConfigMap under deploy/ must validate, or the pod would crash-loop. */
for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml'))) {
  test(`deploy/${file}: manifests parse and embedded padda configs validate`, () => {
    const docs = parseAllDocuments(fs.readFileSync(new URL(file, DIR), 'utf8'));
    assert.ok(Array.isArray(docs) && docs.length > 0);
    let configs = 0;
    for (const doc of docs) {
      assert.deepEqual(doc.errors, []);
      const manifest = doc.toJS() as { kind?: string; data?: Record<string, string> };
      assert.ok(manifest.kind, 'manifest without kind');
      if (manifest.kind !== 'ConfigMap') continue;
      // As the pod sees it: every key a file in one directory, so files a config names beside it (a merge module) are found.
      const mounted = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-configmap-'));
      try {
        for (const [key, text] of Object.entries(manifest.data ?? {})) fs.writeFileSync(path.join(mounted, key), text);
        for (const key of Object.keys(manifest.data ?? {})) {
          if (!key.endsWith('.yaml') && !key.endsWith('.yml')) continue;
          loadConfigFile(configSchema, path.join(mounted, key), {});
          configs++;
        }
      } finally {
        fs.rmSync(mounted, { recursive: true, force: true });
      }
    }
    // A manifest that runs padda must carry its config; backends-only manifests (a StatefulSet of shards) need none.
    if (docs.some((doc) => JSON.stringify(doc.toJS()).includes('padda:'))) assert.ok(configs > 0, 'padda runs here without a config');
  });
}

test('config/*.yaml validate with no environment set', () => {
  const dir = new URL('../../config/', import.meta.url);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    loadConfigText(configSchema, file, fs.readFileSync(new URL(file, dir), 'utf8'), {});
  }
});
