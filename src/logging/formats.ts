import type { AccessRecord } from './access-record.ts';

/**
 * One JSON object per line, fields in a fixed order (time first, as log
 * shippers index it), the mode's facts last, absent ones left out. Built as
 * a string: JSON.stringify of an object per request costs twice as much.
 * `listenerJson` is the listener's name already as a JSON string.
 */
export function jsonAccessLine(listenerJson: string, r: AccessRecord, durationMs: number): string {
  const head = r.head;
  let line = `{"time":"${new Date(r.time).toISOString()}","listener":${listenerJson},"client":${JSON.stringify(r.client)},"method":${JSON.stringify(head.method)},"target":${JSON.stringify(head.target)},"protocol":"${r.protocol}","status":${r.status},"bytes_in":${r.bytesIn},"bytes_out":${r.bytesOut},"duration_ms":${round(durationMs)}`;
  if (r.upstream !== null) line += `,"upstream":${JSON.stringify(r.upstream)}`;
  if (r.upstreamMs >= 0) line += `,"upstream_ms":${round(r.upstreamMs)}`;
  if (r.requestId !== null) line += `,"request_id":${JSON.stringify(r.requestId)}`;
  if (r.error !== null) line += `,"error":${JSON.stringify(r.error)}`;
  const referer = head.get('referer');
  if (referer !== undefined) line += `,"referer":${JSON.stringify(referer)}`;
  const userAgent = head.get('user-agent');
  if (userAgent !== undefined) line += `,"user_agent":${JSON.stringify(userAgent)}`;
  if (r.shard !== null) line += `,"shard":${JSON.stringify(r.shard)}`;
  if (r.variant !== null) line += `,"variant":${JSON.stringify(r.variant)}`;
  if (r.leaves >= 0) line += `,"leaves":${r.leaves}`;
  if (r.hedges >= 0) line += `,"hedges":${r.hedges}`;
  if (r.cache !== null) line += `,"cache":${JSON.stringify(r.cache)}`;
  if (r.rateLimit !== null) line += `,"rate_limit":${JSON.stringify(r.rateLimit)}`;
  return `${line}}\n`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * nginx's `combined` format, byte for byte, for tools that parse it:
 * `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`.
 * $time_local is when the line is written (the request's end), as in nginx.
 * As nginx does (ngx_http_log_escape), `"`, `\` and bytes outside printable
 * ASCII in the quoted fields become `\xHH`, so a client cannot forge a line.
 * Field values are latin1 strings (one char per byte), so each byte is escaped.
 */
export function combinedAccessLine(r: AccessRecord, now: Date): string {
  const head = r.head;
  const request = `${head.method} ${head.target} ${r.protocol}`;
  return `${r.client} - - [${timeLocal(now)}] "${escape(request)}" ${r.status} ${r.bytesOut} "${escape(head.get('referer') ?? '-')}" "${escape(head.get('user-agent') ?? '-')}"\n`;
}

/** `10/Oct/2000:13:55:36 +0200`, in the process's time zone, as nginx's $time_local. */
export function timeLocal(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${pad(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

const NEEDS_ESCAPE = /[^\x20-\x7e]|["\\]/;

function escape(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[^\x20-\x7e]|["\\]/g, (c) => {
    const code = c.charCodeAt(0);
    // Above 0xff only from a string that was decoded as UTF-8 (an HTTP/2 field): log its UTF-8 bytes.
    if (code > 0xff) return [...Buffer.from(c)].map((b) => `\\x${hex(b)}`).join('');
    return `\\x${hex(code)}`;
  });
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
