// Vault roles and policies for External Secrets Operator stores backed by Vault. The ESO constructs
// (src/eso) record every remote secret their ExternalSecrets and PushSecrets use on the store
// (`ISecretStore.remoteRefs`, with the consumer's kind, name and namespace) and describe the store's Vault
// login (`ISecretStore.provider.vaultDetails`); this module turns those records into Vault reads for the
// role the store logs in with, when the program defines that role (a VaultKubernetesRole with the store's
// role name on the store's auth mount). Stores using roles defined elsewhere get nothing derived.
import { IConstruct } from 'constructs';
import { ROLE_SYMBOL, VaultKubernetesRole } from './kubernetes-auth';
import { KV_MOUNT_SYMBOL, VaultKvMount, VaultKvVersion } from './kv-mount';
import { VaultCapability } from './policy';
import { VaultAccess, VaultUse } from './use';
import { validationError } from '../core/errors';
import { allInTree, cachedInSynth, registeredInTree } from '../core/tree-cache';
import { esoInstallsInTree, ExternalSecretsOperatorInstall } from '../eso/install';
import { EsoVaultKvVersion } from '../eso/provider';
import { RemoteRefOperation, RemoteRefUse } from '../eso/remote-ref';
import { ISecretStore, SecretStoreKind } from '../eso/store';

/**
 * The KV API path of an ESO remote key, as ESO's Vault provider builds it: a key may repeat the mount
 * (and, for kv-v2, `data/`), which is dropped before the mount and `data/` are put back.
 * @internal
 */
export function esoKvPath(mount: string, version: EsoVaultKvVersion, key: string, kind: 'data' | 'metadata'): string {
  let rest = key.replace(/^\/+|\/+$/g, '');
  if (rest === mount) {rest = '';} else if (rest.startsWith(`${mount}/`)) {
    rest = rest.slice(mount.length + 1);
    if (version === EsoVaultKvVersion.V2 && rest.startsWith('data/')) rest = rest.slice('data/'.length);
  }
  if (version === EsoVaultKvVersion.V1) return rest ? `${mount}/${rest}` : mount;
  return rest ? `${mount}/${kind}/${rest}` : `${mount}/${kind}`;
}

/** The Vault paths one remote-secret use needs, with the fewest capabilities. @internal */
export function esoAccess(mount: string, version: EsoVaultKvVersion, use: RemoteRefUse): VaultAccess[] {
  const v2 = version === EsoVaultKvVersion.V2;
  const data = (k: string) => esoKvPath(mount, version, k, 'data');
  const meta = (k: string) => esoKvPath(mount, version, k, 'metadata');
  switch (use.operation) {
    case RemoteRefOperation.READ: {
      const access: VaultAccess[] = [{ path: data(use.key), capabilities: [VaultCapability.READ] }];
      if (use.metadataPolicyFetch && v2) access.push({ path: meta(use.key), capabilities: [VaultCapability.READ] });
      return access;
    }
    case RemoteRefOperation.FIND: {
      // A find lists the secrets below its path (recursively), reads each, and reads metadata for tags.
      const base = use.key.replace(/^\/+|\/+$/g, '');
      const glob = (p: string) => (p.endsWith('/') ? `${p}*` : `${p}/*`);
      const listRoot = v2 ? meta(base) : data(base);
      const access: VaultAccess[] = [
        { path: listRoot, capabilities: [VaultCapability.LIST] },
        { path: glob(listRoot), capabilities: [VaultCapability.LIST] },
        { path: glob(data(base)), capabilities: [VaultCapability.READ] },
      ];
      if (use.findTags && v2) access.push({ path: glob(meta(base)), capabilities: [VaultCapability.LIST, VaultCapability.READ] });
      return access;
    }
    case RemoteRefOperation.WRITE: {
      // PushSecret reads the current value to compare, then creates or updates it. On kv-v2 it also reads
      // the secret's metadata (the "managed-by" custom metadata, CAS version) and writes that custom
      // metadata; on kv-v1 the marker lives in the secret itself. Deletion removes the data and, on
      // kv-v2, the metadata.
      const rw = [VaultCapability.CREATE, VaultCapability.READ, VaultCapability.UPDATE];
      const caps = use.deleteOnRemoval ? [...rw, VaultCapability.DELETE] : rw;
      const access: VaultAccess[] = [{ path: data(use.key), capabilities: caps }];
      if (v2) access.push({ path: meta(use.key), capabilities: [...caps] });
      return access;
    }
  }
  return [];
}


