import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Registry } from './registry.ts';

/**
 * Per-process health: memory, CPU, open files and event-loop delay. Labelled
 * with the process's role so that, with several workers, each one's series
 * stays separate (a sum of event-loop delays would mean nothing).
 */
export function registerProcessMetrics(registry: Registry, role: string): void {
  const labels = { process: role };
  const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', labels);
  const heap = registry.gauge('padda_process_heap_used_bytes', 'V8 heap in use, bytes.', labels);
  const cpu = registry.counter('process_cpu_seconds_total', 'User and system CPU time spent, seconds.', labels);
  const fds = registry.gauge('process_open_fds', 'Open file descriptors.', labels);
  const start = registry.gauge('process_start_time_seconds', 'Process start time since the epoch, seconds.', labels);
  const lag = registry.gauge('padda_event_loop_delay_p99_seconds', 'p99 event-loop delay since the previous scrape, seconds.', labels);
  start.set(Math.round(Date.now() / 1000 - process.uptime()));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  registry.onCollect(() => {
    const memory = process.memoryUsage();
    rss.set(memory.rss);
    heap.set(memory.heapUsed);
    const usage = process.cpuUsage();
    cpu.value = (usage.user + usage.system) / 1e6;
    fds.set(countOpenFds());
    lag.set(delay.percentile(99) / 1e9);
    delay.reset();
  });
}

function countOpenFds(): number {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}
