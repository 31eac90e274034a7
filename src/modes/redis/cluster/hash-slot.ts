import { crc16 } from '../../../hash/functions/crc.ts';

/** Redis Cluster's key space: CLUSTER_SLOTS in cluster.h. */
export const SLOT_COUNT = 16384;

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

/**
 * The hash slot of key bytes buf[start, end), as cluster.c keyHashSlot
 * computes it: CRC16/XMODEM of the key, modulo 16384; when the key holds a
 * `{` followed later by a `}` with at least one byte between them, only the
 * bytes between the first `{` and the first `}` after it are hashed (a hash
 * tag), so related keys share a slot. An empty tag (`{}`) hashes the whole key.
 */
export function keySlot(buf: Uint8Array, start: number, end: number): number {
  let open = start;
  while (open < end && buf[open] !== OPEN) open++;
  if (open < end) {
    let close = open + 1;
    while (close < end && buf[close] !== CLOSE) close++;
    if (close < end && close > open + 1) return crc16(buf, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(buf, start, end) & (SLOT_COUNT - 1);
}
