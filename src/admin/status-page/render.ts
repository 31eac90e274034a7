import { formatBytes, formatMs, type ListenerView, type StatusRow } from './model.ts';

export interface PageFacts {
  version: string;
  pid: number;
  uptimeSeconds: number;
  workers: number;
  configFile: string;
  lastReload: { result: string; trigger?: string; at?: string; problems?: string[] };
  /** Seconds between the page's own reloads; 0 for none. */
  refreshSeconds: number;
  generatedAt: Date;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every text that reaches the page goes through this: names, reasons and config problems are not markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Header, tooltip and width of each column; fixed widths line the tables up under each other. */
const COLUMNS: ReadonlyArray<readonly [string, string, string]> = [
  ['name', 'The listener (first line), then its members', '22%'],
  ['state', 'up, down, ejected, draining, out (of the distribution); pass or fail for checks', '6%'],
  ['req/s', 'Requests per second since the previous view at least a second ago', '5.5%'],
  ['requests', 'Requests since start (tcp: connections)', '6.5%'],
  ['errors', 'Errors since start', '5%'],
  ['p50', 'Median request time', '6%'],
  ['p99', '99th percentile request time', '6%'],
  ['in', 'Bytes received: from clients (listener), from the server (member)', '6%'],
  ['out', 'Bytes sent: to clients (listener), to the server (member)', '6%'],
  ['active', 'Open connections (listener, server); requests in flight (other members)', '5%'],
  ['hit ratio', 'Cache hits over lookups, from the server\'s own stats (backend_stats)', '6%'],
  ['detail', '', '20%'],
];

/**
 * The status page, in the spirit of HAProxy's stats page: one table per
 * listener, its first line the listener's totals, then its members. One
 * self-contained document (inline CSS, no script, no external asset) that
 * reloads itself every `refreshSeconds`.
 */
export function renderStatusPage(facts: PageFacts, listeners: readonly ListenerView[]): string {
  const reload = facts.lastReload;
  const reloadText = reload.result === 'none'
    ? 'none since start'
    : `${reload.result}${reload.trigger ? ` (${reload.trigger})` : ''}${reload.at ? ` at ${reload.at}` : ''}`;
  const problems = (reload.problems ?? []).map((problem) => `<li>${escapeHtml(problem)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${facts.refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${facts.refreshSeconds}">\n` : ''}<title>padda status</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>padda ${escapeHtml(facts.version)}</h1>
<dl>
<dt>pid</dt><dd>${facts.pid}</dd>
<dt>uptime</dt><dd>${formatDuration(facts.uptimeSeconds)}</dd>
<dt>workers</dt><dd>${facts.workers}</dd>
<dt>config</dt><dd>${escapeHtml(facts.configFile)}</dd>
<dt>last reload</dt><dd class="reload ${escapeHtml(reload.result)}">${escapeHtml(reloadText)}</dd>
</dl>
${problems === '' ? '' : `<ul class="problems">${problems}</ul>\n`}<p class="meta">${escapeHtml(facts.generatedAt.toISOString())}${facts.refreshSeconds > 0 ? ` · refreshes every ${facts.refreshSeconds} s (<a href="?refresh=0">stop</a>)` : ' · <a href="?">refresh every 5 s</a>'} · <a href="stats">/stats</a> · <a href="metrics">/metrics</a> · <a href="config">/config</a> · <a href="ready">/ready</a></p>
</header>
<main>
${listeners.map(renderListener).join('\n')}
</main>
</body>
</html>
`;
}

function renderListener(listener: ListenerView): string {
  const ready = listener.notReady.length === 0;
  return `<section class="listener" id="listener-${escapeHtml(listener.name)}">
<table>
<caption><span class="name">${escapeHtml(listener.name)}</span> <span class="mode">${escapeHtml(listener.mode)}</span> <span class="listen">${escapeHtml(listener.listen)}</span> <span class="state ${ready ? 'up' : 'down'}">${ready ? 'ready' : `not ready: ${escapeHtml(listener.notReady.join('; '))}`}</span></caption>
<colgroup>${COLUMNS.map(([, , width]) => `<col style="width:${width}">`).join('')}</colgroup>
<thead><tr>${COLUMNS.map(([name, title]) => `<th title="${escapeHtml(title)}">${name}</th>`).join('')}</tr></thead>
<tbody>
${listener.rows.map(renderRow).join('\n')}
</tbody>
</table>
</section>`;
}

function renderRow(row: StatusRow): string {
  const cells = [
    `<td class="name depth-${row.depth}" title="${escapeHtml(row.name)}"><span class="kind">${escapeHtml(row.kind)}</span> ${escapeHtml(row.name)}</td>`,
    `<td class="state ${escapeHtml(row.state)}">${escapeHtml(row.state)}</td>`,
    numberCell(row.rate, (rate) => rate.toFixed(rate >= 100 ? 0 : 1)),
    numberCell(row.requests, String),
    numberCell(row.errors, String),
    numberCell(row.p50Ms, (ms) => `${formatMs(ms)} ms`),
    numberCell(row.p99Ms, (ms) => `${formatMs(ms)} ms`),
    numberCell(row.inBytes, formatBytes),
    numberCell(row.outBytes, formatBytes),
    numberCell(row.connections, String),
    numberCell(row.hitRatio, (ratio) => `${(ratio * 100).toFixed(1)} %`),
    `<td class="detail">${escapeHtml(row.detail ?? '')}</td>`,
  ];
  return `<tr class="${row.depth === 0 ? 'total' : 'member'}">${cells.join('')}</tr>`;
}

function numberCell(value: number | undefined, format: (value: number) => string): string {
  return `<td class="num">${value === undefined ? '' : escapeHtml(format(value))}</td>`;
}

function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m ${s}s` : `${m}m ${s}s`;
}

const STYLE = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1d2327; background: #f4f5f7; }
header { background: #23344a; color: #fff; padding: 10px 16px; }
header h1 { font-size: 18px; margin: 0 0 6px; }
header dl { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0; }
header dt { opacity: .7; } header dd { margin: 0 0 0 -12px; font-weight: 600; }
header a { color: #bcd6ff; }
.meta { margin: 6px 0 0; opacity: .8; font-size: 12px; }
.problems { background: #fff0f0; color: #8a1010; padding: 6px 6px 6px 26px; margin: 8px 0 0; border-radius: 3px; }
.reload.invalid, .reload.failed { color: #ffb3b3; }
main { padding: 12px 16px; }
section.listener { margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.12); }
caption { text-align: left; padding: 6px 8px; background: #dfe6ef; font-weight: 600; }
caption .mode, caption .listen { font-weight: 400; color: #4b5a6b; margin-left: 8px; }
caption .state { margin-left: 8px; }
th { background: #eef1f5; font-weight: 600; text-align: left; padding: 3px 8px; border-bottom: 1px solid #cfd6de; white-space: nowrap; }
td { padding: 3px 8px; border-bottom: 1px solid #eceff3; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.detail { white-space: normal; color: #4b5a6b; }
tr.total { font-weight: 600; background: #f8fafc; }
td.depth-1 { padding-left: 22px; } td.depth-2 { padding-left: 40px; } td.depth-3 { padding-left: 58px; }
.kind { color: #7a8794; font-size: 11px; font-weight: 400; }
.state.up, .state.pass { color: #0a7d32; } .state.down, .state.fail, .state.ejected { color: #b3261e; font-weight: 600; }
.state.draining, .state.out { color: #a35c00; }
tr:has(td.state.down), tr:has(td.state.fail), tr:has(td.state.ejected) { background: #fff4f3; }
`;
