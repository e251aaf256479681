// Every runtime call into cdk8s-plus-28 made by this library's workload wiring lives in this module, so a
// move to a newer cdk8s-plus is this file's work (the public API names kplus.Workload and kplus.Container
// only as types). Nothing here is exported from the package.
import { ApiObject, ApiObjectMetadataDefinition, Lazy } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { lazy } from '../core/lazy';

/** The CSI driver name of the Secrets Store CSI driver. @internal */
export const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';

/** What this library needs to know about a workload. @internal */
export interface WorkloadFacts {
  readonly name: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly isDeployment: boolean;
  readonly automountServiceAccountToken: boolean;
  readonly fsGroup?: number;
  readonly hasServiceAccount: boolean;
}

/** @internal */
export function workloadFacts(workload: kplus.Workload): WorkloadFacts {
  return {
    name: workload.name,
    kind: workload.kind,
    namespace: workload.metadata.namespace,
    isDeployment: workload instanceof lazy.kplus.Deployment,
    automountServiceAccountToken: workload.automountServiceAccountToken,
    fsGroup: workload.securityContext.fsGroup,
    hasServiceAccount: workload.serviceAccount !== undefined,
  };
}

/** The workload's own metadata (where Reloader reads its annotations). @internal */
export function workloadMetadata(workload: kplus.Workload): ApiObjectMetadataDefinition {
  return workload.metadata;
}

/** Whether the container belongs to the workload's pod template (app or init container). @internal */
export function containerBelongsTo(workload: kplus.Workload, container: kplus.Container): boolean {
  return workload.containers.includes(container) || workload.initContainers.includes(container);
}

/** The container's name (for messages). @internal */
export function containerName(container: kplus.Container): string {
  return container.name;
}

/** The paths the container already mounts something at. @internal */
export function containerMountPaths(container: kplus.Container): string[] {
  return container.mounts.map((m) => m.path);
}

/** The names of the container's environment variables. @internal */
export function containerEnvNames(container: kplus.Container): string[] {
  return Object.keys(container.env.variables);
}

/** Names of the volumes in the pod template (declared or mounted by a container). @internal */
export function podVolumeNames(workload: kplus.Workload): string[] {
  const names = new Set<string>(workload.volumes.map((v) => v.name));
  for (const c of [...workload.containers, ...workload.initContainers]) {
    for (const m of c.mounts) names.add(m.volume.name);
  }
  return [...names];
}

/** One key of a Secret projected to a file. @internal */
export interface KeyProjection {
  readonly key: string;
  readonly path: string;
  readonly mode?: number;
}

/** Mounts a Secret volume (read-only) into a container. @internal */
export function mountSecretVolume(scope: Construct, id: string, container: kplus.Container, props: {
  secretName: string;
  volumeName: string;
  path: string;
  defaultMode: number;
  items: KeyProjection[];
  optional?: boolean;
}): void {
  const ref = lazy.kplus.Secret.fromSecretName(scope, `${id}Secret`, props.secretName);
  const items: { [key: string]: kplus.PathMapping } = {};
  for (const item of props.items) items[item.key] = { path: item.path, mode: item.mode };
  const volume = lazy.kplus.Volume.fromSecret(scope, `${id}Volume`, ref, {
    name: props.volumeName,
    defaultMode: props.defaultMode,
    items: props.items.length > 0 ? items : undefined,
    optional: props.optional,
  });
  container.mount(props.path, volume, { readOnly: true });
}

/** Mounts a CSI volume (read-only) into a container; returns the volume for other containers of the pod. @internal */
export function mountCsiVolume(scope: Construct, id: string, container: kplus.Container, props: {
  driver: string;
  volumeName: string;
  path: string;
  attributes: { [key: string]: string };
}): kplus.Volume {
  const volume = lazy.kplus.Volume.fromCsi(scope, `${id}Volume`, props.driver, {
    name: props.volumeName,
    readOnly: true,
    attributes: { ...props.attributes },
  });
  container.mount(props.path, volume, { readOnly: true });
  return volume;
}

/** Mounts a volume the pod already has (read-only) into another container. @internal */
export function mountExistingVolume(container: kplus.Container, volume: kplus.Volume, path: string): void {
  container.mount(path, volume, { readOnly: true });
}

