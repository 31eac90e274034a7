/**
 * A parsed command as offsets into the bytes it arrived in: argument i is
 * `buffer[argStart[i], argEnd[i])`. No per-argument objects and no strings, so
 * routing a pipelined command costs no allocation. The request scanner is one;
 * anything that builds commands (tests, split fragments) can be another.
 */
export interface CommandArguments {
  readonly buffer: Uint8Array;
  readonly argc: number;
  readonly argStart: Int32Array;
  readonly argEnd: Int32Array;
}

