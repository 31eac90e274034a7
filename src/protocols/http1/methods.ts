/**
 * The request methods padda accepts: llhttp's HTTP methods (node's
 * `http.METHODS`), so that padda never forwards a method node:http would
 * have refused. Case-sensitive, as RFC 9110 §9.1 says. A token that is no
 * method here is answered 501 (RFC 9110 §9.1: unrecognized method).
 */
export const METHODS = [
  'ACL', 'BIND', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'GET', 'HEAD', 'LINK', 'LOCK', 'M-SEARCH', 'MERGE',
  'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MOVE', 'NOTIFY', 'OPTIONS', 'PATCH', 'POST', 'PROPFIND', 'PROPPATCH',
  'PURGE', 'PUT', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'SOURCE', 'SUBSCRIBE', 'TRACE', 'UNBIND', 'UNLINK',
  'UNLOCK', 'UNSUBSCRIBE',
] as const;

export type Method = (typeof METHODS)[number];

/** Methods a retry cannot make happen twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set<string>(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE', 'QUERY']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** Candidates by first byte, then compared byte by byte: no string is made to look a method up. */
const BY_FIRST: Array<Array<{ name: Method; bytes: Buffer }>> = Array.from({ length: 256 }, () => []);
for (const name of METHODS) BY_FIRST[name.charCodeAt(0)]!.push({ name, bytes: Buffer.from(name, 'latin1') });

/** The interned method name for buf[start, end), or null when it is no method padda knows. */
export function methodAt(buf: Uint8Array, start: number, end: number): Method | null {
  const length = end - start;
  // GET, the common case, without the loop.
  if (length === 3 && buf[start] === 0x47 && buf[start + 1] === 0x45 && buf[start + 2] === 0x54) return 'GET';
  for (const candidate of BY_FIRST[buf[start]!]!) {
    const bytes = candidate.bytes;
    if (bytes.length !== length) continue;
    let i = 1;
    while (i < length && bytes[i] === buf[start + i]) i++;
    if (i === length) return candidate.name;
  }
  return null;
}
