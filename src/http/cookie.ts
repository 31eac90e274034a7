/**
 * A cookie's value from a request's Cookie header (node joins several with
 * "; "), or null when it is not there. Names compare case-insensitively, as
 * nginx's `$cookie_NAME` does; the value is returned as sent.
 */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  const lower = name.toLowerCase();
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq > start && eq < end && header.slice(start, eq).trim().toLowerCase() === lower) return header.slice(eq + 1, end).trim();
    start = end + 1;
  }
  return null;
}
