import { equalsIgnoringCase } from './bytes.ts';

/**
 * Field names the engine acts on, recognised once while a head is scanned
 * (by length, then by bytes, case-insensitively), so that no later stage
 * compares a name again. Every other name is OTHER, or PROXY_OTHER for the
 * `Proxy-*` family, which describes the hop to a proxy, never the message.
 */
export const OTHER = 0;
export const HOST = 1;
export const CONTENT_LENGTH = 2;
export const TRANSFER_ENCODING = 3;
export const CONNECTION = 4;
export const KEEP_ALIVE = 5;
export const TE = 6;
export const TRAILER = 7;
export const UPGRADE = 8;
export const PROXY_CONNECTION = 9;
export const PROXY_AUTHORIZATION = 10;
export const PROXY_AUTHENTICATE = 11;
export const EXPECT = 12;
export const HTTP2_SETTINGS = 13;
export const X_FORWARDED_FOR = 14;
export const X_FORWARDED_PROTO = 15;
export const X_FORWARDED_HOST = 16;
export const X_REAL_IP = 17;
export const X_FORWARDED_CLIENT_CERT = 18;
export const X_REQUEST_ID = 19;
export const COOKIE = 20;
export const SET_COOKIE = 21;
export const CONTENT_ENCODING = 22;
export const PROXY_OTHER = 23;
export const FIELD_NAME_COUNT = 24;

const NAMES: ReadonlyArray<readonly [number, string]> = [
  [HOST, 'host'], [CONTENT_LENGTH, 'content-length'], [TRANSFER_ENCODING, 'transfer-encoding'], [CONNECTION, 'connection'],
  [KEEP_ALIVE, 'keep-alive'], [TE, 'te'], [TRAILER, 'trailer'], [UPGRADE, 'upgrade'], [PROXY_CONNECTION, 'proxy-connection'],
  [PROXY_AUTHORIZATION, 'proxy-authorization'], [PROXY_AUTHENTICATE, 'proxy-authenticate'], [EXPECT, 'expect'],
  [HTTP2_SETTINGS, 'http2-settings'], [X_FORWARDED_FOR, 'x-forwarded-for'], [X_FORWARDED_PROTO, 'x-forwarded-proto'],
  [X_FORWARDED_HOST, 'x-forwarded-host'], [X_REAL_IP, 'x-real-ip'], [X_FORWARDED_CLIENT_CERT, 'x-forwarded-client-cert'],
  [X_REQUEST_ID, 'x-request-id'], [COOKIE, 'cookie'], [SET_COOKIE, 'set-cookie'], [CONTENT_ENCODING, 'content-encoding'],
];

/** The lower-case name of each known field, by its number. */
export const FIELD_NAMES: readonly string[] = (() => {
  const names = new Array<string>(FIELD_NAME_COUNT).fill('');
  for (const [id, name] of NAMES) names[id] = name;
  return names;
})();

const BY_LENGTH: Array<Array<readonly [number, string]>> = [];
for (const entry of NAMES) (BY_LENGTH[entry[1].length] ??= []).push(entry);

/** The field name number of buf[start, end). */
export function fieldNameAt(buf: Uint8Array, start: number, end: number): number {
  const candidates = BY_LENGTH[end - start];
  if (candidates !== undefined) {
    for (const [id, name] of candidates) if (equalsIgnoringCase(buf, start, end, name)) return id;
  }
  return end - start > 6 && equalsIgnoringCase(buf, start, start + 6, 'proxy-') ? PROXY_OTHER : OTHER;
}

/** The field name number of a lower-case name. */
export function fieldNameOf(name: string): number {
  const bytes = Buffer.from(name, 'latin1');
  return fieldNameAt(bytes, 0, bytes.length);
}

