import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/**
 * The top self-time frames of the `.cpuprofile` files `node --cpu-prof`
 * wrote into `dir`, as "percent  function  file:line" lines, so a bench run
 * can print what bounds the process it measured.
 */
export function topFrames(dir: string, count = 15): string[] {
  const totals = new Map<string, number>();
  let all = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/')}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'}  ${where}`.trim();
      totals.set(key, (totals.get(key) ?? 0) + hits);
      all += hits;
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, hits]) => `${((hits / all) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

/** Prints the top frames of the profiles in `dir` under `heading`, then removes `dir`. */
export function reportProfile(dir: string, heading: string): void {
  console.log(`\n${heading}`);
  for (const line of topFrames(dir)) console.log(`  ${line}`);
  fs.rmSync(dir, { recursive: true, force: true });
}
