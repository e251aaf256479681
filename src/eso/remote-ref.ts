import type * as kms from 'aws-cdk-lib/aws-kms';
import { ISecretsManagerEntry } from '../aws/secrets-manager-entry';

/** What an ExternalSecret or PushSecret does with a remote key. */
export enum RemoteRefOperation {
  /** Reads one remote secret (`data[].remoteRef` or `dataFrom[].extract`). */
  READ = 'read',
  /** Lists and reads remote secrets matching a path, name or tags (`dataFrom[].find`). */
  FIND = 'find',
  /** Writes a remote secret (PushSecret). */
  WRITE = 'write',
}

/**
 * One use of a remote secret by an ExternalSecret or PushSecret, recorded on the store it goes through.
 * Helpers derive permissions from these: IAM statements for AWS stores (done by the store), Vault policies
 * for Vault stores (`store.remoteRefs`).
 */
export interface RemoteRefUse {
  /** Read, find or write. */
  readonly operation: RemoteRefOperation;
  /**
   * The remote key: a secret name or ARN (AWS), a path below the KV mount (Vault), or the path prefix of a
   * find (empty when the find has no path).
   */
  readonly key: string;
  /**
   * The property (JSON key) read from the remote secret.
   * @default - the whole secret
   */
  readonly property?: string;
  /**
   * The remote version read.
   * @default - the current version
   */
  readonly version?: string;
  /**
   * Whether the secret's metadata (tags) is read instead of its value (`metadataPolicy: Fetch`).
   * @default false
   */
  readonly metadataPolicyFetch?: boolean;
  /**
   * The Secrets Manager entry behind the key, when the program defines or imports it (for exact ARNs and
   * its KMS key).
   * @default - only the key is known
   */
  readonly secretsManagerEntry?: ISecretsManagerEntry;
  /**
   * For a find: the name regular expression.
   * @default - none
   */
  readonly findNameRegexp?: string;
  /**
   * For a find: the tags matched.
   * @default - none
   */
  readonly findTags?: { [key: string]: string };
  /**
   * For a find: name patterns the found secrets are known to match (granted GetSecretValue).
   * @default - the find's path, as a prefix
   */
  readonly findReadScope?: string[];
  /**
   * For a find: grant reads on every secret (`Resource: "*"`).
   * @default false
   */
  readonly findAllowReadAnySecret?: boolean;
  /**
   * For a find: customer-managed KMS keys the found secrets are encrypted with (granted `kms:Decrypt` with
   * `kms:ViaService`).
   * @default - none (secrets use the AWS managed key)
   */
  readonly findEncryptionKeys?: kms.IKey[];
  /**
   * For a write: the remote secret is deleted when the PushSecret goes (`deletionPolicy: Delete`).
   * @default false
   */
  readonly deleteOnRemoval?: boolean;
  /** The construct path of the ExternalSecret, ClusterExternalSecret or PushSecret. */
  readonly consumer: string;
  /** The kind of the consumer: `ExternalSecret`, `ClusterExternalSecret` or `PushSecret`. */
  readonly consumerKind: string;
  /** The consumer's name (`metadata.name`). */
  readonly consumerName: string;
  /**
   * The consumer's namespace.
   * @default - cluster-scoped (a ClusterExternalSecret)
   */
  readonly consumerNamespace?: string;
  /** The name of the store the use goes through. */
  readonly storeName: string;
  /** `SecretStore` or `ClusterSecretStore`. */
  readonly storeKind: string;
}
