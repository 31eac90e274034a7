import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { get, waitForStatus } from '../support/padda.ts';
import { freePorts } from '../support/ports.ts';
import { adopt, release } from '../support/reaper.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
let tree: string;

/** A copy of the project's runtime files, built with `npm run build`'s compiler settings, so the test never touches the repository's own dist/. */
before(() => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-dist-'));
  for (const part of ['src', 'bin', 'config', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'wasm/hash.wasm']) {
    fs.cpSync(path.join(ROOT, part), path.join(tree, part), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: tree, stdio: 'pipe' });
});
after(() => fs.rmSync(tree, { recursive: true, force: true }));

function help(): string {
  return spawnSync(process.execPath, [path.join(tree, 'bin/padda'), '--help'], { encoding: 'utf8' }).stdout;
}

test('the build emits plain JavaScript with rewritten imports, no types and no comments', () => {
  const main = fs.readFileSync(path.join(tree, 'dist/main.js'), 'utf8');
  assert.match(main, /from '\.\/cli\/usage\.js'/);
  assert.doesNotMatch(main, /\.ts'/);
  assert.doesNotMatch(main, /: Promise<|^\s*\/\*\*/m);
  assert.ok(fs.existsSync(path.join(tree, 'dist/protocols/resp/commands/redis-commands.json')));
});

test('bin/padda runs dist/ when it is at least as new as every source, and the sources when one is newer', () => {
  // Mark the build so the test can tell which one answered.
  const usage = path.join(tree, 'dist/cli/usage.js');
  fs.writeFileSync(usage, fs.readFileSync(usage, 'utf8').replace('padda — one proxy daemon', 'padda (built) — one proxy daemon'));
  const later = new Date(Date.now() + 1000);
  fs.utimesSync(path.join(tree, 'dist/main.js'), later, later);
  assert.match(help(), /padda \(built\)/);
  const edited = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(tree, 'src/log.ts'), edited, edited);
  assert.doesNotMatch(help(), /padda \(built\)/);
  // Without sources (the image, an npm package), dist/ is all there is.
  fs.renameSync(path.join(tree, 'src'), path.join(tree, 'src.away'));
  try {
    assert.match(help(), /padda \(built\)/);
  } finally {
    fs.renameSync(path.join(tree, 'src.away'), path.join(tree, 'src'));
  }
});

test('padda serves from dist/ alone, workers and the config reader included', async () => {
  const [admin, app] = (await freePorts(2)) as [number, number];
  const away = path.join(tree, 'src.away');
  fs.renameSync(path.join(tree, 'src'), away);
  const config = path.join(tree, 'padda.yaml');
  fs.writeFileSync(config, `admin: { listen: 127.0.0.1:${admin} }\nworkers: 2\nlisteners:\n  app: { mode: respond, listen: 127.0.0.1:${app}, body: built }\n`);
  const child = spawn(process.execPath, [path.join(tree, 'bin/padda'), 'run', '--config', config], { stdio: 'ignore' });
  adopt(child.pid!);
  try {
    await waitForStatus(`http://127.0.0.1:${admin}/ready`, 200, 20_000);
    assert.equal((await get(`http://127.0.0.1:${app}/`)).body, 'built');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    release(child.pid!);
    fs.renameSync(away, path.join(tree, 'src'));
  }
});
