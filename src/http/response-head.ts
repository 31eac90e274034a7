/** Response headers as undici parses them: lower-case names, repeated ones as arrays. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** Hop-by-hop response headers (RFC 9110 §7.6.1); node:http and node:http2 write their own framing. */
const HOP_BY_HOP = ['keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'proxy-authenticate'];

/**
 * Removes hop-by-hop headers, and those `Connection` names, from an upstream
 * response before it is written to the client. Mutates: the object is
 * undici's, made for this response alone.
 */
export function stripResponseHeaders(headers: ResponseHeaders): ResponseHeaders {
  const connection = headers.connection;
  if (connection !== undefined) {
    for (const token of String(connection).split(',')) {
      const name = token.trim().toLowerCase();
      if (name) delete headers[name];
    }
    delete headers.connection;
  }
  for (const name of HOP_BY_HOP) {
    if (headers[name] !== undefined) delete headers[name];
  }
  return headers;
}
