import { crc32Update } from '../functions/crc.ts';
import { Continuum } from './continuum.ts';
import type { ServerSpec } from './types.ts';

const POINTS_PER_WEIGHT = 160;
const encoder = new TextEncoder();

/**
 * How nginx splits an upstream `server` address for its consistent hash
 * (ngx_http_upstream_update_chash): `unix:PATH` → (PATH, ""); a trailing
 * `:digits` → (before, digits); anything else → (whole, "").
 */
export function nginxHostPort(server: string): { host: string; port: string } {
  if (server.length >= 5 && server.slice(0, 5).toLowerCase() === 'unix:') return { host: server.slice(5), port: '' };
  for (let j = server.length - 1; j >= 0; j--) {
    const c = server[j];
    if (c === ':') return { host: server.slice(0, j), port: server.slice(j + 1) };
    if (c < '0' || c > '9') break;
  }
  return { host: server, port: '' };
}

/**
 * nginx's `hash … consistent` ring (Cache::Memcached::Fast compatible):
 * per server, base = crc32 state over HOST "\0" PORT, then weight × 160
 * points, each crc32(base ‖ previous point as 4 little-endian bytes), the
 * first "previous point" being 0. Points are sorted and, where two share a
 * value, only the first (in server order) is kept, as nginx does.
 */
export function nginxContinuum(servers: readonly ServerSpec[], live: readonly boolean[]): Continuum {
  const total = servers.reduce((sum, server, i) => (live[i] ? sum + server.weight * POINTS_PER_WEIGHT : sum), 0);
  const points = new Uint32Array(total);
  const owners = new Int32Array(total);
  const prev = new Uint8Array(4);
  const prevView = new DataView(prev.buffer);
  let at = 0;
  servers.forEach((server, i) => {
    if (!live[i]) return;
    const { host, port } = nginxHostPort(server.name);
    const hostBytes = encoder.encode(host);
    const portBytes = encoder.encode(port);
    let base = crc32Update(0xffffffff, hostBytes, 0, hostBytes.length);
    base = crc32Update(base, new Uint8Array(1), 0, 1);
    base = crc32Update(base, portBytes, 0, portBytes.length);
    prevView.setUint32(0, 0, true);
    for (let j = 0; j < server.weight * POINTS_PER_WEIGHT; j++) {
      const point = (crc32Update(base, prev, 0, 4) ^ 0xffffffff) >>> 0;
      points[at] = point;
      owners[at++] = i;
      prevView.setUint32(0, point, true);
    }
  });
  return new Continuum(points, owners, true);
}
