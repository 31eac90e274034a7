import fs from 'node:fs';
import type { Registry } from './registry.ts';

/** How often the event loop is asked to wake: a stall shows as the lateness of the next wake-up. */
const LOOP_PROBE_MS = 100;
const LOOP_DELAY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

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
  // A histogram, never reset: every scraper (two Prometheus replicas, say) sees the whole of it, and rate() gives any window.
  const lag = registry.histogram('padda_event_loop_delay_seconds', 'How late the event loop woke for a timer, seconds (one sample every 100 ms).', labels, LOOP_DELAY_BUCKETS);
  start.set(Math.round(Date.now() / 1000 - process.uptime()));
  let due = performance.now() + LOOP_PROBE_MS;
  setInterval(() => {
    const now = performance.now();
    lag.observe(Math.max(0, now - due) / 1000);
    due = now + LOOP_PROBE_MS;
  }, LOOP_PROBE_MS).unref();
  registry.onCollect(() => {
    const memory = process.memoryUsage();
    rss.set(memory.rss);
    heap.set(memory.heapUsed);
    const usage = process.cpuUsage();
    cpu.value = (usage.user + usage.system) / 1e6;
    fds.set(countOpenFds());
  });
}

function countOpenFds(): number {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}
