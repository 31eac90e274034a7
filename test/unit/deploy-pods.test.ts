import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';

type Manifest = { kind?: string; metadata?: { name?: string }; data?: Record<string, string>; spec?: Record<string, any> };
const DIR = new URL('../../deploy/', import.meta.url);

/** The padda config's drain_timeout in seconds (30 when unset, as the schema's default). */
function drainSeconds(text: string): number {
  const written = (parse(text) as { drain_timeout?: string | number }).drain_timeout;
  if (written === undefined) return 30;
  if (typeof written === 'number') return written / 1000;
  const match = /^(\d+)(ms|s|m)?$/.exec(written)!;
  return Number(match[1]) * ({ ms: 0.001, s: 1, m: 60 } as Record<string, number>)[match[2] ?? 'ms']!;
}

for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml'))) {
  test(`deploy/${file}: padda reloads from its ConfigMap and drains within the grace period`, () => {
    const manifests = parseAllDocuments(fs.readFileSync(new URL(file, DIR), 'utf8')).map((doc) => doc.toJS() as Manifest);
    const configMaps = new Map(manifests.filter((m) => m.kind === 'ConfigMap').map((m) => [m.metadata!.name!, m.data ?? {}]));
    for (const manifest of manifests) {
      const pod = manifest.kind === 'Pod' ? manifest.spec : manifest.spec?.template?.spec;
      if (!pod) continue;
      const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])] as Array<Record<string, any>>;
      for (const container of containers.filter((c) => String(c.image).startsWith('padda'))) {
        // kubelet never updates a subPath mount: a ConfigMap edit would never reach padda.
        for (const mount of container.volumeMounts ?? []) assert.equal(mount.subPath, undefined, `${container.name} mounts ${mount.mountPath} by subPath`);
        const volume = (pod.volumes ?? []).find((v: Record<string, any>) => v.configMap && (container.volumeMounts ?? []).some((m: Record<string, any>) => m.name === v.name));
        const config = volume ? configMaps.get(volume.configMap.name)?.['padda.yaml'] : undefined;
        if (config === undefined) continue;
        const preStop = Math.max(0, ...containers.map((c) => Number(c.lifecycle?.preStop?.sleep?.seconds ?? 0)));
        const grace = Number(pod.terminationGracePeriodSeconds ?? 30);
        assert.ok(grace > preStop + drainSeconds(config), `${manifest.metadata?.name}: terminationGracePeriodSeconds ${grace} is not more than preStop ${preStop} s + drain_timeout ${drainSeconds(config)} s`);
      }
    }
  });
}

test('deploy/: a Deployment an HPA scales sets no replicas, and one a PDB protects spreads over nodes and zones', () => {
  for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml'))) {
    const manifests = parseAllDocuments(fs.readFileSync(new URL(file, DIR), 'utf8')).map((doc) => doc.toJS() as Manifest);
    const scaled = new Set(manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler').map((m) => m.spec!.scaleTargetRef.name as string));
    const protectedApps = new Set(manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => m.spec!.selector.matchLabels.app as string));
    for (const deployment of manifests.filter((m) => m.kind === 'Deployment')) {
      const name = deployment.metadata!.name!;
      if (scaled.has(name)) assert.equal(deployment.spec!.replicas, undefined, `${file}: ${name} has replicas beside its HPA`);
      if (!protectedApps.has(deployment.spec!.selector.matchLabels.app)) continue;
      const keys = (deployment.spec!.template.spec.topologySpreadConstraints ?? []).map((c: { topologyKey: string }) => c.topologyKey).sort();
      assert.deepEqual(keys, ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'], `${file}: ${name} is not spread, so its PDB may mean nothing`);
    }
  }
});