/** Adds one environment variable read from a Secret key. @internal */
export function addSecretEnvVariable(scope: Construct, id: string, container: kplus.Container, props: {
  secretName: string;
  variable: string;
  key: string;
  optional?: boolean;
}): void {
  const ref = lazy.kplus.Secret.fromSecretName(scope, `${id}Secret`, props.secretName);
  container.env.addVariable(props.variable, lazy.kplus.EnvValue.fromSecretValue({ secret: ref, key: props.key }, { optional: props.optional }));
}

/** Adds every key of a Secret as environment variables (`envFrom`). @internal */
export function addSecretEnvFrom(scope: Construct, id: string, container: kplus.Container, secretName: string): void {
  const ref = lazy.kplus.Secret.fromSecretName(scope, `${id}Secret`, secretName);
  container.env.copyFrom(lazy.kplus.Env.fromSecret(ref));
}

/** The RBAC subject of the workload's ServiceAccount, or undefined when the pod uses the namespace default. @internal */
export function serviceAccountSubject(workload: kplus.Workload, namespace: string): { kind: string; name: string; namespace: string } | undefined {
  const sa = workload.serviceAccount;
  if (sa === undefined) return undefined;
  const s = sa.toSubjectConfiguration();
  return { kind: s.kind, name: s.name, namespace: s.namespace ?? namespace };
}

/** A Role (rbac.authorization.k8s.io/v1) whose rules are produced at synth. @internal */
export function newRole(scope: Construct, id: string, props: {
  namespace: string;
  labels?: { [key: string]: string };
  rules: () => Array<{ apiGroups: string[]; resources: string[]; resourceNames: string[]; verbs: string[] }>;
}): ApiObject {
  return new lazy.kplus.k8s.KubeRole(scope, id, {
    metadata: { namespace: props.namespace, labels: props.labels },
    rules: Lazy.any({ produce: props.rules }) as any,
  });
}

/** A RoleBinding (rbac.authorization.k8s.io/v1) of a Role to one subject. @internal */
export function newRoleBinding(scope: Construct, id: string, props: {
  namespace: string;
  roleName: string;
  subject: { kind: string; name: string; namespace: string };
  labels?: { [key: string]: string };
}): ApiObject {
  return new lazy.kplus.k8s.KubeRoleBinding(scope, id, {
    metadata: { namespace: props.namespace, labels: props.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.roleName },
    subjects: [{ kind: props.subject.kind, name: props.subject.name, namespace: props.subject.namespace }],
  });
}

/** A RoleBinding (rbac.authorization.k8s.io/v1) of a Role to subjects produced at synth. @internal */
export function newRoleBindingOf(scope: Construct, id: string, props: {
  namespace: string;
  roleName: string;
  subjects: () => Array<{ kind: string; name: string; namespace?: string }>;
}): ApiObject {
  return new lazy.kplus.k8s.KubeRoleBinding(scope, id, {
    metadata: { namespace: props.namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.roleName },
    subjects: Lazy.any({
      produce: () => props.subjects().map((s) => ({
        kind: s.kind,
        name: s.name,
        ...(s.kind === 'ServiceAccount' ? { namespace: s.namespace } : { apiGroup: 'rbac.authorization.k8s.io' }),
      })),
    }) as any,
  });
}

/**
 * Makes the workload's pods mount their ServiceAccount token (`automountServiceAccountToken: true` in the pod
 * spec, not on the ServiceAccount). cdk8s-plus reads the field when it renders the pod spec. @internal
 */
export function enablePodTokenAutomount(workload: kplus.Workload): void {
  (workload as { automountServiceAccountToken: boolean }).automountServiceAccountToken = true;
}

/** Whether the container is forced to run as a non-root user (cdk8s-plus's default). @internal */
export function containerRunsAsNonRoot(container: kplus.Container): boolean {
  return container.securityContext.ensureNonRoot;
}

/** The namespace of a cdk8s-plus Secret defined in this program (undefined for an imported one). @internal */
export function plusSecretNamespace(secret: kplus.ISecret): string | undefined {
  return secret instanceof lazy.kplus.Secret ? secret.metadata.namespace : undefined;
}
