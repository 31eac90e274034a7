/**
 * The chaos loop: every `everyMs` one random action — SIGKILL a backend and
 * start it again, SIGSTOP one and continue it, reload padda with a changed
 * config (now and then an invalid one, which must change nothing), or open
 * slow, hostile or idle connections. Backend faults are entered in the
 * outcome timeline so the failures they cause count as expected; at most
 * one fault per group at a time, so a replicated group keeps a replica.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PaddaProcess } from '../support/padda.ts';
import type { Backend } from './backend.ts';
import { idle, sendHostile, trickle, type HostileTally } from './hostile.ts';
import type { Outcomes } from './outcomes.ts';
import type { ListenerName } from './topology.ts';

export interface ChaosTally {
  kills: number;
  pauses: number;
  reloads: number;
  invalidReloads: number;
  hostileBursts: number;
  hostile: HostileTally;
}

export interface ChaosWorld {
  padda: PaddaProcess;
  backends: readonly Backend[];
  listeners: ReadonlyArray<[ListenerName, number]>;
  config(variant: number): string;
}

export async function runChaos(world: ChaosWorld, outcomes: Outcomes, untilMs: number, everyMs: number, random: () => number): Promise<ChaosTally> {
  const tally: ChaosTally = { kills: 0, pauses: 0, reloads: 0, invalidReloads: 0, hostileBursts: 0, hostile: { opened: 0, closedByPadda: 0 } };
  const hurt = new Set<string>();
  const pending: Array<Promise<void>> = [];
  let variant = 0;
  const between = (low: number, high: number) => low + random() * (high - low);
  const anyListener = () => world.listeners[Math.floor(random() * world.listeners.length)]!;

  while (performance.now() < untilMs) {
    const action = random();
    const healthy = world.backends.filter((b) => !hurt.has(b.group));
    if (action < 0.3 && healthy.length > 0) {
      const backend = healthy[Math.floor(random() * healthy.length)]!;
      hurt.add(backend.group);
      tally.kills++;
      pending.push((async () => {
        const over = outcomes.fault(backend.group, 'kill');
        backend.kill();
        await sleep(between(1000, 4000));
        await backend.restart();
        over();
        hurt.delete(backend.group);
      })());
    } else if (action < 0.55 && healthy.length > 0) {
      const backend = healthy[Math.floor(random() * healthy.length)]!;
      hurt.add(backend.group);
      tally.pauses++;
      pending.push((async () => {
        const over = outcomes.fault(backend.group, 'stop');
        backend.pause();
        await sleep(between(500, 3000));
        backend.resume();
        over();
        hurt.delete(backend.group);
      })());
    } else if (action < 0.75) {
      if (random() < 0.25) {
        // A broken file must leave the running config alone; the good one follows.
        tally.invalidReloads++;
        world.padda.writeConfig(`${world.config(variant)}\n  broken: [unclosed\n`);
        world.padda.signal('SIGHUP');
        await sleep(500);
      }
      tally.reloads++;
      variant++;
      world.padda.writeConfig(world.config(variant));
      world.padda.signal('SIGHUP');
    } else {
      tally.hostileBursts++;
      const [name, port] = anyListener();
      sendHostile(name, port, 5000, tally.hostile);
      trickle(name, port, 10, 20_000, tally.hostile);
      idle(...anyListener(), 100, 10_000, tally.hostile);
    }
    await sleep(everyMs * between(0.5, 1.5));
  }
  await Promise.all(pending);
  return tally;
}
