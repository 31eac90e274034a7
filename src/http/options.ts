import { z } from 'zod';
import { byteSize, duration } from '../config/values.ts';
import type { DownstreamOptions } from './downstream.ts';

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
  pipelining: z.number().int().min(1).max(64).default(1).describe('Requests in flight on one upstream connection (1: no pipelining).'),
  keepalive_timeout: duration.default(4000).describe('Close an idle upstream connection after this; an upstream `Keep-Alive: timeout` shortens it.'),
  failure_limit: z.number().int().min(0).default(0).describe('Consecutive connect failures after which an upstream is ejected (503 while ejected); 0 never ejects.'),
  eject_time: duration.default(2000).describe('How long an ejected upstream is skipped before it is tried again.'),
}).describe('Connections to each upstream.');

const client = z.strictObject({
  keepalive_timeout: duration.default(65_000).describe('Close an idle client connection after this.'),
  header_timeout: duration.default(20_000).describe('A client must send its request headers within this (slowloris protection).'),
  max_header_size: byteSize.default(16 * 1024).describe('Largest request head accepted; larger gets 431.'),
}).describe('Limits on client connections.');

export const httpProxyKeys = {
  timeouts: timeouts.prefault({}),
  pool: pool.prefault({}),
  client: client.prefault({}),
  retries: z.number().int().min(0).max(5).default(1)
    .describe('Tries on another pick when an idempotent request failed before a byte of it was written upstream.'),
  preserve_host: z.boolean().default(true).describe("Send the client's Host upstream (false: the upstream's own host:port)."),
  request_id: z.boolean().default(true).describe('Add x-request-id when the client sent none.'),
};

export type TimeoutsConfig = z.output<typeof timeouts>;
export type PoolConfig = z.output<typeof pool>;
export type ClientConfig = z.output<typeof client>;

/** What the request path needs, flattened once at create() so the hot path reads plain fields. */
export interface ProxyOptions {
  retries: number;
  responseTimeout: number;
  bodyTimeout: number;
  totalTimeout: number;
  preserveHost: boolean;
  requestId: boolean;
}

export function proxyOptions(config: { timeouts: TimeoutsConfig; retries: number; preserve_host: boolean; request_id: boolean }): ProxyOptions {
  return {
    retries: config.retries,
    responseTimeout: config.timeouts.response,
    bodyTimeout: config.timeouts.body,
    totalTimeout: config.timeouts.total,
    preserveHost: config.preserve_host,
    requestId: config.request_id,
  };
}

/** The Downstream limits of a mode's `client` block; `http2` for a TLS listener that offers h2 by ALPN. */
export function downstreamOptions(client: ClientConfig, http2 = false): DownstreamOptions {
  return {
    keepAliveTimeout: client.keepalive_timeout,
    headersTimeout: client.header_timeout,
    maxHeaderSize: client.max_header_size,
    http2,
  };
}

/** For listeners without a `client` block (respond, the HTTPS redirect): the block's defaults. */
export const DEFAULT_DOWNSTREAM = downstreamOptions(client.parse({}));
