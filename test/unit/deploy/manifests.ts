/**
 * Every object of every manifest in deploy/, parsed once for the deploy
 * tests, and the questions they ask of pods: which containers run padda,
 * which are native sidecars, what environment a container sees.
 */
import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';

// Untyped YAML until the schema test has judged it.
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };
export type PodSpec = Record<string, any>;
export type Container = Record<string, any>;

export const DEPLOY = new URL('../../../deploy/', import.meta.url);

export interface ManifestFile {
  file: string;
  objects: KubeObject[];
}

export const manifestFiles: ManifestFile[] = fs.readdirSync(DEPLOY).filter((f) => f.endsWith('.yaml')).sort().map((file) => {
  const docs = parseAllDocuments(fs.readFileSync(new URL(file, DEPLOY), 'utf8'));
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`deploy/${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return { file, objects: docs.map((doc) => doc.toJS() as KubeObject) };
});

/** A pod as it will run: a bare Pod, or the template of a workload. */
export interface Pod {
  file: string;
  /** `Kind/name` of the object that holds it. */
  owner: string;
  labels: Record<string, string>;
  spec: PodSpec;
}

export const pods: Pod[] = manifestFiles.flatMap(({ file, objects }) => objects.flatMap((object): Pod[] => {
  if (object.kind === 'Pod') return [{ file, owner: `Pod/${object.metadata.name}`, labels: object.metadata.labels ?? {}, spec: object.spec }];
  const template = object.spec?.template;
  if (template === undefined) return [];
  return [{ file, owner: `${object.kind}/${object.metadata.name}`, labels: template.metadata?.labels ?? {}, spec: template.spec }];
}));

export function isPadda(container: Container): boolean {
  return String(container.image).startsWith('padda:');
}

/** An init container that keeps running beside the app: started before it, stopped after it (KEP-753). */
export function isNativeSidecar(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

/** Init containers (native sidecars among them) and app containers alike. */
export function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** The image's `ENV` defaults, read from the Dockerfile the image is built from. */
export const imageEnv: Record<string, string> = Object.fromEntries(
  fs.readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8').split('\n').flatMap((line) => {
    const match = /^ENV\s+([A-Z_][A-Z0-9_]*)=(\S*)\s*$/.exec(line);
    return match ? [[match[1]!, match[2]!]] : [];
  }),
);

/**
 * What a container's process finds in its environment: the image's defaults,
 * then the container's `env` (a value from a Secret or ConfigMap is a
 * stand-in string: only that the variable is set matters to a config check).
 */
export function containerEnv(container: Container): Record<string, string> {
  const env = { ...imageEnv };
  for (const variable of container.env ?? []) env[variable.name] = variable.value ?? `<${variable.name} from ${Object.keys(variable.valueFrom ?? {})[0]}>`;
  return env;
}

/** The ConfigMap mounted (as a directory) at `dir` in this container, or undefined. */
export function configMapAt(pod: Pod, container: Container, dir: string): KubeObject | undefined {
  const mount = (container.volumeMounts ?? []).find((m: Record<string, string>) => m.mountPath === dir);
  const volume = (pod.spec.volumes ?? []).find((v: Record<string, any>) => v.name === mount?.name);
  if (volume?.configMap === undefined) return undefined;
  return manifestFiles.find((f) => f.file === pod.file)!.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name);
}
