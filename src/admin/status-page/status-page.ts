import type { FamilySnapshot } from '../../metrics/registry.ts';
import type { ProcessReport } from '../../runtime/process-report.ts';
import { mergeReports } from '../report.ts';
import { listenerViews } from './model.ts';
import { RateTracker } from './rates.ts';
import { renderStatusPage, type PageFacts } from './render.ts';
import { SeriesReader } from './series.ts';

const DEFAULT_REFRESH_SECONDS = 5;

/** What the page is drawn from at each view: the same sources as /stats and /metrics. */
export interface StatusSources {
  reports: readonly ProcessReport[];
  /** Series beside the workers' own: the supervisor's and backend stats. */
  extraSeries: readonly FamilySnapshot[];
  daemon: Record<string, unknown>;
}

/** The admin server's `/`: an HTML page of every listener; it keeps the last counter readings to show rates. */
export class StatusPage {
  private readonly rates = new RateTracker();

  render(sources: StatusSources, query: URLSearchParams): string {
    const now = Date.now();
    const series = new SeriesReader([...mergeReports(sources.reports), ...sources.extraSeries]);
    const daemon = sources.daemon;
    const facts: PageFacts = {
      version: String(daemon.version ?? ''),
      pid: Number(daemon.pid ?? 0),
      uptimeSeconds: Number(daemon.uptime_seconds ?? 0),
      workers: Number(daemon.workers ?? 0),
      configFile: String(daemon.config_file ?? ''),
      lastReload: (daemon.last_reload as PageFacts['lastReload'] | undefined) ?? { result: 'none' },
      refreshSeconds: refreshSeconds(query),
      generatedAt: new Date(now),
    };
    return renderStatusPage(facts, listenerViews(sources.reports, series, this.rates, now));
  }
}

/** `?refresh=N` seconds (0 stops it), 5 by default, at most an hour. */
function refreshSeconds(query: URLSearchParams): number {
  const asked = query.get('refresh');
  if (asked === null || !/^\d{1,4}$/.test(asked)) return DEFAULT_REFRESH_SECONDS;
  return Math.min(Number(asked), 3600);
}
