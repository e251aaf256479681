// The options of ExternalSecret and ClusterExternalSecret: policies, remote references, dataFrom and the target template.
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Duration } from 'cdk8s';
import { ISecretStore } from './store';
import { ISecretsManagerEntry } from '../aws/secrets-manager-entry';

/** Who owns the target Secret (`target.creationPolicy`). */
export enum CreationPolicy {
  /** ESO creates the Secret and owns it (garbage-collected with the ExternalSecret). The API default. */
  OWNER = 'Owner',
  /** ESO creates the Secret but does not own it. */
  ORPHAN = 'Orphan',
  /** ESO merges into an existing Secret and never creates it. */
  MERGE = 'Merge',
  /** ESO creates the Secret if missing, else merges into it. */
  CREATE_OR_MERGE = 'CreateOrMerge',
  /** ESO neither creates nor updates the Secret. */
  NONE = 'None',
}

/** What happens to the target Secret when the remote secret disappears (`target.deletionPolicy`). */
export enum DeletionPolicy {
  /** Keep the Secret as it is. The API default. */
  RETAIN = 'Retain',
  /** Delete the Secret. */
  DELETE = 'Delete',
  /** Remove only the keys ESO manages. */
  MERGE = 'Merge',
}

/** When ESO refreshes (`refreshPolicy`). */
export enum RefreshPolicy {
  /** Every `refreshInterval`. */
  PERIODIC = 'Periodic',
  /** Once, when the Secret is created. */
  CREATED_ONCE = 'CreatedOnce',
  /** When the ExternalSecret changes. */
  ON_CHANGE = 'OnChange',
}

/** Whether the remote secret's value or its metadata (tags, labels) is read (`metadataPolicy`). */
export enum MetadataPolicy {
  /** The value. The default. */
  NONE = 'None',
  /**
   * The metadata instead of the value (AWS: the tags as JSON, read with `secretsmanager:DescribeSecret` or
   * `ssm:ListTagsForResource`, which are then granted instead of the value reads).
   */
  FETCH = 'Fetch',
}

/** How remote values are converted (`conversionStrategy`). */
export enum ConversionStrategy {
  /** No conversion. The default. */
  DEFAULT = 'Default',
  /** Unicode-escape conversion. */
  UNICODE = 'Unicode',
}

/** How remote values are decoded (`decodingStrategy`). */
export enum DecodingStrategy {
  /** No decoding. The default. */
  NONE = 'None',
  /** Decode base64 or base64url when the value is encoded. */
  AUTO = 'Auto',
  /** Standard base64. */
  BASE64 = 'Base64',
  /** URL-safe base64. */
  BASE64_URL = 'Base64URL',
}

/** How a template combines with the fetched data (`target.template.mergePolicy`). */
export enum TemplateMergePolicy {
  /** Only the templated keys. The default. */
  REPLACE = 'Replace',
  /** The templated keys merged with the fetched data. */
  MERGE = 'Merge',
}

/** Options of a remote reference. */
export interface RemoteRefOptions {
  /**
   * The JSON key (property) to read from the remote secret.
   * @default - the whole value
   */
  readonly property?: string;
  /**
   * The remote version (AWS: a version stage such as `AWSCURRENT`, or `uuid/<id>`).
   * @default - the current version
   */
  readonly version?: string;
  /**
   * Whether to fetch metadata too.
   * @default MetadataPolicy.NONE
   */
  readonly metadataPolicy?: MetadataPolicy;
  /**
   * Value conversion.
   * @default ConversionStrategy.DEFAULT
   */
  readonly conversionStrategy?: ConversionStrategy;
  /**
   * Value decoding.
   * @default DecodingStrategy.NONE
   */
  readonly decodingStrategy?: DecodingStrategy;
}

/** One key of the target Secret, read from one remote secret (`data[]`). */
export interface ExternalSecretData extends RemoteRefOptions {
  /** The key in the Kubernetes Secret. */
  readonly secretKey: string;
  /**
   * The remote key (secret name or ARN, parameter name, or Vault path).
   * @default - the name of `secretsManagerEntry`
   */
  readonly remoteKey?: string;
  /**
   * The Secrets Manager entry read (gives exact ARNs and its KMS key to the derived permissions).
   * @default - only `remoteKey` is known
   */
  readonly secretsManagerEntry?: ISecretsManagerEntry;
}

/** Options for `DataFrom.extract`. */
export interface ExtractOptions extends RemoteRefOptions {
  /**
   * The remote key whose JSON is extracted into the Secret's keys.
   * @default - the name of `secretsManagerEntry`
   */
  readonly remoteKey?: string;
  /**
   * The Secrets Manager entry extracted.
   * @default - only `remoteKey` is known
   */
  readonly secretsManagerEntry?: ISecretsManagerEntry;
  /**
   * Rewrites of the extracted keys.
   * @default - none
   */
  readonly rewrite?: Rewrite[];
}

