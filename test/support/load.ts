import http from 'node:http';

export interface LoadResult {
  ok: number;
  failed: number;
  errors: string[];
}

/** One HTTP GET on a fresh connection; resolves with status and body, rejects on any transport error. */
export function getOnce(port: number, path = '/', host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
  });
}

/**
 * Runs `concurrency` request loops against 127.0.0.1:port until `stop()` is
 * called, each request on its own connection, counting every failure.
 */
export function runLoad(port: number, concurrency: number, check: (status: number, body: string) => boolean = (s) => s === 200) {
  const result: LoadResult = { ok: 0, failed: 0, errors: [] };
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const { status, body } = await getOnce(port);
        if (check(status, body)) result.ok++;
        else {
          result.failed++;
          if (result.errors.length < 10) result.errors.push(`unexpected ${status} ${body}`);
        }
      } catch (error) {
        result.failed++;
        if (result.errors.length < 10) result.errors.push((error as Error).message);
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    result,
    async stop(): Promise<LoadResult> {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}
