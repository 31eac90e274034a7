import { freePorts } from '../test/support/ports.ts';
import { startNginx, tempDir } from '../test/support/servers.ts';
import { reportProfile } from './support/cpu-profile.ts';
import { cpuMicros } from './support/cpu-time.ts';
import { startPaddaServer } from './support/padda.ts';
import { wrk } from './support/wrk.ts';
const [backendPort, paddaPort, adminPort, nginxPort] = await freePorts(4);
const backend = await startNginx(`keepalive_requests 10000000; server { listen 127.0.0.1:${backendPort}; location / { return 200 "${'x'.repeat(1024)}"; } }`);
const nginx = await startNginx(`keepalive_requests 10000000; upstream backend { server 127.0.0.1:${backendPort}; keepalive 128; }
  server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Host $host; proxy_set_header X-Real-IP $remote_addr; } }`);
const profile = process.argv.includes('--profile') ? await tempDir('probe-prof') : null;
const padda = await startPaddaServer(`
admin: { listen: 127.0.0.1:${adminPort} }
log: { level: warn }
listeners:
  plain: { mode: sidecar, listen: 127.0.0.1:${paddaPort}, upstream: http://127.0.0.1:${backendPort} }
`, [paddaPort], 'padda', profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []);
await wrk({ url: `http://127.0.0.1:${paddaPort}/`, connections: 50, seconds: 2 });
for (let round = 0; round < 2; round++) {
  for (const [name, port, pid] of [['padda', paddaPort, padda.pid], ['nginx', nginxPort, nginx.pid]] as const) {
    const before = cpuMicros(pid);
    const s = await wrk({ url: `http://127.0.0.1:${port}/`, connections: 50, seconds: 5 });
    const used = cpuMicros(pid) - before;
    console.log(`${name}: ${s.requestsPerSecond.toFixed(0)}/s p99 ${s.p99Ms} ms, ${(used / (s.requestsPerSecond * 5)).toFixed(1)} µs CPU/request`);
  }
}
await Promise.all([padda.stop(), nginx.stop(), backend.stop()]);
if (profile) console.log('profile dir', profile);
