import net from 'node:net';
import { ReplyScanner } from '../../protocols/resp/reply-scanner.ts';

/** A reply: a bulk or simple string's text, or the error Redis (or the connection) gave. */
export type StoreReply = string | Error;

/** What waits for a reply: `at` is when it was sent (performance.now()), for the timeout sweep. */
interface Waiter {
  done: ((reply: StoreReply) => void) | null;
  at: number;
}

const IDLE_CLOSE_MS = 30_000;
const RECONNECT_MS = 250;

/**
 * One pipelined connection to the rate limiter's Redis: commands go out as
 * they come, replies are matched in order. A command not answered within
 * `timeout` gets an Error then (its late reply is dropped in its turn).
 * Commands wait for a connection being made; when the last dial was under
 * 250 ms ago and failed, they fail at once. It closes after 30 s without a command, and
 * holds no event loop open, so a limiter a reload replaced just goes away.
 */
export class StoreConnection {
  private readonly host: string;
  private readonly port: number;
  private readonly timeout: number;
  private socket: net.Socket | null = null;
  private connected = false;
  private lastDial = -Infinity;
  private readonly waiters: Waiter[] = [];
  private head = 0;
  private readonly scanner = new ReplyScanner();
  private held: Buffer | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Commands sent while the connection is being made. */
  private readonly queued: Buffer[] = [];
  private lastUse = 0;
  /** Sent right after connecting (SCRIPT LOAD), before anything else. */
  private readonly greeting: Buffer;

  constructor(url: string, timeout: number, greeting: string[]) {
    const parsed = new URL(url);
    this.host = parsed.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(parsed.port || 6379);
    this.timeout = timeout;
    this.greeting = encode(greeting);
  }

  send(args: readonly string[], done: (reply: StoreReply) => void): void {
    const now = performance.now();
    this.lastUse = now;
    if (this.socket === null && !this.dial(now)) {
      done(new Error('store unreachable'));
      return;
    }
    this.waiters.push({ done, at: now });
    if (this.connected) this.socket!.write(encode(args));
    else this.queued.push(encode(args));
  }

  /** Dials unless the last dial was under 250 ms ago; false then. */
  private dial(now: number): boolean {
    if (now - this.lastDial < RECONNECT_MS) return false;
    this.lastDial = now;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.unref();
    this.socket = socket;
    // The script is loaded before any EVALSHA on this connection; its reply is the first one, read and dropped.
    this.waiters.push({ done: null, at: now });
    this.queued.push(this.greeting);
    socket.on('connect', () => {
      this.connected = true;
      socket.write(Buffer.concat(this.queued.splice(0)));
    });
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.closed());
    this.timer ??= setInterval(() => this.tick(), Math.max(5, Math.min(this.timeout, 100))).unref();
    return true;
  }

  private read(chunk: Buffer): void {
    const data = this.held === null ? chunk : Buffer.concat([this.held, chunk]);
    this.held = null;
    let from = 0;
    for (let end; (end = this.scanner.scan(data, from)) >= 0; from = end) {
      const waiter = this.waiters[this.head++];
      if (waiter?.done) waiter.done(parseReply(data, from, end, this.scanner.type));
    }
    if (this.scanner.error !== null) {
      this.socket?.destroy();
      return;
    }
    if (from < data.length) this.held = data.subarray(from);
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Fails waiters past their timeout, and closes an idle connection. */
  private tick(): void {
    const now = performance.now();
    for (let i = this.head; i < this.waiters.length; i++) {
      const waiter = this.waiters[i]!;
      if (now - waiter.at < this.timeout) break;
      const done = waiter.done;
      waiter.done = null;
      done?.(new Error('store timed out'));
    }
    if (now - this.lastUse > IDLE_CLOSE_MS && this.head === this.waiters.length) this.socket?.end();
  }

  private closed(): void {
    this.socket = null;
    this.connected = false;
    this.held = null;
    this.queued.length = 0;
    this.scanner.reset();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const left = this.waiters.splice(this.head);
    this.waiters.length = 0;
    this.head = 0;
    for (const waiter of left) waiter.done?.(new Error('store connection closed'));
  }
}

function encode(args: readonly string[]): Buffer {
  let text = `*${args.length}\r\n`;
  for (const arg of args) text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return Buffer.from(text);
}

/** The text of a bulk or simple string reply, or an Error for an error reply (or any other type). */
function parseReply(data: Buffer, start: number, end: number, type: number): StoreReply {
  const text = data.toString('latin1', start, end - 2);
  if (type === 0x24 /* $ */) return text.slice(text.indexOf('\r\n') + 2);
  if (type === 0x2b /* + */) return text.slice(1);
  return new Error(type === 0x2d /* - */ ? text.slice(1) : `unexpected reply ${text.slice(0, 40)}`);
}
