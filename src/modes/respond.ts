import type net from 'node:net';
import { z } from 'zod';
import { address } from '../config/values.ts';
import { Downstream } from '../http/downstream/downstream.ts';
import type { ClientResponse, HttpRequest, RequestHandler } from '../http/message.ts';
import { DEFAULT_DOWNSTREAM } from '../http/options.ts';
import { openAccessLog } from '../logging/access-log.ts';
import { accessLogSchema } from '../logging/schema.ts';
import { NO_BODY } from '../protocols/http1/message-head.ts';
import type { ModeContext, ModeDefinition, ModeHandler } from './mode.ts';

const schema = z.strictObject({
  mode: z.literal('respond'),
  listen: address,
  status: z.number().int().min(100).max(599).default(200),
  headers: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
  body: z.string().default(''),
  access_log: accessLogSchema.optional().describe('One line per request (JSON or nginx combined) to stdout or a file; none when absent.'),
}).describe('Answers every HTTP request with a fixed status, headers and body, like nginx `return`.');

export type RespondConfig = z.output<typeof schema>;

/** Reads and drops a request body, so the connection can carry the next request. */
const DISCARD = { bodyData: () => true, bodyEnd() {}, bodyAborted() {} };

class Respond implements ModeHandler, RequestHandler {
  private readonly downstream: Downstream;
  private readonly context: ModeContext;
  private readonly status: number;
  private readonly fields: string[];
  private readonly body: Buffer;

  constructor(config: RespondConfig, context: ModeContext) {
    this.context = context;
    this.status = config.status;
    this.body = Buffer.from(config.body);
    const fields = Object.entries(config.headers).filter(([name]) => name.toLowerCase() !== 'content-length');
    if (!fields.some(([name]) => name.toLowerCase() === 'content-type') && this.body.length > 0) {
      fields.push(['content-type', 'text/plain; charset=utf-8']);
    }
    this.fields = fields.flat();
    this.downstream = new Downstream(this, context.metrics, DEFAULT_DOWNSTREAM, openAccessLog(context.logs, context.listener, config.access_log));
  }

  accept(socket: net.Socket): void {
    this.downstream.accept(socket);
  }

  handle(request: HttpRequest, response: ClientResponse): void {
    const started = performance.now();
    // The body is not needed, but it must be read for keep-alive to go on; the answer waits for it.
    if (request.body === NO_BODY) this.answer(response, started);
    else request.source.consume({ ...DISCARD, bodyEnd: () => this.answer(response, started) });
  }

  private answer(response: ClientResponse, started: number): void {
    response.answer(this.status, this.fields, this.body);
    this.context.metrics.duration.observe((performance.now() - started) / 1000);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  notReadyReason(): string | null {
    return null;
  }

  drain(): Promise<void> {
    return this.downstream.drain();
  }

  destroy(): void {
    this.downstream.destroy();
  }

  stats(): Record<string, unknown> {
    return { connections: this.downstream.connectionCount };
  }
}

export const respondMode: ModeDefinition<RespondConfig> = {
  name: 'respond',
  schema: async () => schema,
  create: (config, context) => new Respond(config, context),
};
