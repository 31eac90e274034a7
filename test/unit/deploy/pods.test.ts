import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../src/cli/config.ts';
import { loadConfigText } from '../../../src/config/load.ts';
import { allContainers, configMapAt, imageEnv, isNativeSidecar, isPadda, manifestFiles, pods, type Container, type KubeObject } from './manifests.ts';
import { restrictedViolations } from './restricted.ts';

const objects = manifestFiles.flatMap(({ file, objects }) => objects.map((object) => ({ file, object })));

test('deploy/: every pod meets the restricted Pod Security Standard, with a read-only root filesystem', () => {
  assert.ok(pods.length >= 12);
  for (const pod of pods) assert.deepEqual(restrictedViolations(pod.spec), [], `${pod.file}: ${pod.owner}`);
});

test('the restricted check finds what the admission controller would refuse', () => {
  const spec = structuredClone(pods.find((pod) => pod.owner === 'Deployment/legacy-app')!.spec);
  delete spec.securityContext.seccompProfile;
  spec.hostNetwork = true;
  spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } });
  const padda = spec.initContainers[0];
  padda.securityContext.runAsUser = 0;
  padda.securityContext.capabilities = { drop: ['NET_RAW'], add: ['SYS_ADMIN'] };
  delete padda.securityContext.allowPrivilegeEscalation;
  padda.securityContext.readOnlyRootFilesystem = false;
  delete spec.containers[0].securityContext.runAsUser;
  assert.deepEqual(restrictedViolations(spec), [
    'pod: hostNetwork',
    'pod: volume host is a hostPath',
    'padda: runAsUser 0 is not a numeric non-root user',
    'padda: allowPrivilegeEscalation is not false',
    'padda: capabilities do not drop ALL',
    'padda: adds capability SYS_ADMIN',
    'padda: seccompProfile is undefined, not RuntimeDefault or Localhost',
    'padda: root filesystem is writable',
    'app: runAsUser undefined is not a numeric non-root user',
    'app: seccompProfile is undefined, not RuntimeDefault or Localhost',
  ]);
});

test('deploy/: padda beside an app is a native sidecar, started before it and stopped after it; app containers wait in preStop', () => {
  for (const pod of pods) {
    const paddas = allContainers(pod.spec).filter(isPadda);
    const apps = (pod.spec.containers as Container[]).filter((c) => !isPadda(c));
    if (paddas.length === 0) continue;
    for (const padda of paddas) {
      if (apps.length === 0) {
        // padda alone (a shared Deployment): it waits in preStop for the endpoints controller itself.
        assert.ok(padda.lifecycle?.preStop?.sleep?.seconds > 0, `${pod.owner}: padda alone has no preStop sleep`);
        continue;
      }
      assert.ok((pod.spec.initContainers ?? []).includes(padda) && isNativeSidecar(padda), `${pod.owner}: ${padda.name} is not a native sidecar`);
      // The app starts only once padda listens: its startup probe is /ready (every listener bound).
      assert.equal(padda.startupProbe?.httpGet?.path, '/ready', `${pod.owner}: ${padda.name} has no startup probe on /ready`);
    }
    for (const app of apps) assert.ok(app.lifecycle?.preStop?.sleep?.seconds > 0, `${pod.owner}: ${app.name} has no preStop sleep`);
  }
});

test('deploy/: a workload behind a Service waits in preStop, so the Service stops sending before it stops serving', () => {
  const services = objects.filter(({ object }) => object.kind === 'Service' && object.spec.clusterIP !== 'None');
  for (const pod of pods) {
    const served = services.some(({ object }) => Object.entries(object.spec.selector as Record<string, string>).every(([k, v]) => pod.labels[k] === v));
    if (!served) continue;
    for (const container of pod.spec.containers as Container[]) {
      assert.ok(container.lifecycle?.preStop?.sleep?.seconds > 0, `${pod.owner}: ${container.name} is behind a Service without a preStop sleep`);
    }
  }
});

interface Probe { httpGet?: { path: string; port: number | string } }

/**
 * The book's adapter pods (ch. 4): every probe of every container asks padda —
 * the admin server's /healthz or /ready, or a check of one of its health
 * listeners — on a path padda answers.
 */
for (const file of ['mysql-health-pod.yaml', 'redis-exporter-pod.yaml']) {
  test(`deploy/${file}: every probe points at padda`, () => {
    const pod = pods.find((p) => p.file === file)!;
    const padda = allContainers(pod.spec).find(isPadda)!;
    const configMap = configMapAt(pod, padda, imageEnv.PADDA_CONFIG!.replace(/\/[^/]*$/, ''))!;
    const config = loadConfigText(configSchema, 'padda.yaml', configMap.data['padda.yaml'], imageEnv);
    const portOf = (address: { kind: string; port?: number }) => address.port!;
    // What padda answers on each port: the admin paths, or a health listener's `/` and `/CHECK`.
    const answers = new Map<number, string[]>([[portOf(config.admin.listen), ['/healthz', '/ready']]]);
    for (const listener of Object.values(config.listeners)) {
      if (listener.mode === 'health') answers.set(portOf(listener.listen as { kind: string; port?: number }), ['/', ...Object.keys(listener.checks as object).map((name) => `/${name}`)]);
    }
    const containers = allContainers(pod.spec);
    let probes = 0;
    for (const container of containers) {
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe] as Array<Probe | undefined>) {
        if (probe === undefined) continue;
        probes++;
        const { path, port } = probe.httpGet!;
        const number = typeof port === 'number' ? port : container.ports?.find((p: { name?: string }) => p.name === port)?.containerPort;
        assert.ok(number !== undefined && answers.has(number), `${container.name}: probe port ${port} is not padda's`);
        assert.ok(answers.get(number)!.includes(path), `${container.name}: padda does not answer ${path} on ${number}`);
      }
    }
    assert.ok(containers.filter((c) => !isPadda(c)).every((c) => c.livenessProbe !== undefined), 'the app container is probed through the adapter');
    assert.ok(probes >= 5);
  });
}

test('deploy/: a Deployment an HPA scales sets no replicas, and one a PDB protects spreads over nodes and zones', () => {
  for (const { file, objects: fileObjects } of manifestFiles) {
    const scaled = new Set(fileObjects.filter((m) => m.kind === 'HorizontalPodAutoscaler').map((m) => m.spec.scaleTargetRef.name as string));
    const protectedApps = new Set(fileObjects.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => m.spec.selector.matchLabels.app as string));
    for (const deployment of fileObjects.filter((m: KubeObject) => m.kind === 'Deployment')) {
      const name = deployment.metadata.name;
      if (scaled.has(name)) assert.equal(deployment.spec.replicas, undefined, `${file}: ${name} has replicas beside its HPA`);
      if (!protectedApps.has(deployment.spec.selector.matchLabels.app)) continue;
      const keys = (deployment.spec.template.spec.topologySpreadConstraints ?? []).map((c: { topologyKey: string }) => c.topologyKey).sort();
      assert.deepEqual(keys, ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'], `${file}: ${name} is not spread, so its PDB may mean nothing`);
    }
  }
});
