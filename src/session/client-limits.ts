/** With no hard limit configured, a client is cut at once past this many times its soft limit. */
export const HARD_LIMIT_FACTOR = 4;

/** The client limits of a sharding listener's config (client-limit-keys.ts declares them). */
export interface ClientLimitConfig {
  client_output_limit: number;
  client_output_limit_time: number;
  client_output_hard_limit?: number | undefined;
  client_max_inflight: number;
}

export interface SessionLimits {
  /** Bytes of unread replies: past half, reading pauses; past all for `outputLimitTime` ms, the client is cut. */
  outputLimit: number;
  outputLimitTime: number;
  /** Bytes of unread replies past which the client is cut at once. */
  outputHardLimit: number;
  maxInflight: number;
}

export function sessionLimits(config: ClientLimitConfig): SessionLimits {
  // 0 lifts a limit.
  const soft = config.client_output_limit || Number.POSITIVE_INFINITY;
  const hard = config.client_output_hard_limit ?? HARD_LIMIT_FACTOR * soft;
  return {
    outputLimit: soft,
    outputLimitTime: config.client_output_limit_time,
    outputHardLimit: hard || Number.POSITIVE_INFINITY,
    maxInflight: config.client_max_inflight,
  };
}
