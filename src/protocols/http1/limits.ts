/** How much of a message head one connection may send (nginx's large_client_header_buffers, node's maxHeaderSize). */
export interface HeadLimits {
  /** Longest request line; longer gets 414 (nginx: one large_client_header_buffers buffer, 8 KiB). */
  readonly maxStartLine: number;
  /** Largest head, start line and fields and the blank line; larger gets 431. At most 2^31 - 1 (the offsets are Int32). */
  readonly maxHeadSize: number;
}

export const DEFAULT_HEAD_LIMITS: HeadLimits = Object.freeze({ maxStartLine: 8 * 1024, maxHeadSize: 16 * 1024 });

/** A trailer section may be as large as a head. Chunk extensions are skipped, up to this many bytes per chunk line. */
export const MAX_CHUNK_LINE = 4 * 1024;