/**
 * Throws when a Vault store's KV version differs from the version of the mount the program enables at
 * the store's path: ESO would build the wrong API paths (with or without `data/`) and every read would fail.
 * @internal
 */
export function checkStoreMountVersion(store: ISecretStore): void {
  const v = store.provider?.vaultDetails;
  if (!v || store.definedOutsideProgram) return;
  const mount = registeredInTree<VaultKvMount>(store, KV_MOUNT_SYMBOL).find((m) => m.mountPath === v.path);
  if (!mount) return;
  const want = mount.version === VaultKvVersion.V2 ? EsoVaultKvVersion.V2 : EsoVaultKvVersion.V1;
  if (v.version !== want) {
    throw validationError(store, {
      code: 'CS-VAULT-010',
      prop: 'provider.vault.version',
      value: v.version,
      problem: `does not match mount "${mount.mountPath}", which the program enables as ${mount.version} (${mount.node.path})`,
      fix: `set version: EsoVaultKvVersion.${want === EsoVaultKvVersion.V2 ? 'V2' : 'V1'}`,
    });
  }
}

/**
 * A role that requires a token audience only accepts ESO's logins when the store requests tokens for that
 * audience (`serviceAccountRef.audiences`); ESO's own token, or a token requested without audiences, carries
 * the API server's audience and Vault rejects it.
 */
function checkStoreAudience(store: ISecretStore, role: VaultKubernetesRole): void {
  if (role.audience === undefined) return;
  const v = store.provider?.vaultDetails;
  const presentsOwnAccount = v?.serviceAccountName !== undefined;
  const audiences: string[] = v?.audiences ?? [];
  if (!audiences.includes(role.audience)) {
    throw validationError(store, {
      code: 'CS-VAULT-011',
      prop: 'provider.vault.auth.kubernetes.audiences',
      value: audiences,
      problem: `does not include "${role.audience}", the audience role "${role.roleName}" requires, so Vault would reject every login of ESO${presentsOwnAccount ? '' : ' (without serviceAccountName ESO logs in with its own token, whose audience is the API server\'s)'}`,
      fix: `set \`serviceAccountName\`, and \`audiences\` to a list holding "${role.audience}", in \`EsoVaultAuth.kubernetes\`, or use a role without audience`,
    });
  }
}

/**
 * The Vault reads of an ESO store backed by Vault: one use per remote secret its ExternalSecrets and
 * PushSecrets use. Undefined for stores that are not Vault stores or whose role is unknown.
 * @internal
 */
export function storeUses(store: ISecretStore): VaultUse[] | undefined {
  checkStoreMountVersion(store);
  const v = store.provider?.vaultDetails;
  if (!v || store.definedOutsideProgram || v.role === undefined) return undefined;
  const role = registeredInTree<VaultKubernetesRole>(store, ROLE_SYMBOL)
    .find((r) => r.roleName === v.role && r.authPath === (v.authMountPath ?? 'kubernetes'));
  if (!role) return [];
  checkStoreAudience(store, role);
  // The ServiceAccount ESO presents: the store's serviceAccountRef, else the controller's own.
  let controller: ExternalSecretsOperatorInstall | undefined;
  if (v.serviceAccountName === undefined) {
    const operators = esoInstallsInTree(store);
    controller = operators.length === 1 ? operators[0] : undefined;
  }
  const kind = store.storeKind === SecretStoreKind.CLUSTER_SECRET_STORE ? 'ClusterSecretStore' : 'SecretStore';
  const byPath = cachedInSynth(store, 'core.byPath', () => new Map<string, IConstruct>(allInTree(store).map((c) => [c.node.path, c])));
  return store.remoteRefs.map((use) => {
    const consumerNs = use.consumerNamespace;
    let serviceAccount: { name: string; namespace: string } | undefined;
    if (v.serviceAccountName !== undefined) {
      const ns = v.serviceAccountNamespace ?? store.storeNamespace ?? consumerNs;
      if (ns !== undefined) serviceAccount = { name: v.serviceAccountName, namespace: ns };
    } else if (controller) {
      serviceAccount = { name: controller.serviceAccountName, namespace: controller.namespace };
    }
    return {
      reader: byPath.get(use.consumer) ?? store,
      description: `${use.consumerKind} ${consumerNs ? consumerNs + '/' : ''}${use.consumerName} through ${kind} ${store.storeName}`,
      role,
      serviceAccount,
      access: esoAccess(v.path, v.version, use),
    };
  });
}
