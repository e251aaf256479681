import type * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { SecretReadGrant } from '../workloads/secret-read-grant';

/**
 * Which system writes a Kubernetes Secret.
 */
export enum SecretProducerKind {
  /** An ExternalSecret's target (External Secrets Operator). */
  EXTERNAL_SECRETS = 'external-secrets',
  /** A VaultStaticSecret/VaultDynamicSecret/VaultPKISecret destination (Vault Secrets Operator). */
  VAULT_SECRETS_OPERATOR = 'vault-secrets-operator',
  /** A SealedSecret unsealed by the Sealed Secrets controller. */
  SEALED_SECRETS = 'sealed-secrets',
  /** A Secret synced from a SecretProviderClass's `secretObjects` (Secrets Store CSI driver). */
  SECRETS_STORE_CSI = 'secrets-store-csi',
  /** A Secret that exists already or is written by something outside this library. */
  KUBERNETES = 'kubernetes',
}

/**
 * A workload that a producer can restart itself when the Secret changes (VSO `rolloutRestartTargets`).
 */
export interface RolloutRestartTarget {
  /** `Deployment`, `StatefulSet`, `DaemonSet` or `argo.Rollout`. */
  readonly kind: string;
  /** The workload's name (same namespace as the Secret). */
  readonly name: string;
}

/**
 * A Kubernetes Secret that something produces: an ExternalSecret target, a VSO destination, a
 * SealedSecret, a CSI `secretObjects` entry or a plain Secret. Workloads consume this interface, so the
 * same workload code works whichever backend fills the Secret.
 */
export interface IProducedSecret extends IConstruct {
  /** The Secret's name. */
  readonly secretName: string;
  /** The Secret's namespace. */
  readonly secretNamespace: string;
  /**
   * The keys the Secret is known to hold. Empty when they are only known at run time
   * (for example `dataFrom` extract/find), in which case consumers must mount the whole Secret.
   */
  readonly secretKeys: string[];
  /** Which system writes the Secret. */
  readonly producerKind: SecretProducerKind;
  /**
   * Asks the producer to restart a consuming workload itself when the Secret changes.
   * Producers that can (VSO `rolloutRestartTargets`) record the target and return true; the others
   * return false, and the consumer falls back to Reloader annotations.
   */
  addRolloutRestartTarget(target: RolloutRestartTarget): boolean;

  /**
   * Lets subjects read the Secret through the Kubernetes API: a Role with `get` on this Secret's name only, bound to
   * the subjects (ServiceAccounts of the Secret's namespace, such as a `WorkloadIdentity`, or Users; Groups are
   * refused). No pod is changed: pods that call the API get their token from `SecretConsumer.readThroughApi()`,
   * and pods that mount the Secret as a volume keep token automount off.
   */
  grantRead(...subjects: kplus.ISubject[]): SecretReadGrant;
}
