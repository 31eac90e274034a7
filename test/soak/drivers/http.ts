/**
 * Steady HTTP traffic through padda's HTTP modes from undici keep-alive
 * pools: GETs and small POSTs, each answer checked against what its backend
 * group answers (nginx instances that name themselves), so a request routed
 * to the wrong shard or variant counts as a failure, not only a 5xx.
 */
import { Pool } from 'undici';
import type { Outcomes } from '../outcomes.ts';
import { paced, type Load } from './pacing.ts';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What one HTTP mode's traffic looks like and how its answers are judged. */
export interface HttpProfile {
  mode: string;
  port: number;
  tls: boolean;
  /** The next request of a loop: its target, whether it carries a body, and the groups it depends on. */
  next(loop: number, random: () => number): { path: string; post: boolean; headers: Record<string, string>; groups: string[] };
  /** Throws when the answer is wrong; may remember what the answer teaches (a cookie). */
  check(loop: number, answer: Answer): void;
}

const TIMEOUT_MS = 5000;

export async function driveHttp(profile: HttpProfile, load: Load, outcomes: Outcomes, running: () => boolean, random: () => number): Promise<void> {
  const origin = `${profile.tls ? 'https' : 'http'}://127.0.0.1:${profile.port}`;
  const pool = new Pool(origin, {
    connections: load.loops,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
    ...(profile.tls ? { connect: { rejectUnauthorized: false } } : {}),
  });
  await paced(load, running, async (loop) => {
    const request = profile.next(loop, random);
    const started = performance.now();
    try {
      const response = await pool.request({
        path: request.path,
        method: request.post ? 'POST' : 'GET',
        headers: request.headers,
        body: request.post ? `soak body ${loop}` : null,
      });
      const answer = { status: response.statusCode, headers: response.headers, body: await response.body.text() };
      profile.check(loop, answer);
      outcomes.succeeded(profile.mode, started);
    } catch (error) {
      outcomes.failed(profile.mode, started, request.groups, (error as Error).message);
    }
  });
  await pool.close();
}

export function expectStatus(answer: Answer, status = 200): void {
  if (answer.status !== status) throw new Error(`answered ${answer.status} ${answer.headers['x-padda-error'] ?? ''} ${answer.body.slice(0, 120)}`);
}
