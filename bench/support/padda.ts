import fs from 'node:fs';
import path from 'node:path';
import { startProcess, tempDir, type RunningServer } from '../../test/support/servers.ts';

const BIN = new URL('../../bin/padda', import.meta.url).pathname;

/** padda as a real process on `config`, waited for until `ports` accept connections. */
export async function startPaddaServer(config: string, ports: number[], label = 'padda', extraArgs: string[] = []): Promise<RunningServer> {
  const dir = await tempDir('bench-padda');
  const file = path.join(dir, 'padda.yaml');
  fs.writeFileSync(file, config);
  return startProcess({
    label,
    command: process.execPath,
    args: [...extraArgs, BIN, 'run', '--config', file],
    ports,
    dir,
    stopTimeoutMs: 10_000,
  });
}
