import fs from 'node:fs';
import { test } from 'node:test';
import { configSchema } from '../../../src/cli/config.ts';
import { loadConfigText } from '../../../src/config/load.ts';

test('config/*.yaml validate with no environment set', () => {
  const dir = new URL('../../../config/', import.meta.url);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    loadConfigText(configSchema, file, fs.readFileSync(new URL(file, dir), 'utf8'), {});
  }
});
