import fs from 'node:fs';
import { Agent, request } from 'undici';
import type { CheckConfig } from '../schema.ts';
import { CheckFailure, type Check, type CheckDetails } from './check.ts';

type HttpCheckConfig = Extract<CheckConfig, { type: 'http' }>;

/** How much of the body a `body:` pattern sees. */
const BODY_LIMIT = 64 * 1024;

/**
 * GET on a connection of its own (closed after the answer, so the connect is
 * tested each time and a host name is resolved anew). Passes on an expected
 * status (default 2xx or 3xx, as a Kubernetes httpGet probe) whose body
 * matches `body:` when set.
 */
export class HttpCheck implements Check {
  readonly type = 'http';
  readonly target: string;
  private readonly config: HttpCheckConfig;
  private readonly agent: Agent;
  private readonly pattern: RegExp | null;
  private readonly statuses: readonly number[] | null;

  constructor(config: HttpCheckConfig) {
    this.config = config;
    this.target = config.url;
    this.pattern = config.body === undefined ? null : new RegExp(config.body);
    this.statuses = config.status === undefined ? null : [config.status].flat();
    this.agent = new Agent(config.ca === undefined ? {} : { connect: { ca: fs.readFileSync(config.ca.path) } });
  }

  async run(signal: AbortSignal): Promise<CheckDetails> {
    const response = await request(this.config.url, {
      method: 'GET',
      headers: { 'user-agent': 'padda-health', ...this.config.headers },
      reset: true,
      signal,
      dispatcher: this.agent,
    });
    const body = await readPrefix(response.body, BODY_LIMIT);
    const status = response.statusCode;
    const details: CheckDetails = { status };
    const expected = this.statuses === null ? status >= 200 && status < 400 : this.statuses.includes(status);
    if (!expected) throw new CheckFailure(`status ${status}, expected ${this.statuses?.join(' or ') ?? '2xx or 3xx'}`, details);
    if (this.pattern !== null && !this.pattern.test(body)) throw new CheckFailure(`body does not match /${this.pattern.source}/`, details);
    return details;
  }

  close(): void {
    void this.agent.destroy().catch(() => {});
  }
}

/** The first `limit` bytes of a body as text; the rest is not read. */
async function readPrefix(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
