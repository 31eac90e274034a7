/**
 * Shared pieces of the protocol scanner micro-benchmarks: a pipelined stream
 * cut into socket-sized chunks, and a table of ns per item.
 */
import type { Bench } from 'tinybench';

/** `count` items made by `make`, concatenated and cut into `chunkSize`-byte chunks. */
export function chunkedStream(count: number, make: (i: number) => string, chunkSize = 16 * 1024): Buffer[] {
  const whole = Buffer.from(Array.from({ length: count }, (_, i) => make(i)).join(''), 'latin1');
  const chunks: Buffer[] = [];
  for (let at = 0; at < whole.length; at += chunkSize) chunks.push(whole.subarray(at, at + chunkSize));
  return chunks;
}

/**
 * One task per stream, named `task(stream name)`, that feeds every chunk of
 * the stream to `scan` — which pushes it into a scanner and drains it.
 */
export function addStreamTasks(bench: Bench, streams: Record<string, Buffer[]>, task: (name: string) => string, scan: (chunk: Buffer) => void): void {
  for (const [name, chunks] of Object.entries(streams)) {
    bench.add(task(name), () => {
      for (const chunk of chunks) scan(chunk);
    });
  }
}

/** Prints each task's mean time per item, where one iteration handles `count` items. */
export function printPerItem(bench: Bench, count: number, item = 'item'): void {
  console.table(bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') return { task: task.name, state: result.state };
    const ns = (result.latency.mean * 1e6) / count;
    return { task: task.name, [`ns/${item}`]: ns.toFixed(1), [`M ${item}s/s`]: (1000 / ns).toFixed(2), 'rme %': result.latency.rme.toFixed(1) };
  }));
}
