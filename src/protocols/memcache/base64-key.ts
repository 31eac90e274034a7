/**
 * Meta commands take a base64 key with the `b` flag; memcached decodes it
 * (base64.c) and answers `CLIENT_ERROR error decoding key` when it cannot.
 * Its decoder skips bytes outside the alphabet, needs a multiple of four
 * alphabet bytes, and stops after the first block holding `=`.
 * The proxy decodes the same way so that a binary key routes by the bytes
 * memcached stores, whichever form the client used.
 */

const INVALID = 0x80;
const table = new Uint8Array(256).fill(INVALID);
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
table[61] = 0; // '=' counts as an alphabet byte worth 0, as in memcached's table

/**
 * Decodes buf[start, end) into out at outStart (when out is given) and
 * returns the decoded length; 0 means memcached would refuse the key.
 */
export function decodeBase64Key(buf: Buffer, start: number, end: number, out?: Buffer, outStart = 0): number {
  let count = 0;
  for (let i = start; i < end; i++) if (table[buf[i]] !== INVALID) count++;
  if (count === 0 || count % 4 !== 0) return 0;

  let written = 0;
  let inBlock = 0;
  let pad = 0;
  let block = 0;
  for (let i = start; i < end; i++) {
    const value = table[buf[i]];
    if (value === INVALID) continue;
    if (buf[i] === 61) pad++;
    block = (block << 6) | value;
    if (++inBlock < 4) continue;
    if (out !== undefined) {
      out[outStart + written] = block >>> 16;
      out[outStart + written + 1] = (block >>> 8) & 0xff;
      out[outStart + written + 2] = block & 0xff;
    }
    written += 3;
    inBlock = 0;
    block = 0;
    if (pad > 0) {
      if (pad > 2) return 0;
      return written - pad;
    }
  }
  return written;
}
