/**
 * What the soak saw: every request's latency by mode and phase, and every
 * failure judged against the fault timeline. A failure is expected when a
 * fault touched one of the groups the request depended on between its start
 * (less a grace for ejection and reconnection) and its end; any other
 * failure is unexpected and fails the run.
 */

export const PHASES = ['before', 'during', 'after'] as const;
export type Phase = (typeof PHASES)[number];

interface Fault {
  group: string;
  what: string;
  began: number;
  ended: number;
}

/** Latencies in ms, in growing Float32 chunks: millions of requests without millions of objects. */
class Samples {
  private chunks: Float32Array[] = [new Float32Array(65_536)];
  private used = 0;

  add(ms: number): void {
    let chunk = this.chunks[this.chunks.length - 1]!;
    if (this.used === chunk.length) {
      chunk = new Float32Array(chunk.length);
      this.chunks.push(chunk);
      this.used = 0;
    }
    chunk[this.used++] = ms;
  }

  get count(): number {
    return (this.chunks.length - 1) * this.chunks[0]!.length + this.used;
  }

  quantile(q: number): number {
    const all = new Float32Array(this.count);
    let at = 0;
    this.chunks.forEach((chunk, i) => {
      const part = i === this.chunks.length - 1 ? chunk.subarray(0, this.used) : chunk;
      all.set(part, at);
      at += part.length;
    });
    if (all.length === 0) return NaN;
    all.sort();
    return all[Math.min(all.length - 1, Math.floor(q * all.length))]!;
  }
}

export interface ModeTally {
  sent: number;
  ok: number;
  expected: number;
  unexpected: number;
  latency: Record<Phase, Samples>;
}

export class Outcomes {
  readonly modes = new Map<string, ModeTally>();
  readonly unexpectedSamples: string[] = [];
  private readonly faults: Fault[] = [];
  private readonly graceMs: number;
  /** null while warming up: outcomes are tallied, latencies not. */
  phase: Phase | null = null;

  constructor(graceMs: number) {
    this.graceMs = graceMs;
  }

  /** A fault begins on a group; call the returned function when it is over (the backend serves again). */
  fault(group: string, what: string): () => void {
    const fault: Fault = { group, what, began: performance.now(), ended: Infinity };
    this.faults.push(fault);
    return () => {
      fault.ended = performance.now();
    };
  }

  get faultCount(): number {
    return this.faults.length;
  }

  faultsByKind(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const f of this.faults) counts[f.what] = (counts[f.what] ?? 0) + 1;
    return counts;
  }

  succeeded(mode: string, started: number): void {
    const tally = this.tally(mode);
    tally.sent++;
    tally.ok++;
    if (this.phase !== null) tally.latency[this.phase].add(performance.now() - started);
  }

  /** A request failed; `groups` are the backend groups it depended on. */
  failed(mode: string, started: number, groups: readonly string[], reason: string): void {
    const tally = this.tally(mode);
    tally.sent++;
    const now = performance.now();
    if (this.touched(groups, started, now)) {
      tally.expected++;
      return;
    }
    tally.unexpected++;
    if (this.unexpectedSamples.length < 50) {
      this.unexpectedSamples.push(`${mode} [${groups.join(',')}] at ${(now / 1000).toFixed(1)} s after ${(now - started).toFixed(0)} ms: ${reason}`);
    }
  }

  private touched(groups: readonly string[], started: number, now: number): boolean {
    for (const f of this.faults) {
      if (f.began <= now && f.ended + this.graceMs >= started && groups.includes(f.group)) return true;
    }
    return false;
  }

  private tally(mode: string): ModeTally {
    let tally = this.modes.get(mode);
    if (tally === undefined) {
      tally = { sent: 0, ok: 0, expected: 0, unexpected: 0, latency: { before: new Samples(), during: new Samples(), after: new Samples() } };
      this.modes.set(mode, tally);
    }
    return tally;
  }
}
