/**
 * Key specs compiled from the table's JSON into flat numeric records, so key
 * finding reads small monomorphic objects instead of tagged unions.
 */
import type { KeySpec } from './command-info.ts';

export const BEGIN_INDEX = 0;
export const BEGIN_KEYWORD = 1;
export const FIND_RANGE = 0;
export const FIND_KEYNUM = 1;
/** begin_search or find_keys type `unknown`: the spec cannot be followed (redis then uses the command's own key function). */
export const UNKNOWN = 2;

export interface CompiledKeySpec {
  readonly begin: number;
  /** BEGIN_INDEX: the argument index. */
  readonly index: number;
  /** BEGIN_KEYWORD: the keyword, lower-case, and where to start looking (negative: from the end). */
  readonly keyword: Uint8Array;
  readonly startFrom: number;
  readonly find: number;
  /** FIND_RANGE: last key relative to the first (negative: from the end), step, and the divisor of the remaining arguments. */
  readonly lastKey: number;
  readonly keyStep: number;
  readonly limit: number;
  /** FIND_KEYNUM: where the key count is, and where the keys start, relative to the begin index. */
  readonly keyNumIndex: number;
  readonly firstKey: number;
  /** Channel names and the like: not keys unless asked for. */
  readonly notKey: boolean;
  /** Finds only some of the keys; Redis then falls back to the command's key function. */
  readonly incomplete: boolean;
}

const NO_KEYWORD = new Uint8Array(0);

export function compileKeySpec(spec: KeySpec): CompiledKeySpec {
  const { beginSearch: bs, findKeys: fk } = spec;
  return {
    begin: bs.type === 'index' ? BEGIN_INDEX : bs.type === 'keyword' ? BEGIN_KEYWORD : UNKNOWN,
    index: bs.type === 'index' ? bs.index : 0,
    keyword: bs.type === 'keyword' ? Buffer.from(bs.keyword.toLowerCase(), 'latin1') : NO_KEYWORD,
    startFrom: bs.type === 'keyword' ? bs.startFrom : 0,
    find: fk.type === 'range' ? FIND_RANGE : fk.type === 'keynum' ? FIND_KEYNUM : UNKNOWN,
    lastKey: fk.type === 'range' ? fk.lastKey : 0,
    // A step below 1 would never advance; no Redis spec has one, but a bad table must not hang padda.
    keyStep: fk.type === 'unknown' ? 1 : Math.max(1, fk.keyStep),
    limit: fk.type === 'range' ? fk.limit : 0,
    keyNumIndex: fk.type === 'keynum' ? fk.keyNumIndex : 0,
    firstKey: fk.type === 'keynum' ? fk.firstKey : 0,
    notKey: spec.flags.includes('not_key'),
    incomplete: spec.flags.includes('incomplete'),
  };
}
