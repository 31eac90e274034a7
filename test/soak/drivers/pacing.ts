/**
 * The steady part of the soak: `loops` closed loops per mode, each paced to
 * at most `rate` requests a second, so latency is measured at a known load
 * rather than at whatever saturates two shared cores.
 */
export interface Load {
  loops: number;
  /** Requests a second per loop. */
  rate: number;
}

/** Runs `step` (one request, which records its own outcome) until `running()` is false. */
export async function paced(load: Load, running: () => boolean, step: (loop: number) => Promise<void>): Promise<void> {
  const gap = 1000 / load.rate;
  await Promise.all(Array.from({ length: load.loops }, async (_, loop) => {
    let next = performance.now();
    while (running()) {
      await step(loop);
      next += gap;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else next = performance.now();
    }
  }));
}

export function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)]!;
}
