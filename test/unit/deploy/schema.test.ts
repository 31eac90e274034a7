import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubernetesProblems } from './kubernetes-schema.ts';
import { manifestFiles, type KubeObject } from './manifests.ts';

for (const { file, objects } of manifestFiles) {
  test(`deploy/${file}: every object is valid Kubernetes, with no unknown field`, async () => {
    assert.ok(objects.length > 0);
    for (const object of objects) {
      assert.deepEqual(await kubernetesProblems(object), [], `${object.kind}/${object.metadata?.name}`);
    }
  });
}

function deployment(): KubeObject {
  return structuredClone(manifestFiles.flatMap((f) => f.objects).find((o) => o.kind === 'Deployment')!);
}

test('the strict pass rejects a misspelled field that kubernetes-models alone lets through', async () => {
  const { Deployment } = await import('kubernetes-models/apps/v1');
  const misspelled = deployment();
  const container = misspelled.spec.template.spec.containers[0];
  container.readinesProbe = container.readinessProbe;
  delete container.readinessProbe;
  misspelled.spec.template.spec.securityContext.runAsNonroot = true;
  // The package's own validation accepts it: without the strict pass this manifest would pass.
  assert.doesNotThrow(() => new Deployment(misspelled as ConstructorParameters<typeof Deployment>[0]).validate());
  assert.deepEqual(await kubernetesProblems(misspelled), [
    '/spec/template/spec/securityContext/runAsNonroot: unknown field "runAsNonroot"',
    '/spec/template/spec/containers/0/readinesProbe: unknown field "readinesProbe"',
  ]);
});

test('a wrong type, a missing required field and an unknown kind are problems too', async () => {
  const wrongType = deployment();
  wrongType.spec.template.spec.terminationGracePeriodSeconds = 'thirty';
  assert.match((await kubernetesProblems(wrongType)).join(), /terminationGracePeriodSeconds must be integer/);
  const noSelector = deployment();
  delete noSelector.spec.selector;
  assert.deepEqual(await kubernetesProblems(noSelector), ['data/spec must have required property selector']);
  assert.deepEqual(await kubernetesProblems({ apiVersion: 'apps/v1', kind: 'Deployement', metadata: { name: 'x' } }), [
    'apps/v1 Deployement: no such kind in the Kubernetes API',
  ]);
});
