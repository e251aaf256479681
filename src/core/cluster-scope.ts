import { ApiObject, IResolver, JsonPatch, ResolutionContext } from 'cdk8s';

/**
 * A kind whose objects are cluster-scoped (they have no namespace), named by API group and kind.
 */
export interface ClusterScopedKind {
  /** The API group (`''` for the core group, such as `Namespace`). */
  readonly apiGroup: string;
  /** The kind, such as `ClusterIssuer`. */
  readonly kind: string;
}

/**
 * The cluster-scoped kinds of Kubernetes 1.28 (every kind whose collection is served outside
 * `/namespaces/{namespace}/`) and of the custom resources this library writes (the upstream CRDs with
 * `scope: Cluster`). `group|kind`.
 */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  '|Namespace', '|Node', '|PersistentVolume',
  'admissionregistration.k8s.io|MutatingWebhookConfiguration', 'admissionregistration.k8s.io|ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io|ValidatingAdmissionPolicy', 'admissionregistration.k8s.io|ValidatingAdmissionPolicyBinding',
  'apiextensions.k8s.io|CustomResourceDefinition',
  'apiregistration.k8s.io|APIService',
  'authentication.k8s.io|SelfSubjectReview', 'authentication.k8s.io|TokenReview',
  'authorization.k8s.io|SelfSubjectAccessReview', 'authorization.k8s.io|SelfSubjectRulesReview', 'authorization.k8s.io|SubjectAccessReview',
  'certificates.k8s.io|CertificateSigningRequest', 'certificates.k8s.io|ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io|FlowSchema', 'flowcontrol.apiserver.k8s.io|PriorityLevelConfiguration',
  'internal.apiserver.k8s.io|StorageVersion',
  'networking.k8s.io|IngressClass', 'networking.k8s.io|ClusterCIDR', 'networking.k8s.io|IPAddress',
  'node.k8s.io|RuntimeClass',
  'rbac.authorization.k8s.io|ClusterRole', 'rbac.authorization.k8s.io|ClusterRoleBinding',
  'resource.k8s.io|ResourceClass',
  'scheduling.k8s.io|PriorityClass',
  'storage.k8s.io|CSIDriver', 'storage.k8s.io|CSINode', 'storage.k8s.io|StorageClass', 'storage.k8s.io|VolumeAttachment',
  'external-secrets.io|ClusterSecretStore', 'external-secrets.io|ClusterExternalSecret', 'external-secrets.io|ClusterPushSecret',
  'generators.external-secrets.io|ClusterGenerator',
]);

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether objects of this apiVersion and kind are cluster-scoped, as far as this library knows (Kubernetes 1.28
 * kinds and the custom resources it writes).
 * @internal
 */
export function isClusterScopedKind(apiVersion: string, kind: string, extra?: ReadonlySet<string>): boolean {
  const key = `${groupOf(apiVersion)}|${kind}`;
  return CLUSTER_SCOPED.has(key) || (extra?.has(key) ?? false);
}

/**
 * The cluster-scoped kinds this library knows, as `group|kind` (sorted).
 * @internal
 */
export function knownClusterScopedKinds(): string[] {
  return [...CLUSTER_SCOPED].sort();
}

/**
 * Drops `metadata.namespace` from a cluster-scoped object that cdk8s gave its chart's namespace.
 * @internal
 */
export function omitNamespace(apiObject: ApiObject): void {
  if (apiObject.metadata.namespace !== undefined) apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

/**
 * Props for `ClusterScopedResolver`.
 */
export interface ClusterScopedResolverProps {
  /**
   * More cluster-scoped kinds, for custom resources this library does not know (for instance cert-manager's
   * `ClusterIssuer`).
   * @default - Kubernetes 1.28's cluster-scoped kinds and the cluster-scoped custom resources this library writes
   */
  readonly additionalKinds?: ClusterScopedKind[];
}

/**
 * Writes cluster-scoped objects without `metadata.namespace`, whatever chart they sit in.
 *
 * cdk8s gives every object of a chart with a `namespace` that namespace, cluster-scoped ones too: a `Namespace`,
 * `ClusterRole`, `ClusterRoleBinding`, `CustomResourceDefinition`, `ClusterSecretStore` or `ClusterExternalSecret`
 * created in such a chart (by you, by cdk8s-plus or by a Helm chart rendered into it) is written with a namespace.
 * The API server ignores the field, but strict validators (kubeconform, `kubectl apply --validate=strict`, server-side
 * dry runs in CI) reject the object, and GitOps tools show it as drift.
 *
 * A `ClusterTarget`'s cdk8s app registers this resolver itself. For a plain cdk8s app, register it on the app:
 * `new App({ resolvers: [new ClusterScopedResolver()] })`. This library's own cluster-scoped constructs
 * (`ClusterSecretStore`, `ClusterExternalSecret`, install namespaces) omit the namespace in any app.
 */
export class ClusterScopedResolver implements IResolver {
  private readonly extra: ReadonlySet<string>;

  public constructor(props: ClusterScopedResolverProps = {}) {
    this.extra = new Set((props.additionalKinds ?? []).map((k) => `${k.apiGroup}|${k.kind}`));
  }

  /** Whether objects of this apiVersion (`group/version`, or `v1` for the core group) and kind are cluster-scoped. */
  public isClusterScoped(apiVersion: string, kind: string): boolean {
    return isClusterScopedKind(apiVersion, kind, this.extra);
  }

  /** Replaces `metadata.namespace` of a cluster-scoped object with nothing. */
  public resolve(context: ResolutionContext): void {
    const key = context.key;
    if (key.length !== 2 || key[0] !== 'metadata' || key[1] !== 'namespace') return;
    if (this.isClusterScoped(context.obj.apiVersion, context.obj.kind)) context.replaceValue(undefined);
  }
}
