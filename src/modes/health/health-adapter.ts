import http from 'node:http';
import type net from 'node:net';
import { ConnectionSet } from '../../net/connection-set.ts';
import type { ModeContext, ModeHandler } from '../mode.ts';
import { CheckRunner } from './check-runner.ts';
import { createCheck } from './checks/index.ts';
import { CheckMetrics } from './metrics.ts';
import { describeCheck, probeAnswer } from './report.ts';
import { checkTiming, type HealthConfig } from './schema.ts';

/**
 * A probe endpoint is low-volume and must never be the thing that fails: a
 * plain node:http server with short timeouts and small limits, answering
 * from the checks' last results without waiting on any check.
 */
const PROBE_SERVER: http.ServerOptions = {
  keepAliveTimeout: 5_000,
  headersTimeout: 5_000,
  requestTimeout: 10_000,
  connectionsCheckingInterval: 1_000,
  maxHeaderSize: 8 * 1024,
  noDelay: true,
};
/** Connections past this are closed at once: a flood of probes must not grow the heap. */
const MAX_CONNECTIONS = 256;
/**
 * A drain answers with `Connection: close` and closes idle keep-alive
 * connections only after they stayed idle this long: closing one at once
 * races a probe the kubelet may be sending on it (it would see a reset).
 */
const IDLE_GRACE_MS = 1000;

/** The `health` mode: checks on a schedule, and an HTTP endpoint that reports them. */
export class HealthAdapter implements ModeHandler {
  private readonly runners: CheckRunner[];
  private readonly byName: Map<string, CheckRunner[]>;
  private readonly server: http.Server;
  private readonly connections: ConnectionSet;
  private readonly context: ModeContext;
  private readonly stopCollecting: () => void;
  private draining = false;

  constructor(config: HealthConfig, context: ModeContext) {
    this.context = context;
    this.runners = Object.entries(config.checks).map(([name, check]) => {
      const timing = checkTiming(config, check);
      const metrics = new CheckMetrics(context.registry, context.listener, name, check.type);
      return new CheckRunner(name, createCheck(check, timing), timing, metrics, context.log);
    });
    this.byName = new Map(this.runners.map((runner) => [runner.name, [runner]]));
    this.stopCollecting = context.registry.onCollect(() => {
      const now = Date.now();
      for (const runner of this.runners) runner.metrics.up.set(runner.passing(now) ? 1 : 0);
    });
    this.connections = new ConnectionSet(context.metrics);
    this.server = http.createServer(PROBE_SERVER, (req, res) => this.answer(req, res));
    this.server.on('clientError', (_error, socket: net.Socket) => {
      context.metrics.error('bad_request');
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    });
    // node:http starts its header and request timers on 'listening'; this server never listens itself.
    this.server.emit('listening');
  }

  accept(socket: net.Socket): void {
    if (this.connections.size >= MAX_CONNECTIONS) {
      this.context.metrics.error('connection_limit');
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    this.server.emit('connection', socket);
  }

  /** Resolves once every check has a first result (each within its timeout), so probes never see "no result yet" after a reload. */
  async start(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  /** A check failing is news for the probe, not a reason padda cannot serve; only a check never run yet is. */
  notReadyReason(): string | null {
    const waiting = this.runners.filter((runner) => runner.state.last === null).map((runner) => runner.name);
    return waiting.length === 0 ? null : `waiting for the first run of ${waiting.join(', ')}`;
  }

  /** The checks keep running while connections drain, so the last probes on them still get fresh results. */
  async drain(): Promise<void> {
    this.draining = true;
    const sweep = setInterval(() => this.server.closeIdleConnections(), IDLE_GRACE_MS);
    await this.connections.empty();
    clearInterval(sweep);
    this.stopChecks();
  }

  destroy(): void {
    this.stopChecks();
    this.connections.destroyAll();
    this.server.close();
  }

  stats(): Record<string, unknown> {
    const now = Date.now();
    return { connections: this.connections.size, checks: Object.fromEntries(this.runners.map((runner) => [runner.name, describeCheck(runner, now)])) };
  }

  private stopChecks(): void {
    for (const runner of this.runners) runner.stop();
    this.stopCollecting();
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const started = performance.now();
    const metrics = this.context.metrics;
    metrics.requests.value++;
    req.resume();
    if (this.draining) res.shouldKeepAlive = false;
    const target = req.url ?? '/';
    const query = target.indexOf('?');
    const path = query < 0 ? target : target.slice(0, query);
    const verbose = query >= 0 && new URLSearchParams(target.slice(query + 1)).has('verbose');
    const headers = { 'cache-control': 'no-store' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    } else {
      const runners = path === '/' ? this.runners : this.byName.get(path.slice(1));
      if (runners === undefined) {
        res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end(`no check named ${JSON.stringify(path.slice(1))}; try / or /${this.runners[0]!.name}\n`);
      } else {
        const answer = probeAnswer(runners, Date.now(), verbose);
        res.writeHead(answer.status, { ...headers, 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
        res.end(req.method === 'HEAD' ? undefined : answer.body);
      }
    }
    metrics.duration.observe((performance.now() - started) / 1000);
  }
}
