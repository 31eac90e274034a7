/**
 * The `restricted` Pod Security Standard (kubernetes.io/docs/concepts/security/
 * pod-security-standards, the policy as of Kubernetes 1.30), as the admission
 * controller applies it to a pod spec, plus a read-only root filesystem,
 * which the standard leaves out and we ask of every container.
 */
import { allContainers, type Container, type PodSpec } from './manifests.ts';

/** Restricted allows only these volume types (no hostPath, no network volumes mounted by the node). */
const VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);
/** The one capability restricted lets a container add. */
const ADDABLE = new Set(['NET_BIND_SERVICE']);

/** Each way `spec` breaks the standard, as `container: what`; empty when it is admitted. */
export function restrictedViolations(spec: PodSpec): string[] {
  const violations: string[] = [];
  const pod = spec.securityContext ?? {};
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field] === true) violations.push(`pod: ${field}`);
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (type === undefined || !VOLUME_TYPES.has(type)) violations.push(`pod: volume ${volume.name} is a ${type}`);
  }
  for (const container of allContainers(spec) as Container[]) {
    const own = container.securityContext ?? {};
    const name = container.name;
    // A container's own setting wins over the pod's (as the kubelet resolves them).
    const effective = (field: string) => own[field] ?? pod[field];
    if (effective('runAsNonRoot') !== true) violations.push(`${name}: runAsNonRoot is not true`);
    const user = effective('runAsUser');
    // Without a numeric runAsUser the kubelet can only trust the image's USER, which may be a name it cannot check.
    if (!Number.isInteger(user) || user === 0) violations.push(`${name}: runAsUser ${user} is not a numeric non-root user`);
    if (own.allowPrivilegeEscalation !== false) violations.push(`${name}: allowPrivilegeEscalation is not false`);
    if (own.privileged === true) violations.push(`${name}: privileged`);
    if (!(own.capabilities?.drop ?? []).includes('ALL')) violations.push(`${name}: capabilities do not drop ALL`);
    for (const added of own.capabilities?.add ?? []) if (!ADDABLE.has(added)) violations.push(`${name}: adds capability ${added}`);
    const seccomp = effective('seccompProfile')?.type;
    if (!SECCOMP_TYPES.has(seccomp)) violations.push(`${name}: seccompProfile is ${seccomp}, not RuntimeDefault or Localhost`);
    if (own.readOnlyRootFilesystem !== true) violations.push(`${name}: root filesystem is writable`);
    for (const port of container.ports ?? []) if (port.hostPort) violations.push(`${name}: hostPort ${port.hostPort}`);
  }
  return violations;
}
