/**
 * One line per rule, for `doctor --list-rules` and the SARIF `rules` table. The full entry of each rule (what, why,
 * compliant and non-compliant shapes, how to fix) is in docs/checks.md under a heading equal to the rule id.
 * @internal
 */
export const RULE_SUMMARIES: { [ruleId: string]: string } = {
  'annotation-placement': 'Reloader annotations belong on the workload, Vault Agent Injector annotations on the pod template.',
  'cluster-external-secret-all-namespaces': 'A ClusterExternalSecret must not select every namespace.',
  'cluster-store-conditions': 'A ClusterSecretStore should limit the namespaces that may use it.',
  'csi-sync-without-mount': 'A SecretProviderClass that syncs Secrets needs a pod that mounts it.',
  'csi-unknown-provider-class': 'A CSI secrets-store volume must name a SecretProviderClass defined in the pod\'s namespace.',
  'duplicate-secret-producer': 'One Secret must have one producer.',
  'external-secret-store-missing': 'An ExternalSecret or PushSecret must name a store that exists.',
  'iam-kms-decrypt-wildcard': 'kms:Decrypt must be scoped to key ARNs, not "*".',
  'iam-secret-read-wildcard': 'Secret reads (Secrets Manager, Parameter Store) must be scoped to ARNs, not "*".',
  'iam-trust-any-principal': 'A role trust must not admit any principal without a condition.',
  'irsa-service-account-mismatch': 'The ServiceAccount annotated with a role must be the one its trust admits.',
  'irsa-trust-without-sub': 'An IRSA trust must pin the ServiceAccount with a StringEquals :sub condition.',
  'kubernetes-version': 'Objects, charts and CRDs must be accepted by the declared Kubernetes version.',
  'plaintext-secret-data': 'No Secret data or stringData in manifests.',
  'pod-identity-trust-actions': 'An EKS Pod Identity trust must allow sts:AssumeRole and sts:TagSession.',
  'rbac-broad-secret-access': 'RBAC must not grant list, watch or * on Secrets.',
  'rbac-secret-access-for-everyone': 'A role that reads Secrets must not be bound to everyone.',
  'reloader-unknown-secret': 'A Reloader annotation must name Secrets that something produces.',
  'sealed-secret-scope-mismatch': 'A SealedSecret must be applied where its scope was sealed for.',
  'secret-in-env': 'Prefer secret volumes over environment variables.',
  'secret-reference-unresolved': 'A pod must not depend on a Secret nothing produces.',
  'secret-volume-permissions': 'Secret volume files must not be group- or world-writable.',
  'service-account-token-secret': 'No long-lived ServiceAccount token Secrets.',
  'store-static-credentials': 'Secret stores should use workload identity, not long-lived credentials.',
  'unserved-api-version': 'No API versions the operators no longer serve or deprecate.',
  'vault-injector-without-role': 'A Vault Agent Injector pod must name its Vault role.',
  'vault-plain-http': 'Vault should be reached over https.',
};
