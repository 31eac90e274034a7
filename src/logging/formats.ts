import type { AccessRecord } from './access-record.ts';

/**
 * One JSON object per line, fields in a fixed order (time first, as log
 * shippers index it), the mode's facts last, absent ones left out. Built as
 * a string: JSON.stringify of an object per request costs twice as much.
 * `listenerJson` is the listener's name already as a JSON string.
 */
export function jsonAccessLine(listenerJson: string, r: AccessRecord, durationMs: number): string {
  const head = r.head;
  let line = `{"time":"${isoTime(r.time)}","listener":${listenerJson},"client":${jsonString(r.client)},"method":${jsonString(head.method)},"target":${jsonString(head.target)},"protocol":"${r.protocol}","status":${r.status},"bytes_in":${r.bytesIn},"bytes_out":${r.bytesOut},"duration_ms":${round(durationMs)}`;
  if (r.upstream !== null) line += `,"upstream":${jsonString(r.upstream)}`;
  if (r.upstreamMs >= 0) line += `,"upstream_ms":${round(r.upstreamMs)}`;
  if (r.requestId !== null) line += `,"request_id":${jsonString(r.requestId)}`;
  if (r.error !== null) line += `,"error":${jsonString(r.error)}`;
  const referer = head.get('referer');
  if (referer !== undefined) line += `,"referer":${jsonString(referer)}`;
  const userAgent = head.get('user-agent');
  if (userAgent !== undefined) line += `,"user_agent":${jsonString(userAgent)}`;
  if (r.shard !== null) line += `,"shard":${jsonString(r.shard)}`;
  if (r.variant !== null) line += `,"variant":${jsonString(r.variant)}`;
  if (r.leaves >= 0) line += `,"leaves":${r.leaves}`;
  if (r.hedges >= 0) line += `,"hedges":${r.hedges}`;
  if (r.cache !== null) line += `,"cache":${jsonString(r.cache)}`;
  if (r.rateLimit !== null) line += `,"rate_limit":${jsonString(r.rateLimit)}`;
  return `${line}}\n`;
}

/** What JSON.stringify would escape in a string: quotes, backslashes, control characters, lone surrogates. */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify(text), without its cost for the common string that needs no escape. */
export function jsonString(text: string): string {
  return JSON_ESCAPED.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** The second isoTime last formatted, and its text up to the milliseconds. */
let isoSecond = -1;
let isoPrefix = '';

/**
 * `new Date(ms).toISOString()` (UTC, as log shippers expect), formatted once
 * a second: the whole of it costs about 1 µs, a third of a JSON line.
 */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const fraction = ms - second * 1000;
  return `${isoPrefix}${fraction < 10 ? '00' : fraction < 100 ? '0' : ''}${fraction}Z`;
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
