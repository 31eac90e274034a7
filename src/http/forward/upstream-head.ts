import { writeLatin1 } from '../../protocols/http1/bytes.ts';
import {
  CONNECTION, CONTENT_LENGTH, EXPECT, FIELD_NAME_COUNT, HOST, HTTP2_SETTINGS, KEEP_ALIVE, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION,
  PROXY_CONNECTION, PROXY_OTHER, TE, TRAILER, TRANSFER_ENCODING, UPGRADE, X_FORWARDED_CLIENT_CERT, X_FORWARDED_FOR, X_FORWARDED_HOST,
  X_FORWARDED_PROTO, X_REAL_IP, X_REQUEST_ID,
} from '../../protocols/http1/field-names.ts';
import { connectionNamed, isNamed } from '../hop-by-hop.ts';
import type { HttpRequest } from '../message.ts';

// How a request field is treated on the way upstream.
const KEEP = 0;
/** Hop-by-hop (RFC 9110 §7.6.1), or one padda writes itself so that a client cannot forge it. */
const DROP = 1;
const FORWARDED_FOR = 2;
const REQUEST_ID = 3;
const UPGRADE_FIELD = 4;

const TREATMENT = (() => {
  const table = new Uint8Array(FIELD_NAME_COUNT);
  for (const id of [HOST, TRANSFER_ENCODING, CONNECTION, KEEP_ALIVE, TE, TRAILER, PROXY_CONNECTION, PROXY_AUTHORIZATION, PROXY_AUTHENTICATE,
    PROXY_OTHER, EXPECT, HTTP2_SETTINGS, X_FORWARDED_PROTO, X_FORWARDED_HOST, X_REAL_IP, X_FORWARDED_CLIENT_CERT]) table[id] = DROP;
  table[X_FORWARDED_FOR] = FORWARDED_FOR;
  table[X_REQUEST_ID] = REQUEST_ID;
  table[UPGRADE] = UPGRADE_FIELD;
  table[CONTENT_LENGTH] = KEEP;
  return table;
})();

export interface UpstreamHeadOptions {
  readonly preserveHost: boolean;
  readonly requestId: boolean;
}

/** The Host a client asked for: an absolute-form target's authority (RFC 9112 §3.2.2), else its Host field; null when it gave none. */
export function clientHost(request: HttpRequest, authority: string | null): string | null {
  const head = request.head;
  const host = authority ?? (head.host >= 0 ? head.value(head.host) : null);
  return host === '' ? null : host;
}

/** The Host an upstream gets: the client's when preserved and given, else the upstream's own. */
export function upstreamHost(request: HttpRequest, authority: string | null, originHost: string, preserveHost: boolean): string {
  return preserveHost ? clientHost(request, authority) ?? originHost : originHost;
}

/**
 * Writes the request head sent upstream, in one Buffer and one pass over
 * the client's fields, which are copied as runs of whole lines: hop-by-hop
 * fields and what `Connection` names are dropped; the book's SSL-bridge set
 * is added (X-Forwarded-For appended to with the connection's peer, as
 * nginx's $proxy_add_x_forwarded_for; -Proto, -Host and X-Real-IP set,
 * never taken from the client's fields — a trusted proxy's are read by
 * trusted-proxies.ts into `client`; x-forwarded-client-cert for a verified
 * certificate);
 * x-request-id the client's (its first) or `requestId`. `host` is what
 * upstreamHost() chose (or a shadow's). `chunked`: the body goes up in
 * chunks padda writes. `upgrade`: the client's Upgrade and
 * `Connection: upgrade` go along.
 */
export function upstreamHead(
  request: HttpRequest, path: string, authority: string | null, host: string, requestId: string, clientRequestId: boolean, chunked: boolean, upgrade: boolean,
): Buffer {
  const head = request.head;
  const { buffer, fields, names } = head;
  const named = connectionNamed(head);
  const client = request.client;
  const forwardedHost = clientHost(request, authority);
  let forwardedFor: string | null = null;
  let requestIds = 0;
  const out = Buffer.allocUnsafe(head.end - head.start + path.length + host.length * 2 + client.address.length * 2 + (client.certificate?.length ?? 0) + 512);
  let at = writeLatin1(out, 0, `${request.method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`);
  // Runs of kept lines are copied whole, each with its CRLF; the fields end before the blank line.
  let run = -1;
  for (let i = 0; i < head.fieldCount; i++) {
    let treatment = TREATMENT[names[i]!]!;
    if (treatment === REQUEST_ID) {
      treatment = requestIds++ === 0 ? KEEP : DROP;
    } else if (treatment === UPGRADE_FIELD) {
      treatment = upgrade ? KEEP : DROP;
    } else if (treatment === FORWARDED_FOR) {
      forwardedFor = forwardedFor === null ? head.value(i) : `${forwardedFor}, ${head.value(i)}`;
    } else if (treatment === KEEP && named !== null && isNamed(head, i, named)) {
      treatment = DROP;
    }
    if (treatment !== KEEP) {
      if (run >= 0) at += buffer.copy(out, at, run, fields[4 * i]!);
      run = -1;
    } else if (run < 0) {
      run = fields[4 * i]!;
    }
  }
  if (run >= 0) at += buffer.copy(out, at, run, head.end - 2);
  const hop = client.peer ?? client.address;
  at = writeLatin1(out, at, `x-forwarded-for: ${forwardedFor === null ? hop : `${forwardedFor}, ${hop}`}\r\n` +
    `x-forwarded-proto: ${client.scheme}\r\nx-real-ip: ${client.address}\r\n`);
  if (forwardedHost !== null) at = writeLatin1(out, at, `x-forwarded-host: ${forwardedHost}\r\n`);
  if (client.certificate !== null) at = writeLatin1(out, at, `x-forwarded-client-cert: ${client.certificate}\r\n`);
  if (!clientRequestId && requestId !== '') at = writeLatin1(out, at, `x-request-id: ${requestId}\r\n`);
  if (chunked) at = writeLatin1(out, at, 'transfer-encoding: chunked\r\n');
  if (upgrade) at = writeLatin1(out, at, 'connection: upgrade\r\n');
  at = writeLatin1(out, at, '\r\n');
  return out.subarray(0, at);
}

/**
 * The fields of a head upstreamHead() wrote, as the flat [name, value, …]
 * list undici's dispatch takes (host first): for callers that send the
 * request with undici (scatter/gather's leaf calls), so they get the same
 * field hygiene as a proxied request.
 */
export function upstreamFields(head: Buffer): string[] {
  const fields: string[] = [];
  const text = head.toString('latin1');
  let at = text.indexOf('\r\n') + 2;
  while (at < text.length - 2) {
    const end = text.indexOf('\r\n', at);
    const colon = text.indexOf(':', at);
    fields.push(text.slice(at, colon), text.slice(colon + 1, end).trim());
    at = end + 2;
  }
  return fields;
}
