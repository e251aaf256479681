// What a Vault reader does with Vault, and the registry of readers. Every construct that reads from Vault
// (VSO secrets, Agent Injector annotations) registers its reads when it is created; ESO stores backed by
// Vault are read through their public interface (`ISecretStore.provider.vaultDetails` and
// `remoteRefs`) by ./eso.ts.
import { IConstruct } from 'constructs';
import { IVaultKubernetesRole, VaultServiceAccountBinding } from './kubernetes-auth';
import { VaultCapability } from './policy';

/** One Vault API path a reader touches, with the capabilities it needs there. @internal */
export interface VaultAccess {
  readonly path: string;
  readonly capabilities: VaultCapability[];
}

/** What one reader does with Vault. @internal */
export interface VaultUse {
  /** The construct that reads (errors name it). */
  readonly reader: IConstruct;
  /** A short human description, used in policy comments ("VaultStaticSecret secrets-demo/app"). */
  readonly description: string;
  /** The Kubernetes-auth role it logs in with, when known. */
  readonly role?: IVaultKubernetesRole;
  /** The ServiceAccount it logs in as, when known. */
  readonly serviceAccount?: VaultServiceAccountBinding;
  /** The paths it reads. */
  readonly access: VaultAccess[];
}

const READERS = new WeakMap<IConstruct, () => VaultUse[]>();

/** Marks a construct as a Vault reader: `uses` is called at synth, once the program is complete. @internal */
export function registerReader(reader: IConstruct, uses: () => VaultUse[]): void {
  READERS.set(reader, uses);
}

/** The uses of a registered Vault reader, or undefined when `c` is not one. @internal */
export function readerUses(c: IConstruct): VaultUse[] | undefined {
  return READERS.get(c)?.();
}
