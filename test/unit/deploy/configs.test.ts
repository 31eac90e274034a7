import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  allContainers, configMapAt, containerEnv, imageEnv, isNativeSidecar, isPadda, manifestFiles, pods, type Container, type Pod,
} from './manifests.ts';

const BIN = new URL('../../../bin/padda', import.meta.url).pathname;
/** Where the image looks for its config; the ConfigMap must be mounted as this directory. */
const CONFIG_DIR = path.dirname(imageEnv.PADDA_CONFIG!);
const CONFIG_KEY = path.basename(imageEnv.PADDA_CONFIG!);

interface Checked {
  /** `padda check`'s normalized config. */
  config: { drain_timeout: number };
  configMap: string;
}

/**
 * `padda check` on the config a padda container will read, as it will read it:
 * every key of its ConfigMap a file in one directory (a merge module beside
 * the config is found), and only the environment the container has — the
 * image's ENV and the container's env — so a variable the config needs and
 * the pod does not set fails here, not in a crash-looping pod.
 */
async function checkConfig(pod: Pod, container: Container): Promise<Checked> {
  const configMap = configMapAt(pod, container, CONFIG_DIR);
  assert.ok(configMap !== undefined, `${pod.owner} ${container.name}: no ConfigMap mounted at ${CONFIG_DIR}, where PADDA_CONFIG points`);
  assert.ok(configMap.data?.[CONFIG_KEY] !== undefined, `${pod.owner} ${container.name}: ConfigMap ${configMap.metadata.name} has no ${CONFIG_KEY}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'padda-configmap-'));
  try {
    for (const [key, text] of Object.entries(configMap.data as Record<string, string>)) fs.writeFileSync(path.join(dir, key), text);
    const env = { PATH: process.env.PATH!, ...containerEnv(container) };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [BIN, 'check', '-c', path.join(dir, CONFIG_KEY)], { env }, (error, out, err) => {
        if (error) reject(new Error(`${pod.owner} ${container.name}: padda check failed (exit ${error.code}):\n${err}`));
        else resolve(out);
      });
    });
    return { config: parse(stdout), configMap: configMap.metadata.name };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function preStopSeconds(container: Container): number {
  return Number(container.lifecycle?.preStop?.sleep?.seconds ?? 0);
}

for (const { file, objects } of manifestFiles) {
  const filePods = pods.filter((pod) => pod.file === file);
  // Backends alone (a StatefulSet of shards) carry no padda config.
  if (!filePods.some((pod) => allContainers(pod.spec).some(isPadda))) continue;
  test(`deploy/${file}: padda's config passes padda check in its pod, reloads from its ConfigMap, and drains within the grace period`, async () => {
    const checked = new Set<string>();
    for (const pod of filePods) {
      const drains = new Map<Container, number>();
      for (const container of allContainers(pod.spec).filter(isPadda)) {
        // kubelet never updates a subPath mount: a ConfigMap edit would never reach padda.
        for (const mount of container.volumeMounts ?? []) assert.equal(mount.subPath, undefined, `${container.name} mounts ${mount.mountPath} by subPath`);
        const { config, configMap } = await checkConfig(pod, container);
        checked.add(configMap);
        drains.set(container, config.drain_timeout / 1000);
      }
      if (drains.size === 0) continue;
      // Shutdown order (KEP-753): app containers get their preStop and SIGTERM together; once
      // all have exited, native sidecars are stopped one after another, each preStop then SIGTERM.
      // The grace period covers the whole sequence, or the kubelet's SIGKILL cuts a drain short.
      const stop = (c: Container) => preStopSeconds(c) + (drains.get(c) ?? 0);
      const apps = Math.max(0, ...(pod.spec.containers as Container[]).map(stop));
      const sidecars = (pod.spec.initContainers ?? []).filter(isNativeSidecar).reduce((sum: number, c: Container) => sum + stop(c), 0);
      const grace = Number(pod.spec.terminationGracePeriodSeconds ?? 30);
      assert.ok(grace > apps + sidecars,
        `${pod.owner}: terminationGracePeriodSeconds ${grace} must exceed preStop + drain_timeout in shutdown order (${apps} s + ${sidecars} s)`);
    }
    // No config in this file that no padda reads: it would never be checked, nor used.
    for (const configMap of objects.filter((o) => o.kind === 'ConfigMap' && o.data?.[CONFIG_KEY] !== undefined)) {
      assert.ok(checked.has(configMap.metadata.name), `ConfigMap ${configMap.metadata.name} holds a padda config no padda mounts`);
    }
  });
}
