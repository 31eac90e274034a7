import type { AccessRecord } from './access-record.ts';

/**
 * One JSON object per line, fields in a fixed order (time first, as log
 * shippers index it); the mode's facts last.
 */
export function jsonAccessLine(listener: string, r: AccessRecord): string {
  const line: Record<string, unknown> = {
    time: new Date(r.startedAt).toISOString(),
    listener,
    client: r.client,
    method: r.method,
    target: r.target,
    protocol: r.protocol,
    status: r.status,
    bytes_in: r.bytesIn,
    bytes_out: r.bytesOut,
    duration_ms: round(r.durationMs),
  };
  if (r.upstream !== undefined) line.upstream = r.upstream;
  if (r.upstreamMs !== undefined) line.upstream_ms = round(r.upstreamMs);
  if (r.requestId !== undefined) line.request_id = r.requestId;
  if (r.referer !== undefined) line.referer = r.referer;
  if (r.userAgent !== undefined) line.user_agent = r.userAgent;
  if (r.facts !== undefined) Object.assign(line, r.facts);
  return JSON.stringify(line) + '\n';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * nginx's `combined` format, byte for byte, for tools that parse it:
 * `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`.
 * As nginx does (ngx_http_log_escape), `"`, `\` and bytes outside printable
 * ASCII in the quoted fields become `\xHH`, so a client cannot forge a line.
 */
export function combinedAccessLine(r: AccessRecord): string {
  const request = `${r.method} ${r.target} ${r.protocol}`;
  return `${r.client} - - [${timeLocal(new Date(r.startedAt))}] "${escape(request)}" ${r.status} ${r.bytesOut} "${escape(r.referer ?? '-')}" "${escape(r.userAgent ?? '-')}"\n`;
}

/** `10/Oct/2000:13:55:36 +0200`, in the process's time zone, as nginx's $time_local. */
export function timeLocal(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

function escape(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, (c) => {
    const code = c.charCodeAt(0);
    // Characters above 0xff come from decoding bytes as UTF-8; log their UTF-8 bytes.
    if (code > 0xff) return [...Buffer.from(c)].map((b) => `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  });
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
