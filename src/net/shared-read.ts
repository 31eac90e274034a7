import type net from 'node:net';

/**
 * Every socket read into one buffer, shared by all the sockets given to
 * readShared: net.Socket's `onread` (a static buffer and a callback)
 * instead of a new Buffer per read pushed through the Readable machinery
 * (its 'data' event, and a process.nextTick per read). The bytes are valid
 * only during the callback: a reader copies what it keeps.
 */
const SHARED = Buffer.allocUnsafeSlow(64 * 1024);

interface Slots {
  buffer: symbol;
  callback: symbol;
}

interface StreamHandle {
  useUserBuffer?(buffer: Uint8Array): void;
}

/**
 * Where net.Socket keeps its `onread` buffer and callback. Node sets both
 * on every socket (to null when `onread` was not given), which is how an
 * accepted socket — made by net.Server, which takes no `onread` — can be
 * given them. Null when this Node keeps them elsewhere.
 */
let slots: Slots | null | undefined;

function findSlots(socket: net.Socket): Slots | null {
  const symbols = Object.getOwnPropertySymbols(socket);
  const buffer = symbols.find((symbol) => symbol.description === 'kBuffer');
  const callback = symbols.find((symbol) => symbol.description === 'kBufferCb');
  return buffer === undefined || callback === undefined ? null : { buffer, callback };
}

/**
 * Has `received(bytes)` called for each read of `socket` with a view of the
 * shared buffer. Pausing and resuming the socket still stop and start
 * reading; its 'end', 'error' and 'close' events are unchanged. Returns
 * false where this Node offers no way to (a socket without a stream handle,
 * a TLS socket); the caller then listens to 'data' events.
 */
export function readShared(socket: net.Socket, received: (bytes: Buffer) => void): boolean {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (typeof handle?.useUserBuffer !== 'function' || 'encrypted' in socket) return false;
  slots ??= findSlots(socket);
  if (slots === null) return false;
  const record = socket as unknown as Record<symbol, unknown>;
  if (!(slots.buffer in record) || record[slots.buffer] !== null) return false;
  record[slots.buffer] = SHARED;
  record[slots.callback] = (length: number) => {
    received(SHARED.subarray(0, length));
  };
  handle.useUserBuffer(SHARED);
  return true;
}
