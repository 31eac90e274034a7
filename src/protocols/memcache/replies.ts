/**
 * Reply bytes the proxy sends itself: memcached's own texts for bad input
 * (so a client sees what a single memcached would say) and the few replies
 * a proxy generates. Shared, never-mutated buffers: queue them, don't copy.
 */

function line(text: string): Buffer {
  return Buffer.from(`${text}\r\n`, 'latin1');
}

/** A reply memcached does not send at all (noreply, or a silent close). */
export const NO_REPLY = Buffer.alloc(0);
export const END = line('END');
export const MN = line('MN');
export const ERROR = line('ERROR');
export const BAD_COMMAND_LINE_FORMAT = line('CLIENT_ERROR bad command line format');
export const BAD_DATA_CHUNK = line('CLIENT_ERROR bad data chunk');
export const DELETE_USAGE = line('CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]');
export const INVALID_EXPTIME = line('CLIENT_ERROR invalid exptime argument');
export const INVALID_DELTA = line('CLIENT_ERROR invalid numeric delta argument');
export const OBJECT_TOO_LARGE = line('SERVER_ERROR object too large for cache');
/** memcached's answer when it cannot buffer a request line; the proxy's for a multi-get line over its limit. */
export const LINE_TOO_LONG = line('SERVER_ERROR out of memory reading request');

export const META_OPTIONS_TOO_LONG = line('CLIENT_ERROR options flags too long');
/** mg spells it differently from ms, md and ma. */
export const MG_OPTIONS_TOO_LONG = line('CLIENT_ERROR options flags are too long');
export const META_DUPLICATE_FLAG = line('CLIENT_ERROR duplicate flag');
export const META_INVALID_FLAG = line('CLIENT_ERROR invalid flag');
export const META_BAD_TOKEN = line('CLIENT_ERROR bad token in command line format');
export const META_DECODING_KEY = line('CLIENT_ERROR error decoding key');
export const META_M_TOKEN_LENGTH = line('CLIENT_ERROR incorrect length for M token');
export const META_INITIAL_VALUE = line('CLIENT_ERROR invalid numeric initial value');
export const META_DELTA_VALUE = line('CLIENT_ERROR invalid numeric delta value');
export const META_INVALID_OR_DUPLICATE = line('CLIENT_ERROR invalid or duplicate flag');
export const META_OPAQUE_TOO_LONG = line('CLIENT_ERROR opaque token too long');
export const MS_INVALID_MODE = line('CLIENT_ERROR invalid mode for ms M token');
export const MA_INVALID_MODE = line('CLIENT_ERROR invalid mode for ma M token');

/** `SERVER_ERROR <reason>`: the proxy's own failures (timeouts, ejected servers). */
export function serverError(reason: string): Buffer {
  return line(`SERVER_ERROR ${oneLine(reason)}`);
}

/** `CLIENT_ERROR <reason>`. */
export function clientError(reason: string): Buffer {
  return line(`CLIENT_ERROR ${oneLine(reason)}`);
}

/** `VERSION <version>`, answered locally as twemproxy does. */
export function versionReply(version: string): Buffer {
  return line(`VERSION ${oneLine(version)}`);
}

/** A reason with a line break would end the reply early and desync the client. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
