import { z } from 'zod';
import { byteSize, duration } from '../config/values.ts';
import { accessLogSchema, type AccessLogConfig } from '../logging/schema.ts';
import { DEFAULT_HEAD_LIMITS } from '../protocols/http1/limits.ts';
import type { DownstreamOptions } from './downstream/downstream.ts';
import type { ProxyOptions } from './forward/proxy-options.ts';
import type { OriginSettings } from './upstream/origin.ts';
import { rateLimitSchema, type RateLimitConfig } from './rate-limit/schema.ts';
import { parseCidr } from './trusted-proxies.ts';

/**
 * Config keys every HTTP proxying mode shares. A mode spreads `httpProxyKeys`
 * into its own strict schema and turns the parsed values into runtime options
 * with the functions below, so sidecar, split, shard-router and
 * scatter-gather read the same keys the same way.
 */
const timeouts = z.strictObject({
  connect: duration.default(1000).describe('Give up on an upstream that has not accepted the connection in this time (504).'),
  response: duration.default(60_000).describe('Give up when the response headers have not arrived this long after the request was sent (504).'),
  body: duration.default(60_000).describe('Cut a response whose body stalls this long between two chunks.'),
  total: duration.default(0).describe('Give up on a whole exchange after this long; 0 disables (a 1 GB download may take minutes).'),
}).describe('Upstream timeouts.');

const pool = z.strictObject({
  connections: z.number().int().min(1).default(128).describe('Most connections open to one upstream; more requests queue.'),
  queue: z.number().int().min(0).default(1024).describe('Most requests waiting for a connection to one upstream; more get 503 upstream_pool_full.'),
  queue_timeout: duration.default(10_000).describe('A request that waited this long for a connection gets 503 upstream_pool_timeout.'),
  keepalive_timeout: duration.default(4000).describe('Close an idle upstream connection after this; an upstream `Keep-Alive: timeout` shortens it.'),
  failure_limit: z.number().int().min(0).default(0).describe('Consecutive connect failures after which an upstream is ejected (503 while ejected); 0 never ejects.'),
  eject_time: duration.default(2000).describe('How long an ejected upstream is skipped before it is tried again.'),
}).describe('Connections to each upstream.');

const client = z.strictObject({
  keepalive_timeout: duration.default(65_000).describe('Close an idle client connection after this.'),
  header_timeout: duration.default(20_000).describe('A client must send its request headers within this (slowloris protection).'),
  body_timeout: duration.default(60_000).describe('A request body that stalls this long between two reads gets 408 (nginx client_body_timeout).'),
  body_buffer: byteSize.default(16 * 1024)
    .describe('A request body is held up to this size before an upstream connection is taken, so slow uploads do not hold the pool.'),
  max_header_size: byteSize.default(DEFAULT_HEAD_LIMITS.maxHeadSize).describe('Largest request head accepted; larger gets 431.'),
  max_request_line: byteSize.default(DEFAULT_HEAD_LIMITS.maxStartLine).describe('Longest request line accepted; longer gets 414.'),
  http2_streams_per_second: z.number().int().min(1).default(1000)
    .describe('New HTTP/2 streams one connection may open per second; past it the connection is closed (rapid reset).'),
}).describe('Limits on client connections.');

export const httpProxyKeys = {
  timeouts: timeouts.prefault({}),
  pool: pool.prefault({}),
  client: client.prefault({}),
  retries: z.number().int().min(0).max(5).default(1)
    .describe('Tries on another pick when an idempotent request failed before any of it reached an upstream.'),
  preserve_host: z.boolean().default(true).describe("Send the client's Host upstream (false: the upstream's own host:port)."),
  request_id: z.boolean().default(true).describe('Add x-request-id when the client sent none.'),
  trusted_proxies: z.array(z.string().superRefine((text, ctx) => {
    const cidr = parseCidr(text);
    if (typeof cidr === 'string') ctx.addIssue({ code: 'custom', message: cidr });
  })).default([]).describe('CIDRs of the proxies in front (an edge padda, a load balancer) whose X-Forwarded-For and X-Forwarded-Proto name the client; from anyone else they are ignored.'),
  rate_limit: rateLimitSchema.optional(),
  access_log: accessLogSchema.optional().describe('One line per request (JSON or nginx combined) to stdout or a file; none when absent.'),
};

export type TimeoutsConfig = z.output<typeof timeouts>;
export type ConnectionPoolConfig = z.output<typeof pool>;
export type ClientConfig = z.output<typeof client>;

/** The parsed `httpProxyKeys` a mode's config carries. */
export interface HttpProxyConfig {
  timeouts: TimeoutsConfig;
  pool: ConnectionPoolConfig;
  client: ClientConfig;
  retries: number;
  preserve_host: boolean;
  request_id: boolean;
  trusted_proxies?: string[];
  rate_limit?: RateLimitConfig | undefined;
  access_log?: AccessLogConfig;
}

export function proxyOptions(config: HttpProxyConfig): ProxyOptions {
  return {
    retries: config.retries,
    responseTimeout: config.timeouts.response,
    bodyTimeout: config.timeouts.body,
    totalTimeout: config.timeouts.total,
    queueTimeout: config.pool.queue_timeout,
    bodyBuffer: config.client.body_buffer,
    preserveHost: config.preserve_host,
    requestId: config.request_id,
  };
}

/** The Downstream limits of a mode's `client` block; `http2` for a TLS listener that offers h2 by ALPN. */
export function downstreamOptions(client: ClientConfig, http2 = false): DownstreamOptions {
  return {
    keepAliveTimeout: client.keepalive_timeout,
    headerTimeout: client.header_timeout,
    bodyTimeout: client.body_timeout,
    limits: { maxHeadSize: client.max_header_size, maxStartLine: Math.min(client.max_request_line, client.max_header_size) },
    http2,
    http2StreamsPerSecond: client.http2_streams_per_second,
  };
}

/** How the origins of a mode connect: its `pool` block and `timeouts.connect`. */
export function originSettings(pool: ConnectionPoolConfig, connectTimeout: number): OriginSettings {
  return {
    connections: pool.connections,
    queue: pool.queue,
    idleTimeout: pool.keepalive_timeout,
    connectTimeout,
    failureLimit: pool.failure_limit,
    ejectTime: pool.eject_time,
  };
}

/** For listeners without a `client` block (respond, the HTTPS redirect): the block's defaults. */
export const DEFAULT_DOWNSTREAM = downstreamOptions(client.parse({}));
