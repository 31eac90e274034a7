/**
 * A Kubernetes object checked as `kubectl apply --validate=strict` would,
 * offline: types and required fields by the kubernetes-models package (the
 * API server's OpenAPI schema compiled to validators), and unknown fields —
 * which those validators let through — by watching what they read. A
 * validator reads every field its schema names, so a field it never read is
 * one the schema does not know: a typo like `readinesProbe` that the API
 * server would drop without a word, leaving the pod without its probe.
 */
import type { KubeObject } from './manifests.ts';

type Validator = (this: unknown) => void;

/** The validator of an apiVersion and kind, e.g. `apps/v1` Deployment. */
async function validatorOf(apiVersion: string, kind: string): Promise<Validator | undefined> {
  const models = (await import(`kubernetes-models/${apiVersion}`).catch(() => ({}))) as Record<string, { prototype: { validate: Validator } } | undefined>;
  return models[kind]?.prototype.validate;
}

/** Every problem of `object`, as `path: message`; empty when the API server would take it as written. */
export async function kubernetesProblems(object: KubeObject): Promise<string[]> {
  const validate = await validatorOf(object.apiVersion, object.kind);
  if (validate === undefined) return [`${object.apiVersion} ${object.kind}: no such kind in the Kubernetes API`];
  const reads = new Map<object, Set<PropertyKey>>();
  try {
    validate.call(watched(object, reads));
  } catch (error) {
    return [(error as Error).message];
  }
  return unread(object, reads, '');
}

/** A deep copy whose objects record each property read of them in `reads`, keyed by the original. */
function watched(value: unknown, reads: Map<object, Set<PropertyKey>>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const read = new Set<PropertyKey>();
  reads.set(value, read);
  const copy = Array.isArray(value)
    ? value.map((item) => watched(item, reads))
    : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, watched(item, reads)]));
  return new Proxy(copy, {
    get(target, key, receiver) {
      read.add(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      read.add(key);
      return Reflect.has(target, key);
    },
  });
}

function unread(value: unknown, reads: Map<object, Set<PropertyKey>>, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unread(item, reads, `${path}/${i}`));
  const read = reads.get(value)!;
  return Object.entries(value).flatMap(([key, item]) =>
    read.has(key) ? unread(item, reads, `${path}/${key}`) : [`${path}/${key}: unknown field "${key}"`]);
}
