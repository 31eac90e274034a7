/** Response headers as undici parses them: lower-case names, repeated ones as arrays. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** Hop-by-hop response headers (RFC 9110 §7.6.1); node:http and node:http2 write their own framing. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'proxy-authenticate']);

/** `Connection` values that name no other header: nearly every response's. */
const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/**
 * Removes hop-by-hop headers, and those `Connection` names, from an upstream
 * response before it is written to the client. Mutates: the object is
 * undici's, made for this response alone. Keys are visited last to first:
 * hop-by-hop headers usually close a response head, and V8 deletes an
 * object's most recently added property without leaving its fast mode.
 */
export function stripResponseHeaders(headers: ResponseHeaders): ResponseHeaders {
  const connection = headers.connection;
  const named = connection === undefined || (typeof connection === 'string' && PLAIN_CONNECTION.test(connection)) ? null : connectionNames(connection);
  const keys = Object.keys(headers);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    if (HOP_BY_HOP.has(key) || (named !== null && named.has(key))) delete headers[key];
  }
  return headers;
}

function connectionNames(connection: string | string[]): Set<string> {
  const names = new Set<string>();
  for (const token of String(connection).split(',')) {
    const name = token.trim().toLowerCase();
    if (name) names.add(name);
  }
  return names;
}
