// The rule pack: rule id -> rule. Each rule is a pure function in its own file of this folder. The pack loads on
// the first check (`SecretsChecks`), not with the package (see core/lazy.ts).
import { annotationPlacement } from './annotation-placement';
import { clusterExternalSecretAllNamespaces } from './cluster-external-secret-all-namespaces';
import { clusterStoreConditions } from './cluster-store-conditions';
import { csiSyncWithoutMount } from './csi-sync-without-mount';
import { csiUnknownProviderClass } from './csi-unknown-provider-class';
import { duplicateSecretProducer } from './duplicate-secret-producer';
import { externalSecretStoreMissing } from './external-secret-store-missing';
import { iamKmsDecryptWildcard } from './iam-kms-decrypt-wildcard';
import { iamSecretReadWildcard } from './iam-secret-read-wildcard';
import { iamTrustAnyPrincipal } from './iam-trust-any-principal';
import { irsaServiceAccountMismatch } from './irsa-service-account-mismatch';
import { irsaTrustWithoutSub } from './irsa-trust-without-sub';
import { kubernetesVersion } from './kubernetes-version';
import { plaintextSecretData } from './plaintext-secret-data';
import { podIdentityTrustActions } from './pod-identity-trust-actions';
import { rbacBroadSecretAccess } from './rbac-broad-secret-access';
import { rbacSecretAccessForEveryone } from './rbac-secret-access-for-everyone';
import { reloaderUnknownSecret } from './reloader-unknown-secret';
import { sealedSecretScopeMismatch } from './sealed-secret-scope-mismatch';
import { secretInEnv } from './secret-in-env';
import { secretReferenceUnresolved } from './secret-reference-unresolved';
import { secretVolumePermissions } from './secret-volume-permissions';
import { serviceAccountTokenSecret } from './service-account-token-secret';
import { storeStaticCredentials } from './store-static-credentials';
import { unservedApiVersion } from './unserved-api-version';
import { RuleResult } from './util';
import { vaultInjectorWithoutRole } from './vault-injector-without-role';
import { vaultPlainHttp } from './vault-plain-http';

export { parseKubernetesVersion } from './kubernetes-version';

export interface RuleContext { readonly kubernetesVersion?: string }
export type Rule = (objects: any[], templates: { [stack: string]: any }, ctx: RuleContext) => RuleResult[];

export { withRuleMemo } from './refs';

/** The rule pack: rule id -> rule. */
export const RULES: { [id: string]: Rule } = {
  'plaintext-secret-data': (o) => plaintextSecretData(o),
  'secret-in-env': (o) => secretInEnv(o),
  'rbac-broad-secret-access': (o) => rbacBroadSecretAccess(o),
  'cluster-store-conditions': (o) => clusterStoreConditions(o),
  'annotation-placement': (o) => annotationPlacement(o),
  'iam-secret-read-wildcard': (_o, t) => iamSecretReadWildcard(t),
  'irsa-trust-without-sub': (_o, t) => irsaTrustWithoutSub(t),
  'irsa-service-account-mismatch': (o, t) => irsaServiceAccountMismatch(o, t),
  'unserved-api-version': (o) => unservedApiVersion(o),
  'kubernetes-version': (o, _t, c) => kubernetesVersion(o, c.kubernetesVersion),
  'reloader-unknown-secret': (o) => reloaderUnknownSecret(o),
  'secret-reference-unresolved': (o) => secretReferenceUnresolved(o),
  'duplicate-secret-producer': (o) => duplicateSecretProducer(o),
  'sealed-secret-scope-mismatch': (o) => sealedSecretScopeMismatch(o),
  'external-secret-store-missing': (o) => externalSecretStoreMissing(o),
  'store-static-credentials': (o) => storeStaticCredentials(o),
  'vault-plain-http': (o) => vaultPlainHttp(o),
  'vault-injector-without-role': (o) => vaultInjectorWithoutRole(o),
  'csi-sync-without-mount': (o) => csiSyncWithoutMount(o),
  'csi-unknown-provider-class': (o) => csiUnknownProviderClass(o),
  'cluster-external-secret-all-namespaces': (o) => clusterExternalSecretAllNamespaces(o),
  'secret-volume-permissions': (o) => secretVolumePermissions(o),
  'rbac-secret-access-for-everyone': (o) => rbacSecretAccessForEveryone(o),
  'service-account-token-secret': (o) => serviceAccountTokenSecret(o),
  'iam-kms-decrypt-wildcard': (_o, t) => iamKmsDecryptWildcard(t),
  'iam-trust-any-principal': (_o, t) => iamTrustAnyPrincipal(t),
  'pod-identity-trust-actions': (_o, t) => podIdentityTrustActions(t),
};
