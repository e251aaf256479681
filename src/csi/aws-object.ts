import { ISecretsManagerEntry } from '../aws/secrets-manager-entry';

/**
 * One key of a JSON-valued object, mounted as its own file (`jmesPath` of the AWS provider).
 */
export interface JmesPathEntry {
  /** The JMESPath expression into the JSON value, for example `username`. */
  readonly path: string;
  /** The file name the extracted value is mounted as (and the name `secretObjects` refer to). */
  readonly objectAlias: string;
}

/** Options shared by every AWS provider object. */
export interface AwsCsiObjectCommonOptions {
  /**
   * The file name the object is mounted as.
   * @default - the object name, with "/" replaced by the class's path translation character ("_")
   */
  readonly objectAlias?: string;
  /**
   * Mount these keys of the JSON value as separate files.
   * @default - no extraction
   */
  readonly jmesPath?: JmesPathEntry[];
  /**
   * The ARN of the customer-managed KMS key the value is encrypted with. The pod's identity is then
   * granted `kms:Decrypt` on it, only through the owning service (`kms:ViaService`).
   * @default - an AWS managed key (no KMS grant needed)
   */
  readonly encryptionKeyArn?: string;
}

/**
 * Options for `AwsCsiObject.secretsManager`. Give exactly one of `secretName` or `secretArn`.
 */
export interface AwsCsiSecretsManagerOptions extends AwsCsiObjectCommonOptions {
  /**
   * The secret's name, for example `prod/myapp/database`.
   * @default - use secretArn
   */
  readonly secretName?: string;
  /**
   * The secret's complete ARN (with its 6-character suffix). `objectAlias` is then required, because an
   * ARN is not a usable file name.
   * @default - use secretName
   */
  readonly secretArn?: string;
  /**
   * The version id to mount (`objectVersion`).
   * @default - the current version
   */
  readonly versionId?: string;
  /**
   * The version stage to mount (`objectVersionLabel`).
   * @default - AWSCURRENT
   */
  readonly versionStage?: string;
}

/**
 * Options for `AwsCsiObject.parameterStore`.
 */
export interface AwsCsiParameterOptions extends AwsCsiObjectCommonOptions {
  /** The parameter's name, for example `/prod/myapp/api-key`. */
  readonly parameterName: string;
  /**
   * The parameter version to mount (`objectVersion`).
   * @default - the latest version
   */
  readonly version?: string;
  /**
   * The parameter label to mount (`objectVersionLabel`).
   * @default - no label
   */
  readonly versionLabel?: string;
}

/**
 * Options for `AwsCsiObject.fromEntry`.
 */
export interface AwsCsiEntryOptions {
  /**
   * The file name the object is mounted as.
   * @default - the secret name, with "/" replaced by the class's path translation character ("_")
   */
  readonly objectAlias?: string;
  /**
   * Mount these keys of the JSON value as separate files. Plain key paths are checked against the entry's
   * known JSON keys.
   * @default - no extraction
   */
  readonly jmesPath?: JmesPathEntry[];
  /**
   * The version stage to mount (`objectVersionLabel`).
   * @default - AWSCURRENT
   */
  readonly versionStage?: string;
}

/** The AWS provider's object types. */
export enum AwsCsiObjectType {
  /** AWS Secrets Manager (`secretsmanager`). */
  SECRETS_MANAGER = 'secretsmanager',
  /** AWS Systems Manager Parameter Store (`ssmparameter`). */
  PARAMETER_STORE = 'ssmparameter',
}

/**
 * One object a SecretProviderClass of the AWS provider mounts: a Secrets Manager secret or a Parameter
 * Store parameter.
 */
export class AwsCsiObject {
  /** A Secrets Manager secret. The pod's identity needs `GetSecretValue` and `DescribeSecret` on it. */
  public static secretsManager(options: AwsCsiSecretsManagerOptions): AwsCsiObject {
    return new AwsCsiObject(AwsCsiObjectType.SECRETS_MANAGER, options, options.secretName, options.secretArn,
      options.versionId, options.versionStage);
  }

  /**
   * A Secrets Manager entry of this library (created or imported in the CDK app): its concrete name,
   * region, ARN pattern and customer-managed key come from the entry.
   */
  public static fromEntry(entry: ISecretsManagerEntry, options: AwsCsiEntryOptions = {}): AwsCsiObject {
    return new AwsCsiObject(AwsCsiObjectType.SECRETS_MANAGER, { objectAlias: options.objectAlias, jmesPath: options.jmesPath },
      entry.secretName, undefined, undefined, options.versionStage, entry);
  }

  /** A Parameter Store parameter. The pod's identity needs `ssm:GetParameters` on it. */
  public static parameterStore(options: AwsCsiParameterOptions): AwsCsiObject {
    return new AwsCsiObject(AwsCsiObjectType.PARAMETER_STORE, options, options.parameterName, undefined, options.version, options.versionLabel);
  }

  /** The object type. */
  public readonly objectType: AwsCsiObjectType;

  private constructor(
    objectType: AwsCsiObjectType,
    /** @internal */ public readonly _common: AwsCsiObjectCommonOptions,
    /** @internal */ public readonly _name: string | undefined,
    /** @internal */ public readonly _arn: string | undefined,
    /** @internal */ public readonly _version: string | undefined,
    /** @internal */ public readonly _versionLabel: string | undefined,
    /** @internal */ public readonly _entry?: ISecretsManagerEntry,
  ) {
    this.objectType = objectType;
  }
}
