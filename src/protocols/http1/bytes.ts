/** Byte classes of HTTP/1.1 (RFC 9110 §5.6.2, §5.5; RFC 9112 §3), as 256-entry tables: one load per byte on the hot path. */

export const HTAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const DQUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;

function table(accepts: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = accepts(c) ? 1 : 0;
  return t;
}

const isVchar = (c: number) => c >= 0x21 && c <= 0x7e;
const isObsText = (c: number) => c >= 0x80;

/** tchar: what a method, a field name, a transfer coding and a chunk extension name are made of. */
export const TOKEN = table((c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || '!#$%&\'*+-.^_`|~'.includes(String.fromCharCode(c)));

/**
 * field-content: VCHAR, obs-text, and SP/HTAB between them. No CR, LF, NUL,
 * other controls or DEL: a bare CR or an obs-fold is a smuggling vector
 * (RFC 9112 §5.2), and llhttp refuses them too.
 */
export const FIELD_VALUE = table((c) => isVchar(c) || isObsText(c) || c === SP || c === HTAB);

/**
 * Bytes of a request-target: VCHAR except `#` (a fragment is never sent,
 * RFC 9112 §3.2). llhttp's strict URL parser accepts no more than VCHAR either.
 */
export const TARGET = table((c) => isVchar(c) && c !== 0x23);

/** reason-phrase: HTAB, SP, VCHAR, obs-text (RFC 9112 §4). */
export const REASON = FIELD_VALUE;

/** qdtext of a quoted chunk-extension value, without quoted-pair (`\`), which no sender needs. */
export const QDTEXT = table((c) => c === HTAB || c === SP || c === 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e) || isObsText(c));

/** Hex digit values, -1 for anything else. */
export const HEX = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let c = 0; c < 10; c++) t[0x30 + c] = c;
  for (let c = 0; c < 6; c++) {
    t[0x41 + c] = 10 + c;
    t[0x61 + c] = 10 + c;
  }
  return t;
})();

/** ASCII letters to lower case, every other byte unchanged. */
export function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** Whether buf[start, end) is `word` (lower-case ASCII) in any letter case. */
export function equalsIgnoringCase(buf: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if (lower(buf[start + i]!) !== word.charCodeAt(i)) return false;
  }
  return true;
}

type Latin1Slicing = Buffer & { latin1Slice(start: number, end: number): string };

/** buf[start, end) as a latin1 string (one char per byte): Buffer's own latin1Slice, which toString('latin1') ends in. */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as Latin1Slicing).latin1Slice(start, end);
}

type Latin1Writing = Buffer & { latin1Write(text: string, offset: number, length: number): number };

/** Writes `text` (one byte per char) at buf[at] and returns the offset after it; the caller sized buf. */
export function writeLatin1(buf: Buffer, at: number, text: string): number {
  return at + (buf as Latin1Writing).latin1Write(text, at, text.length);
}
