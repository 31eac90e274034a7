import type { CommandSeries } from '../../metrics/command-metrics.ts';
import { RequestScanner } from '../../protocols/memcache/index.ts';
import type { ClientSession } from '../../session/client-session.ts';
import type { ClientProtocol } from '../../session/protocol.ts';
import type { ServerConnection } from '../../upstream/server-connection.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { MemcacheInFlight } from './memcache-framer.ts';
import type { MemcacheRequest } from './memcache-request.ts';

const MN_REQUEST = Buffer.from('mn\r\n');

/**
 * One client's memcache state: its request scanner, and its open quiet run
 * (consecutive meta `q` requests to one server connection, which one `mn`
 * behind them closes). Requests are dispatched by the listener's Dispatcher.
 */
export class MemcacheClient implements ClientProtocol {
  readonly session: ClientSession;
  readonly #scanner: RequestScanner;
  readonly #dispatcher: Dispatcher;
  /** The open quiet run and the connection its `mn` must follow on; closed at the end of every read. */
  #quietEntry: MemcacheRequest | null = null;
  #quietConnection: ServerConnection<MemcacheInFlight> | null = null;

  constructor(session: ClientSession, dispatcher: Dispatcher, itemSizeMax: number) {
    this.session = session;
    this.#dispatcher = dispatcher;
    this.#scanner = new RequestScanner({ itemSizeMax });
  }

  push(chunk: Buffer): void {
    this.#scanner.push(chunk);
  }

  retain(): void {
    this.#scanner.retain();
  }

  next(): boolean {
    const scanner = this.#scanner;
    if (!scanner.next()) return false;
    this.#dispatcher.dispatch(this, scanner.request);
    return true;
  }

  readDone(): void {
    this.closeQuietRun();
  }

  /** The request's first key, as sent (a meta `b` key stays in base64). */
  firstKey(): Buffer | null {
    const request = this.#scanner.request;
    return request.keyCount === 0 ? null : Buffer.from(request.buffer.subarray(request.keyStart(0), request.keyEnd(0)));
  }

  closed(): void {}

  /** A reply padda gives itself, in its place in the order. */
  answer(command: CommandSeries, bytes: Buffer): void {
    this.session.answer(bytes, command);
  }

  quietRunOn(connection: ServerConnection<MemcacheInFlight>): MemcacheRequest | null {
    return this.#quietConnection === connection ? this.#quietEntry : null;
  }

  startQuietRun(entry: MemcacheRequest, connection: ServerConnection<MemcacheInFlight>): void {
    this.#quietEntry = entry;
    this.#quietConnection = connection;
  }

  /** Sends the run's `mn`: the server's MN then marks where the run's replies end. */
  closeQuietRun(): void {
    const connection = this.#quietConnection;
    if (connection === null) return;
    connection.write(MN_REQUEST);
    this.#quietEntry = null;
    this.#quietConnection = null;
  }
}
