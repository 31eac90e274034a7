/**
 * The real programs the test suite runs against, and the Debian package of
 * each. `npm test` runs this before anything else, so the README's test
 * command works on a fresh Debian machine by itself: what is missing is
 * installed with apt-get when this runs as root or with passwordless sudo;
 * otherwise it says exactly what is missing and how to install it, and the
 * tests do not start.
 *
 *   node test/peers.ts           check, install what is missing
 *   node test/peers.ts --check   check only; exit 1 listing what is missing
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A program a test starts or calls, and the package that ships it. Add a peer here, in the commit that uses it. */
const PEERS: ReadonlyArray<{ program: string; debianPackage: string; why: string }> = [
  { program: 'redis-server', debianPackage: 'redis-server', why: 'redis shards' },
  { program: 'redis-cli', debianPackage: 'redis-tools', why: 'creating a Redis Cluster; redis-benchmark load through padda' },
  { program: 'memcached', debianPackage: 'memcached', why: 'memcache shards' },
  { program: 'memcslap', debianPackage: 'libmemcached-tools', why: 'memcache load' },
  { program: 'nutcracker', debianPackage: 'nutcracker', why: 'twemproxy, the anchor of the redis and memcache modes' },
  { program: 'nginx', debianPackage: 'nginx-light', why: 'the anchor of the HTTP modes' },
  { program: 'promtool', debianPackage: 'prometheus', why: "Prometheus's own /metrics parser" },
  { program: 'openssl', debianPackage: 'openssl', why: 'test certificates' },
  { program: 'curl', debianPackage: 'curl', why: 'an HTTP client to compare with' },
  { program: 'mariadbd', debianPackage: 'mariadb-server', why: "the health adapter's mysql checks" },
  { program: 'mariadb-install-db', debianPackage: 'mariadb-server', why: "a fresh MariaDB data directory for them" },
  { program: 'python3', debianPackage: 'python3', why: 'a port whose connects hang' },
  { program: 'chromium', debianPackage: 'chromium', why: 'a headless browser that looks at the status page' },
];

/** Daemons live in sbin, which a normal user's PATH lacks; the tests look there too (see package.json). */
const SEARCH = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin'].filter(Boolean);

function installed(program: string): boolean {
  return SEARCH.some((dir) => {
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function missingPeers() {
  return PEERS.filter((peer) => !installed(peer.program));
}

/** How this process may run apt-get: directly as root, through passwordless sudo, or not at all. */
function aptRunner(): string[] | null {
  if (!installed('apt-get')) return null;
  if (process.getuid?.() === 0) return [];
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : null;
}

function apt(prefix: string[], args: string[]): boolean {
  const [command, ...rest] = [...prefix, 'apt-get', ...args];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return spawnSync(command!, rest, { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
}

function report(missing: ReturnType<typeof missingPeers>): void {
  const packages = [...new Set(missing.map((peer) => peer.debianPackage))];
  process.stderr.write(
    `The tests run against real programs; missing here:\n` +
      missing.map((peer) => `  ${peer.program.padEnd(14)} (Debian package ${peer.debianPackage}: ${peer.why})\n`).join('') +
      `Install them, then run npm test again:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}\n`,
  );
}

let missing = missingPeers();
if (missing.length > 0 && !process.argv.includes('--check')) {
  const runner = aptRunner();
  if (runner !== null) {
    const packages = [...new Set(missing.map((peer) => peer.debianPackage))];
    process.stderr.write(`npm test: installing the test peers ${packages.join(' ')}\n`);
    if (apt(runner, ['update']) && apt(runner, ['install', '-y', '--no-install-recommends', ...packages])) missing = missingPeers();
  }
}
if (missing.length > 0) {
  report(missing);
  process.exit(1);
}
