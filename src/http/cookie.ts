/**
 * A cookie's value from a request's Cookie header (node joins several with
 * "; "), or null when it is not there. Names compare case-insensitively, as
 * nginx's `$cookie_NAME` does, with whitespace around them ignored; the value
 * is returned as sent, trimmed. One pass over the header, and nothing is
 * allocated but the value found: it runs on every request of a sticky
 * splitter or a cookie-keyed router, on a header the client controls.
 */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  const length = header.length;
  let start = 0;
  while (start < length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = length;
    let at = start;
    while (at < end && isSpace(header.charCodeAt(at))) at++;
    if (sameName(header, at, end, name)) {
      at += name.length;
      while (at < end && isSpace(header.charCodeAt(at))) at++;
      if (at < end && header.charCodeAt(at) === EQUALS) return header.slice(at + 1, end).trim();
    }
    start = end + 1;
  }
  return null;
}

const EQUALS = 0x3d;

/** What String.prototype.trim removes, within latin1 (header values are latin1 strings). */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

/** Whether header[at, at + name.length), inside the pair ending at `end`, is `name` in any case. */
function sameName(header: string, at: number, end: number, name: string): boolean {
  if (name.length === 0 || at + name.length > end) return false;
  for (let i = 0; i < name.length; i++) {
    if (lower(header.charCodeAt(at + i)) !== lower(name.charCodeAt(i))) return false;
  }
  return true;
}

/** toLowerCase for one latin1 char: A–Z and À–Þ (but ×) move up by 0x20. */
function lower(c: number): number {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c + 0x20 : c;
}