/** Options for `DataFrom.find`. */
export interface FindOptions {
  /**
   * Only secrets whose name starts with this path. Also scopes the derived `GetSecretValue` (`<path>*`).
   * The AWS providers need `nameRegexp` or `tags` besides the path.
   * @default - no path
   */
  readonly path?: string;
  /**
   * Only secrets whose name matches this regular expression.
   * @default - any name
   */
  readonly nameRegexp?: string;
  /**
   * Only secrets with these tags.
   * @default - any tags
   */
  readonly tags?: { [key: string]: string };
  /**
   * Name patterns (with `*`) that every found secret matches, used to scope the derived `GetSecretValue`
   * when there is no path.
   * @default - the path as a prefix
   */
  readonly readScope?: string[];
  /**
   * Grant `GetSecretValue` on every secret (`Resource: "*"`), for finds by name or tags whose matches
   * cannot be scoped.
   * @default false
   */
  readonly allowReadAnySecret?: boolean;
  /**
   * Customer-managed KMS keys the found secrets are encrypted with: the store's identity gets `kms:Decrypt`
   * on them with `kms:ViaService = secretsmanager.<region>.amazonaws.com`.
   * @default - none (the secrets use the AWS managed key)
   */
  readonly encryptionKeys?: kms.IKey[];
  /**
   * Value conversion.
   * @default ConversionStrategy.DEFAULT
   */
  readonly conversionStrategy?: ConversionStrategy;
  /**
   * Value decoding.
   * @default DecodingStrategy.NONE
   */
  readonly decodingStrategy?: DecodingStrategy;
  /**
   * Rewrites of the found keys.
   * @default - none
   */
  readonly rewrite?: Rewrite[];
}

/** A rewrite of keys fetched by `dataFrom` (`rewrite[]`). */
export class Rewrite {
  /** Replaces `source` (a regular expression) with `target` in every key. */
  public static regexp(source: string, target: string): Rewrite {
    return new Rewrite({ regexp: { source, target } });
  }

  /** Renders every key through a Go template (`{{ .value }}` is the key). */
  public static transform(template: string): Rewrite {
    return new Rewrite({ transform: { template } });
  }

  private constructor(/** @internal */ public readonly _spec: any) {}
}

/** A `dataFrom[]` entry: many keys from one remote secret (extract) or from many (find). */
export class DataFrom {
  /** Every JSON key of one remote secret becomes a key of the Secret. */
  public static extract(options: ExtractOptions): DataFrom {
    return new DataFrom(options, undefined);
  }

  /** Every remote secret matching a path, name or tags becomes a key of the Secret. */
  public static find(options: FindOptions): DataFrom {
    return new DataFrom(undefined, options);
  }

  private constructor(
    /** @internal */ public readonly _extract: ExtractOptions | undefined,
    /** @internal */ public readonly _find: FindOptions | undefined,
  ) {}
}

/** The shape of the target Secret (`target.template`). */
export interface TargetTemplate {
  /**
   * The Secret's type, such as `kubernetes.io/dockerconfigjson`.
   * @default 'Opaque'
   */
  readonly type?: string;
  /**
   * Templated keys (Go templates over the fetched keys, such as `postgres://{{ .username }}:{{ .password }}@db`).
   * @default - the fetched keys as they are
   */
  readonly data?: { [key: string]: string };
  /**
   * Labels on the Secret.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations on the Secret.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * How templated keys combine with fetched keys.
   * @default TemplateMergePolicy.REPLACE
   */
  readonly mergePolicy?: TemplateMergePolicy;
}

/** What an ExternalSecret syncs; shared by `ExternalSecret` and `ClusterExternalSecret`. */
export interface ExternalSecretOptions {
  /** The store to read through. */
  readonly store: ISecretStore;
  /**
   * The target Secret's name.
   * @default - the ExternalSecret's name
   */
  readonly targetName?: string;
  /**
   * Keys read one by one.
   * @default - none (then `dataFrom` is required)
   */
  readonly data?: ExternalSecretData[];
  /**
   * Keys read in bulk.
   * @default - none
   */
  readonly dataFrom?: DataFrom[];
  /**
   * How often ESO re-reads the remote secret; zero disables refresh.
   * @default - one hour (`1h0m0s`, ESO's default)
   */
  readonly refreshInterval?: Duration;
  /**
   * When ESO refreshes.
   * @default - ESO's behaviour (periodic), field not written
   */
  readonly refreshPolicy?: RefreshPolicy;
  /**
   * Who owns the Secret.
   * @default CreationPolicy.OWNER
   */
  readonly creationPolicy?: CreationPolicy;
  /**
   * What happens to the Secret when the remote secret is deleted.
   * @default DeletionPolicy.RETAIN
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * A template for the Secret.
   * @default - an Opaque Secret with the fetched keys
   */
  readonly template?: TargetTemplate;
  /**
   * Make the Secret immutable.
   * @default false
   */
  readonly immutable?: boolean;
}
