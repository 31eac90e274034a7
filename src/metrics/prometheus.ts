import type { FamilySnapshot, Labels } from './registry.ts';

/** Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function formatPrometheus(families: readonly FamilySnapshot[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      if (family.type !== 'histogram') {
        lines.push(`${family.name}${formatLabels(sample.labels)} ${formatNumber(sample.value ?? 0)}`);
        continue;
      }
      const bounds = family.bounds ?? [];
      const counts = sample.counts ?? [];
      let cumulative = 0;
      for (let i = 0; i <= bounds.length; i++) {
        cumulative += counts[i] ?? 0;
        const le = i < bounds.length ? formatNumber(bounds[i]!) : '+Inf';
        lines.push(`${family.name}_bucket${formatLabels(sample.labels, le)} ${cumulative}`);
      }
      lines.push(`${family.name}_sum${formatLabels(sample.labels)} ${formatNumber(sample.sum ?? 0)}`);
      lines.push(`${family.name}_count${formatLabels(sample.labels)} ${cumulative}`);
    }
  }
  return lines.join('\n') + '\n';
}

function formatLabels(labels: Labels, le?: string): string {
  const parts = Object.keys(labels).map((k) => `${k}="${escapeLabel(labels[k]!)}"`);
  if (le !== undefined) parts.push(`le="${le}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
