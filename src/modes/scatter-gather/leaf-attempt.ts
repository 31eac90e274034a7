import type { Dispatcher } from 'undici';
import { upstreamError } from '../../http/errors.ts';
import type { Replica } from '../../http/upstream/replica.ts';
import { ErrorStatusError, ReplyTimeoutError, UpstreamProtocolError, type UpstreamError } from '../../upstream/errors.ts';
import type { LeafCall } from './leaf-call.ts';
import { undiciFailure, type LeafOrigin } from './leaf-origin.ts';
import { valueAt } from './merge/json-path.ts';

/** Response headers as undici parses them: lower-case names, repeated ones as arrays. */
type ResponseHeaders = Record<string, string | string[] | undefined>;

type Controller = Dispatcher.DispatchController;

/** Our own abort of a leaf request; its error callback is then ignored. */
class LeafCancelled extends Error {
  readonly code = 'PADDA_LEAF_CANCELLED';
}

/**
 * One request to one replica of a leaf, and the undici dispatch handler for
 * its answer. Unlike a proxied exchange, the answer is not streamed on: the
 * root needs it whole to merge, so the body is collected up to
 * `max_leaf_body`, parsed as JSON and the merge path taken out of it. The
 * attempt settles once — answered, failed or cancelled — and then tells its
 * replica (in-flight count, passive health) exactly once.
 */
export class LeafAttempt implements Dispatcher.DispatchHandler {
  readonly call: LeafCall;
  readonly replica: Replica<LeafOrigin>;
  readonly hedge: boolean;
  readonly started: number;
  private controller: Controller | null = null;
  private status = 0;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private settled = false;

  constructor(call: LeafCall, replica: Replica<LeafOrigin>, hedge: boolean, started: number) {
    this.call = call;
    this.replica = replica;
    this.hedge = hedge;
    this.started = started;
  }

  send(): void {
    const gather = this.call.gather;
    const origin = this.replica.origin;
    let headers = gather.headers;
    // The first pair is always host; a leaf gets its own unless the client's is preserved.
    if (!gather.root.preserveHost || headers[1] === '') {
      headers = headers.slice();
      headers[1] = origin.host;
    }
    origin.pool.dispatch({
      path: this.call.target,
      method: gather.leafMethod,
      headers,
      body: gather.body,
      // The root's timer enforces leaf_timeout and the deadline: one timer per request, not two per leaf.
      headersTimeout: 0,
      bodyTimeout: 0,
    }, this);
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // Cancelled while it waited for a connection.
    if (this.settled) controller.abort(new LeafCancelled());
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: ResponseHeaders): void {
    if (this.settled || statusCode < 200) return;
    this.status = statusCode;
    if (statusCode >= 300) {
      this.fail(`status_${statusCode}`);
      return;
    }
    const encoding = headers['content-encoding'];
    // Asked for identity (see askForIdentity); a leaf that compresses anyway cannot be parsed.
    if (encoding !== undefined && encoding !== 'identity') this.fail('encoded_answer');
    else if (Number(headers['content-length']) > this.call.gather.root.maxLeafBody) this.fail('too_large');
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    if (this.settled) return;
    this.bytes += chunk.length;
    if (this.bytes > this.call.gather.root.maxLeafBody) this.fail('too_large');
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const root = this.call.gather.root;
    const chunks = this.chunks;
    this.chunks = [];
    let body: unknown;
    try {
      body = JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.bytes)).toString('utf8'));
    } catch {
      this.fail('invalid_json');
      return;
    }
    const value = valueAt(body, root.pathKeys);
    if (value === undefined) {
      this.fail('missing_path');
      return;
    }
    const wrongShape = root.strategy.check(value);
    if (wrongShape !== null) {
      this.fail(wrongShape);
      return;
    }
    this.finish(null);
    this.call.answered(this, value);
  }

  onResponseError(_controller: Controller | null, error: Error): void {
    if (this.settled) return;
    const failure = undiciFailure(error);
    this.replica.origin.failed(failure.reason, error);
    this.finish(upstreamError(failure, this.replica.label));
    this.call.failed(this, failure.reason);
  }

  /**
   * Ends the attempt without an answer: the deadline passed (held against
   * the replica, as a slow answer), or it lost a race or the client left
   * (`client_closed`: not held against it).
   */
  cancel(reason: string): void {
    if (this.settled) return;
    if (reason === 'deadline') this.finish(new ReplyTimeoutError(this.replica.label, reason));
    else this.finishUnjudged();
    this.controller?.abort(new LeafCancelled());
  }

  /** leaf_timeout passed: the attempt failed, and the call may try another replica. */
  timedOut(): void {
    this.fail('leaf_timeout');
  }

  /** A bad answer, or none in time: the attempt failed, and the rest of the answer is not read. */
  private fail(reason: string): void {
    const label = this.replica.label;
    this.finish(reason === 'leaf_timeout' ? new ReplyTimeoutError(label, reason)
      : this.status >= 300 ? new ErrorStatusError(label, this.status)
        : new UpstreamProtocolError(label, reason));
    this.controller?.abort(new LeafCancelled());
    this.call.failed(this, reason);
  }

  /** The attempt is over: answered (`cause` null) or failed, as its replica is told. */
  private finish(cause: UpstreamError | null): void {
    this.settled = true;
    this.chunks = [];
    this.replica.release(this.status, cause);
  }

  private finishUnjudged(): void {
    this.settled = true;
    this.chunks = [];
    this.replica.releaseUnjudged();
  }
}
