/**
 * One whole reply decoded into values, for the few replies padda reads for
 * itself rather than forwards (CLUSTER SHARDS, CLUSTER SLOTS): bulk and
 * simple strings as text, integers as numbers, arrays and RESP3 maps as
 * arrays (a map's keys and values alternate, as RESP2 sends them), errors
 * as ReplyError. Not for the data path: it allocates per element.
 *
 *   const value = decodeReply(bytes);       // ['slots', [0, 5460], 'nodes', [...]]
 */
import { parseInteger } from './integer.ts';

export type ReplyValue = string | number | null | ReplyError | ReplyValue[];

/** An error reply (`-ERR …`), as a value. */
export class ReplyError {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

const CR = 0x0d;

/** The value of the reply in `bytes`; throws on bytes that are not one whole reply. */
export function decodeReply(bytes: Buffer): ReplyValue {
  const decoder = { bytes, at: 0 };
  const value = decode(decoder);
  if (decoder.at !== bytes.length) throw new Error('bytes after the reply');
  return value;
}

function decode(d: { bytes: Buffer; at: number }): ReplyValue {
  const type = d.bytes[d.at];
  const cr = d.bytes.indexOf(CR, d.at + 1);
  if (cr < 0 || d.bytes[cr + 1] !== 0x0a) throw new Error('a reply line without CRLF');
  const line = d.bytes.toString('latin1', d.at + 1, cr);
  d.at = cr + 2;
  switch (type) {
    case 0x2b: // +
      return line;
    case 0x2d: // -
      return new ReplyError(line);
    case 0x3a: // :
      return integer(d.bytes, cr - line.length, cr);
    case 0x5f: // _ (RESP3 null)
      return null;
    case 0x24: { // $
      const length = integer(d.bytes, cr - line.length, cr);
      if (length < 0) return null;
      const text = d.bytes.toString('utf8', d.at, d.at + length);
      if (d.bytes[d.at + length] !== CR) throw new Error('a bulk string longer than its length');
      d.at += length + 2;
      return text;
    }
    case 0x2a: // *
    case 0x25: { // % (RESP3 map: keys and values alternate)
      const count = integer(d.bytes, cr - line.length, cr) * (type === 0x25 ? 2 : 1);
      if (count < 0) return null;
      const values: ReplyValue[] = [];
      for (let i = 0; i < count; i++) values.push(decode(d));
      return values;
    }
    default:
      throw new Error(`reply type ${JSON.stringify(String.fromCharCode(type ?? 0))} is not read here`);
  }
}

function integer(bytes: Buffer, start: number, end: number): number {
  const n = parseInteger(bytes, start, end);
  if (Number.isNaN(n)) throw new Error('not an integer');
  return n;
}
