import type http from 'node:http';
import { z } from 'zod';
import { address } from '../config/values.ts';
import { Downstream } from '../http/downstream.ts';
import type { ModeContext, ModeDefinition, ModeHandler } from './mode.ts';

const schema = z.strictObject({
  mode: z.literal('respond'),
  listen: address,
  status: z.number().int().min(100).max(599).default(200),
  headers: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
  body: z.string().default(''),
}).describe('Answers every HTTP request with a fixed status, headers and body, like nginx `return`.');

export type RespondConfig = z.output<typeof schema>;

class Respond implements ModeHandler {
  private readonly downstream: Downstream;
  private readonly context: ModeContext;
  private readonly status: number;
  private readonly headers: string[];
  private readonly body: Buffer;

  constructor(config: RespondConfig, context: ModeContext) {
    this.context = context;
    this.status = config.status;
    this.body = Buffer.from(config.body);
    const headers = Object.entries(config.headers);
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type') && this.body.length > 0) {
      headers.push(['content-type', 'text/plain; charset=utf-8']);
    }
    headers.push(['content-length', String(this.body.length)]);
    // A flat [name, value, …] array is node:http's cheapest header form.
    this.headers = headers.flat();
    this.downstream = new Downstream({ request: (req, res) => this.handle(req as http.IncomingMessage, res as http.ServerResponse) }, context.metrics);
  }

  accept(socket: import('node:net').Socket): void {
    this.downstream.accept(socket);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const started = performance.now();
    const metrics = this.context.metrics;
    metrics.requests.value++;
    // The request body is not needed but must be consumed for keep-alive to continue.
    req.resume();
    res.writeHead(this.status, this.headers);
    res.end(req.method === 'HEAD' ? undefined : this.body);
    metrics.duration.observe((performance.now() - started) / 1000);
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
