import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { displayConfig } from '../../../src/config/display.ts';
import { loadConfigFile } from '../../../src/config/load.ts';
import { ConfigError, formatProblem } from '../../../src/config/problems.ts';
import { configFile } from '../../../src/config/values.ts';

const schema = z.strictObject({ plugins: z.array(configFile) });

function withDir(files: Record<string, string>, run: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-config-file-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a relative file is read from the config file\'s directory, whatever the working directory', () => {
  withDir({ 'padda.yaml': 'plugins: [./merge.js, /etc/hostname]\n', 'merge.js': '' }, (dir) => {
    const config = loadConfigFile(schema, path.join(dir, 'padda.yaml'), {});
    assert.equal(config.plugins[0]!.path, path.join(dir, 'merge.js'));
    assert.equal(config.plugins[0]!.written, './merge.js');
    assert.equal(config.plugins[1]!.path, '/etc/hostname');
    // Plain JSON: what a worker process receives resolves the same way.
    assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
    assert.deepEqual(displayConfig(config), { plugins: [path.join(dir, 'merge.js'), '/etc/hostname'] });
  });
});

test('a missing file is a config problem at its line, with the path it was looked for at', () => {
  withDir({ 'padda.yaml': 'plugins:\n  - ./nowhere.js\n' }, (dir) => {
    const file = path.join(dir, 'padda.yaml');
    assert.throws(() => loadConfigFile(schema, file, {}), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems.map(formatProblem), [`${file}:2:5 plugins[0]: no such file: ${path.join(dir, 'nowhere.js')}`]);
      return true;
    });
  });
});
