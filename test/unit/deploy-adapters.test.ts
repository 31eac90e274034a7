import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { configSchema } from '../../src/cli/config.ts';
import { loadConfigText } from '../../src/config/load.ts';

interface Probe { httpGet?: { path: string; port: number | string } }
interface Container {
  name: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: Array<{ mountPath: string }>;
}

/**
 * The book's adapter pods (ch. 4): every probe of every container asks padda —
 * the admin server's /healthz or /ready, or a check of one of its health
 * listeners — and padda's config, as mounted, is valid.
 */
for (const file of ['mysql-health-pod.yaml', 'redis-exporter-pod.yaml']) {
  test(`deploy/${file}: every probe points at padda`, () => {
    const docs = parseAllDocuments(fs.readFileSync(new URL(`../../deploy/${file}`, import.meta.url), 'utf8')).map((doc) => doc.toJS());
    const configMap = docs.find((doc) => doc.kind === 'ConfigMap');
    const config = loadConfigText(configSchema, 'padda.yaml', configMap.data['padda.yaml'], {});
    const portOf = (address: { kind: string; port?: number }) => address.port!;
    // What padda answers on each port: the admin paths, or a health listener's `/` and `/CHECK`.
    const answers = new Map<number, string[]>([[portOf(config.admin.listen), ['/healthz', '/ready']]]);
    for (const listener of Object.values(config.listeners)) {
      if (listener.mode === 'health') answers.set(portOf(listener.listen as { kind: string; port?: number }), ['/', ...Object.keys(listener.checks as object).map((name) => `/${name}`)]);
    }
    const workload = docs.find((doc) => doc.kind === 'Deployment' || doc.kind === 'StatefulSet');
    const containers = workload.spec.template.spec.containers as Container[];
    const padda = containers.find((c) => c.name === 'padda')!;
    // The ConfigMap as the directory of PADDA_CONFIG (/etc/padda/padda.yaml): a subPath mount would never see an edit.
    assert.ok(padda.volumeMounts?.some((m) => m.mountPath === '/etc/padda'), 'the config is mounted where PADDA_CONFIG points');
    let probes = 0;
    for (const container of containers) {
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
        if (probe === undefined) continue;
        probes++;
        const { path, port } = probe.httpGet!;
        const number = typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
        assert.ok(number !== undefined && answers.has(number), `${container.name}: probe port ${port} is not padda's`);
        assert.ok(answers.get(number)!.includes(path), `${container.name}: padda does not answer ${path} on ${number}`);
      }
    }
    assert.ok(containers.filter((c) => c.name !== 'padda').every((c) => c.livenessProbe !== undefined), 'the app container is probed through the adapter');
    assert.ok(probes >= 4);
  });
}
