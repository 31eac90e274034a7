import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LogSink } from '../../../src/logging/log-sink.ts';

function counting() {
  const counts = { written: 0, dropped: 0, failures: 0 };
  return { counts, counters: { written: (n: number) => (counts.written += n), dropped: (n: number) => (counts.dropped += n), failed: () => counts.failures++ } };
}

const lineOf = (i: number) => `{"n":${i},"pad":"${'x'.repeat(80)}"}\n`;

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting: ${what}`);
    await sleep(10);
  }
}

describe('LogSink on real files', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-log-sink-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('lines reach the file whole and counted; the directory is made', async () => {
    const file = path.join(dir, 'new/dir/access.log');
    const { counts, counters } = counting();
    const sink = new LogSink({ path: file, bufferBytes: 1 << 20 }, counters);
    for (let i = 0; i < 1000; i++) sink.write(lineOf(i));
    await sink.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
    assert.equal(lines.length, 1000);
    assert.deepEqual(lines.map((l) => JSON.parse(l).n), Array.from({ length: 1000 }, (_, i) => i));
    assert.deepEqual(counts, { written: 1000, dropped: 0, failures: 0 });
  });

  test('logrotate: rename, reopen; old lines in the old file, new ones in a new file, none lost', async () => {
    const file = path.join(dir, 'rotate.log');
    const { counts, counters } = counting();
    const sink = new LogSink({ path: file, bufferBytes: 1 << 20 }, counters);
    for (let i = 0; i < 100; i++) sink.write(lineOf(i));
    await until(() => counts.written === 100, 'first lines written');
    fs.renameSync(file, `${file}.1`);
    for (let i = 100; i < 150; i++) sink.write(lineOf(i));
    sink.reopen();
    for (let i = 150; i < 200; i++) sink.write(lineOf(i));
    await sink.close();
    const numbers = (f: string) => fs.readFileSync(f, 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l).n as number);
    const rotated = numbers(`${file}.1`);
    const fresh = numbers(file);
    assert.deepEqual([...rotated, ...fresh], Array.from({ length: 200 }, (_, i) => i));
    assert.ok(fresh.length >= 50 && fresh.at(-1) === 199);
    assert.equal(counts.dropped, 0);
  });

  test('a log file deleted under padda comes back at the next reopen', async () => {
    const file = path.join(dir, 'deleted.log');
    const { counts, counters } = counting();
    const sink = new LogSink({ path: file, bufferBytes: 1 << 20 }, counters);
    sink.write(lineOf(1));
    await until(() => counts.written === 1, 'written');
    fs.unlinkSync(file);
    sink.reopen();
    sink.write(lineOf(2));
    await sink.close();
    assert.deepEqual(fs.readFileSync(file, 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l).n), [2]);
  });

  test('a burst past the buffer is dropped and counted, never blocking; the rest is written', async () => {
    const file = path.join(dir, 'burst.log');
    const { counts, counters } = counting();
    const sink = new LogSink({ path: file, bufferBytes: 16 * 1024 }, counters);
    const started = performance.now();
    for (let i = 0; i < 5000; i++) sink.write(lineOf(i));
    assert.ok(performance.now() - started < 1000, 'writes return at once');
    await sink.close();
    assert.ok(counts.dropped > 0, 'a 450 KB burst does not fit a 16 KiB buffer');
    assert.equal(counts.written + counts.dropped, 5000);
    assert.equal(fs.readFileSync(file, 'utf8').split('\n').length - 1, counts.written);
  });
});

/** A full disk, as a 64 KiB tmpfs (needs root to mount; CI runs as root). */
describe('LogSink on a full disk', () => {
  let mount: string;
  let mounted = false;
  before(() => {
    mount = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-full-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount], { stdio: 'pipe' });
      mounted = true;
    } catch {
      mounted = false;
    }
  });
  after(() => {
    if (mounted) execFileSync('umount', [mount]);
    fs.rmSync(mount, { recursive: true, force: true });
  });

  test('lines the disk cannot take are dropped and counted; writing resumes once there is room', async (t) => {
    if (!mounted) return t.skip('mounting a tmpfs needs root');
    const file = path.join(mount, 'access.log');
    const { counts, counters } = counting();
    const sink = new LogSink({ path: file, bufferBytes: 64 * 1024 }, counters);
    let total = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++, total++) sink.write(lineOf(total));
      await sleep(5);
    }
    await until(() => counts.written + counts.dropped === total, 'every line written or dropped');
    assert.ok(counts.failures >= 1, 'the write error was seen');
    assert.ok(counts.dropped > 0);
    const newlines = fs.readFileSync(file, 'utf8').split('\n').length - 1;
    assert.equal(newlines, counts.written, 'a line counts as written once its newline is on disk');
    // Make room (logrotate would move the file away), then keep logging.
    fs.unlinkSync(file);
    sink.reopen();
    const before = counts.written;
    for (let i = 0; i < 10; i++, total++) sink.write(lineOf(total));
    await until(() => counts.written === before + 10, 'writing resumes');
    await sink.close();
    assert.equal(fs.readFileSync(file, 'utf8').split('\n').length - 1, 10);
  });
});
