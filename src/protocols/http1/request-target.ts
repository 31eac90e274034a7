/**
 * The four forms of a request-target (RFC 9112 §3.2), and the authority
 * grammar shared by absolute-form targets and Host (RFC 9110 §7.2, RFC 3986
 * §3.2.2): a reg-name, an IPv4 address or a bracketed IP literal, then an
 * optional port. Anything a router and an app could cut up differently —
 * userinfo (`@`), a `/` or `\`, spaces — is refused.
 */
export const ORIGIN_FORM = 0;
export const ABSOLUTE_FORM = 1;
/** CONNECT's host:port. */
export const AUTHORITY_FORM = 2;
/** OPTIONS `*`. */
export const ASTERISK_FORM = 3;
export const BAD_FORM = -1;

const REG_NAME = (() => {
  const t = new Uint8Array(256);
  for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&\'()*+,;=') t[c.charCodeAt(0)] = 1;
  return t;
})();
const IP_LITERAL = (() => {
  const t = new Uint8Array(256);
  for (const c of '0123456789abcdefABCDEF:.') t[c.charCodeAt(0)] = 1;
  return t;
})();

/** The end of a host (reg-name, IPv4 or `[IP literal]`) starting at buf[start], or -1 for a malformed literal. */
function hostEnd(buf: Uint8Array, start: number, end: number): number {
  let at = start;
  if (at < end && buf[at] === 0x5b /* [ */) {
    at++;
    while (at < end && IP_LITERAL[buf[at]!] === 1) at++;
    if (at === end || buf[at] !== 0x5d /* ] */ || at === start + 1) return -1;
    return at + 1;
  }
  while (at < end && REG_NAME[buf[at]!] === 1) at++;
  return at;
}

/** The end of `host [":" port]` starting at buf[start]: stops at the first byte that cannot continue it; -1 if malformed. */
function authorityEnd(buf: Uint8Array, start: number, end: number): number {
  let at = hostEnd(buf, start, end);
  if (at < 0 || at === end || buf[at] !== 0x3a /* : */) return at;
  for (at++; at < end && buf[at]! >= 0x30 && buf[at]! <= 0x39; at++);
  return at;
}

/** Whether buf[start, end) is a Host value: empty, or exactly `host [":" port]`. */
export function validHost(buf: Uint8Array, start: number, end: number): boolean {
  return start === end || authorityEnd(buf, start, end) === end;
}

/** Lower-case ASCII compare of buf[at..] with a scheme and `://`; the index after it, or -1. */
function afterScheme(buf: Uint8Array, at: number, end: number, scheme: string): number {
  if (end - at < scheme.length + 3) return -1;
  for (let i = 0; i < scheme.length; i++) if ((buf[at + i]! | 0x20) !== scheme.charCodeAt(i)) return -1;
  at += scheme.length;
  return buf[at] === 0x3a && buf[at + 1] === 0x2f && buf[at + 2] === 0x2f ? at + 3 : -1;
}

/**
 * The form of the target buf[start, end) of a `method` request; for the
 * absolute form, `into.authorityEnd` and where the path starts
 * (`into.pathStart`, equal to `end` when the URL has no path).
 */
export function targetForm(buf: Uint8Array, start: number, end: number, method: string, into: { authorityStart: number; authorityEnd: number }): number {
  const first = buf[start];
  if (method === 'CONNECT') return authorityEnd(buf, start, end) === end && end > start ? AUTHORITY_FORM : BAD_FORM;
  if (first === 0x2f /* / */) return ORIGIN_FORM;
  if (first === 0x2a /* * */) return end === start + 1 && method === 'OPTIONS' ? ASTERISK_FORM : BAD_FORM;
  let authority = afterScheme(buf, start, end, 'http');
  if (authority < 0) authority = afterScheme(buf, start, end, 'https');
  if (authority < 0) return BAD_FORM;
  const at = authorityEnd(buf, authority, end);
  if (at <= authority) return BAD_FORM;
  // Only a path or a query may follow; userinfo (`@`) and anything else is refused.
  if (at < end && buf[at] !== 0x2f && buf[at] !== 0x3f /* ? */) return BAD_FORM;
  into.authorityStart = authority;
  into.authorityEnd = at;
  return ABSOLUTE_FORM;
}
