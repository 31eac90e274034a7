import { ArrayReplyReader, readIntegerReply } from '../../protocols/resp/reply-reader.ts';
import { arrayReply, errorReply, integerReply, OK_REPLY } from '../../protocols/resp/reply-encoder.ts';
import type { UpstreamError } from '../../upstream/errors.ts';
import type { InFlight } from '../../upstream/in-flight.ts';
import type { ServerMetrics } from '../../upstream/server-metrics.ts';
import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { Kind } from './command-kind.ts';

/** Whoever keeps a client's replies in order; a request tells it when it is answered. */
export interface ReplySink {
  completed(request: ClientRequest): void;
  /** The client is gone; its replies will never be read. */
  readonly gone: boolean;
}

/**
 * One client command's place in its client's reply order. A command that
 * goes to one server is its own InFlight: no second object on the hot path.
 */
export class ClientRequest implements InFlight {
  sentAt = 0;
  /** The bytes to send back once everything before it is sent. */
  answer: Buffer | null = null;
  private readonly sink: ReplySink;
  private readonly started: number;
  private readonly command: CommandSeries | null;
  server: ServerMetrics | null = null;

  constructor(sink: ReplySink, command: CommandSeries | null) {
    this.sink = sink;
    this.command = command;
    this.started = performance.now();
  }

  get abandoned(): boolean {
    return this.sink.gone;
  }

  reply(bytes: Buffer): void {
    const now = performance.now();
    this.server?.answered(now - this.sentAt);
    this.finish(bytes, now);
  }

  fail(error: UpstreamError): void {
    this.finish(errorReply(`ERR ${error.clientText}`));
  }

  finish(bytes: Buffer, now = performance.now()): void {
    this.answer = bytes;
    const command = this.command;
    if (command !== null) command.observe(now - this.started, bytes[0] === 0x2d);
    this.sink.completed(this);
  }
}

/**
 * A multi-key command split into one fragment per server (MGET, MSET, DEL,
 * UNLINK, EXISTS, TOUCH) and merged back: MGET in the client's key order,
 * with a failed fragment giving an error in each of its keys' slots rather
 * than failing the whole reply; counts added; MSET OK only if all parts are.
 */
export class SplitRequest extends ClientRequest {
  private readonly kind: number;
  private outstanding = 0;
  /** MGET: one reply element per client key, in the client's order. */
  private readonly slots: Buffer[];
  private sum = 0;
  private firstError: Buffer | null = null;

  constructor(sink: ReplySink, command: CommandSeries | null, kind: number, keyCount: number) {
    super(sink, command);
    this.kind = kind;
    this.slots = kind === Kind.MGET ? new Array<Buffer>(keyCount) : [];
  }

  fragment(keySlots: number[], server: ServerMetrics): Fragment {
    this.outstanding++;
    return new Fragment(this, keySlots, server);
  }

  /** A fragment answered (or failed, with an error reply). */
  merge(fragment: Fragment, bytes: Buffer): void {
    if (this.kind === Kind.MGET) this.mergeValues(fragment.keySlots, bytes);
    else if (bytes[0] === 0x2d) this.firstError ??= bytes;
    else if (this.kind === Kind.SUM) this.sum += readIntegerReply(bytes, 0, bytes.length) || 0;
    if (--this.outstanding === 0) this.finish(this.merged());
  }

  private mergeValues(keySlots: number[], bytes: Buffer): void {
    const elements = READER;
    let i = 0;
    if (elements.open(bytes, 0, bytes.length)) {
      while (i < keySlots.length && elements.next()) this.slots[keySlots[i++]!] = bytes.subarray(elements.elementStart, elements.elementEnd);
    }
    // An error reply, or an array cut short: those keys answer with the error.
    const error = bytes[0] === 0x2d ? bytes : errorReply('ERR malformed MGET reply from server');
    for (; i < keySlots.length; i++) this.slots[keySlots[i]!] = error;
  }

  private merged(): Buffer {
    if (this.kind === Kind.MGET) return arrayReply(this.slots);
    if (this.firstError !== null) return this.firstError;
    return this.kind === Kind.SUM ? integerReply(this.sum) : OK_REPLY;
  }
}

/** Merging runs synchronously, so one reader serves every split request. */
const READER = new ArrayReplyReader();

export class Fragment implements InFlight {
  sentAt = 0;
  readonly keySlots: number[];
  private readonly parent: SplitRequest;
  private readonly server: ServerMetrics;

  get abandoned(): boolean {
    return this.parent.abandoned;
  }

  constructor(parent: SplitRequest, keySlots: number[], server: ServerMetrics) {
    this.parent = parent;
    this.keySlots = keySlots;
    this.server = server;
  }

  reply(bytes: Buffer): void {
    this.server.answered(performance.now() - this.sentAt);
    this.parent.merge(this, bytes);
  }

  fail(error: UpstreamError): void {
    this.parent.merge(this, errorReply(`ERR ${error.clientText}`));
  }
}
