import type { FamilySnapshot, Labels, MetricType } from '../../metrics/registry.ts';

/** One figure a backend reports, as a Prometheus series: its field, and the metric it becomes. */
export interface FigureSpec {
  field: string;
  metric: string;
  type: Exclude<MetricType, 'histogram'>;
  help: string;
}

/** Families built sample by sample at scrape time, in the order first seen. */
export class FamilySet {
  private readonly families = new Map<string, FamilySnapshot>();

  add(metric: string, type: Exclude<MetricType, 'histogram'>, help: string, labels: Labels, value: number): void {
    let family = this.families.get(metric);
    if (family === undefined) {
      family = { name: metric, help, type, samples: [] };
      this.families.set(metric, family);
    }
    family.samples.push({ labels, value });
  }

  /** Every spec whose field is present and numeric. */
  addFigures(specs: readonly FigureSpec[], fields: ReadonlyMap<string, string>, labels: Labels): void {
    for (const spec of specs) {
      const text = fields.get(spec.field);
      if (text === undefined) continue;
      const value = Number(text);
      if (text !== '' && Number.isFinite(value)) this.add(spec.metric, spec.type, spec.help, labels, value);
    }
  }

  snapshot(): FamilySnapshot[] {
    return [...this.families.values()];
  }
}
