import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { REDACTED, validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { isUnresolved, requireConcrete } from '../core/validate';
import { concreteAccount, concretePartition, concreteRegion, partitionOfRegion } from '../identity/bridge';

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const JSON_KEY = /^[A-Za-z0-9_.-]{1,256}$/;
const COMPLETE_ARN = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)-([A-Za-z0-9]{6})$/;

/**
 * A Secrets Manager secret as the rest of the library needs it: concrete name, region and ARN (pattern), and
 * its customer-managed KMS key. Grants are least privilege: reading a value is `GetSecretValue` only.
 */
export interface ISecretsManagerEntry extends IConstruct {
  /** The secret's name (concrete). */
  readonly secretName: string;
  /** The region of the primary secret (concrete). */
  readonly region: string;
  /** The account that owns the secret (concrete). */
  readonly account: string;
  /** The partition (concrete). */
  readonly partition: string;
  /**
   * The ARN to grant on in the primary region: the complete ARN when known at synth, else
   * `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-??????` (the six random characters
   * Secrets Manager appends, matched exactly).
   */
  readonly secretArnPattern: string;
  /**
   * The customer-managed KMS key that encrypts the secret.
   * @default - the AWS managed key `aws/secretsmanager` (no KMS grant needed)
   */
  readonly encryptionKey?: kms.IKey;
  /** The regions the secret can be read in: the primary region and its replica regions. */
  readonly readableRegions: string[];
  /** The underlying aws-cdk-lib secret. */
  readonly secret: secretsmanager.ISecret;
  /**
   * The JSON keys the secret is known to hold (fixed and generated keys of a created entry).
   * Empty when unknown (imported entries).
   */
  readonly jsonKeys: string[];
  /**
   * The tags the secret is created with, when this program creates it.
   * @default - unknown (imported entries)
   */
  readonly tags?: { [key: string]: string };

  /**
   * The ARN (pattern) of the secret in one of its readable regions.
   * Throws when the secret is neither stored nor replicated in that region.
   */
  arnPatternIn(region: string): string;

  /**
   * Grants `secretsmanager:GetSecretValue` on this secret only (in the given region), and `kms:Decrypt` on its
   * customer-managed key under `kms:ViaService = secretsmanager.<region>.amazonaws.com`.
   * Unlike `secret.grantRead()`, it does not add `DescribeSecret`.
   */
  grantGetSecretValue(grantee: iam.IGrantable, region?: string): iam.Grant;

  /** Grants `secretsmanager:DescribeSecret` (metadata and tags) on this secret only. */
  grantDescribe(grantee: iam.IGrantable, region?: string): iam.Grant;

  /**
   * Grants writing new values (`PutSecretValue`, `UpdateSecret`, `TagResource`, `DescribeSecret`) on this
   * secret only, plus `kms:Encrypt`/`kms:GenerateDataKey` on its key under `kms:ViaService`.
   */
  grantWrite(grantee: iam.IGrantable, region?: string): iam.Grant;
}

/**
 * Options for importing an existing secret.
 */
export interface SecretsManagerEntryImportOptions {
  /**
   * The customer-managed KMS key that encrypts the secret.
   * @default - the AWS managed key (no KMS grants)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The secret's region.
   * @default - the stack's region (from the ARN when importing by ARN)
   */
  readonly region?: string;
  /**
   * The account that owns the secret.
   * @default - the stack's account (from the ARN when importing by ARN)
   */
  readonly account?: string;
  /**
   * Regions the secret is replicated to (readable there too).
   * @default - none
   */
  readonly replicaRegions?: string[];
}

/**
 * Options for generating a value (`GenerateSecretString`). The generated value never appears in the template.
 */
export interface GeneratedValueOptions {
  /**
   * Length of the generated value.
   * @default 32
   */
  readonly length?: number;
  /**
   * Characters never to include.
   * @default - none
   */
  readonly excludeCharacters?: string;
  /**
   * Leave out punctuation (safer for connection strings and shells).
   * @default false
   */
  readonly excludePunctuation?: boolean;
  /**
   * Include at least one character of each included type.
   * @default true
   */
  readonly requireEachIncludedType?: boolean;
}

/**
 * Props for `SecretsManagerEntry`.
 */
export interface SecretsManagerEntryProps {
  /**
   * The secret's name, such as `demo/aws-sm/ext-postgres-secret`. Deterministic, so the ARN can be written
   * into manifests and policies at synth.
   */
  readonly secretName: string;
  /**
   * A description.
   * @default - none
   */
  readonly description?: string;
  /**
   * JSON fields written as-is into the template (and so visible to anyone who can read the template),
   * such as `{ username: 'admin' }`. Only for values that are not secret.
   * @default - none
   */
  readonly unsafePlaintextFields?: { [key: string]: string };
  /**
   * The JSON key whose value Secrets Manager generates at deploy time, such as `password`.
   * With no plaintext fields and no generated key the whole secret is one generated string.
   * @default - `password` when `unsafePlaintextFields` is given, else no JSON (a generated string)
   */
  readonly generateKey?: string;
  /**
   * How the value is generated.
   * @default - 32 characters, all types
   */
  readonly generation?: GeneratedValueOptions;
  /**
   * A customer-managed KMS key. Readers then also need `kms:Decrypt` (granted with `kms:ViaService`).
   * @default - the AWS managed key `aws/secretsmanager`
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Regions to replicate the secret to (each with an optional key in that region).
   * @default - none
   */
  readonly replicaRegions?: secretsmanager.ReplicaRegion[];
  /**
   * Tags on the secret.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
  /**
   * What happens to the secret when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Rotate the secret (a rotation Lambda or a hosted rotation). ESO picks up the new value at its next
   * refresh; consumers restart through Reloader.
   * @default - no rotation
   */
  readonly rotation?: secretsmanager.RotationScheduleOptions;
}

abstract class EntryBase extends Construct implements ISecretsManagerEntry {
  /** The secret's name (concrete). */
  public abstract readonly secretName: string;
  /** The region of the primary secret (concrete). */
  public abstract readonly region: string;
  /** The account that owns the secret (concrete). */
  public abstract readonly account: string;
  /** The partition (concrete). */
  public abstract readonly partition: string;
  /** The customer-managed KMS key, if any. */
  public abstract readonly encryptionKey?: kms.IKey;
  /** The underlying aws-cdk-lib secret. */
  public abstract readonly secret: secretsmanager.ISecret;
  /** The JSON keys the secret is known to hold (empty when unknown). */
  public abstract readonly jsonKeys: string[];
  /**
   * The tags the secret is created with, when this program creates it.
   * @default - unknown (imported entries)
   */
  public abstract readonly tags?: { [key: string]: string };
  /** @internal */
  protected abstract readonly _replicaKeys: Map<string, kms.IKey | undefined>;
  /** @internal */
  protected abstract readonly _completeArn?: string;

  /** The ARN (pattern) to grant on in the primary region. */
  public get secretArnPattern(): string {
    return this.arnPatternIn(this.region);
  }

  /** The regions the secret can be read in. */
  public get readableRegions(): string[] {
    return [this.region, ...[...this._replicaKeys.keys()].filter((r) => r !== this.region).sort()];
  }

  /** The ARN (pattern) of the secret in one of its readable regions. */
  public arnPatternIn(region: string): string {
    if (region !== this.region && !this._replicaKeys.has(region)) {
      throw validationError(this, {
        code: 'CS-AWS-001',
        prop: 'region',
        value: region,
        problem: `is not a region where secret "${this.secretName}" is stored or replicated (${this.readableRegions.join(', ')})`,
        fix: `point the store at region ${this.region}, or add ${region} to the secret's replicaRegions`,
      });
    }
    if (this._completeArn !== undefined) {
      const m = COMPLETE_ARN.exec(this._completeArn)!;
      return `arn:${m[1]}:secretsmanager:${region}:${m[3]}:secret:${m[4]}-${m[5]}`;
    }
    return `arn:${this.partition}:secretsmanager:${region}:${this.account}:secret:${this.secretName}-??????`;
  }

  /** Grants `GetSecretValue` on this secret only, and `kms:Decrypt` (with `kms:ViaService`) on its CMK. */
  public grantGetSecretValue(grantee: iam.IGrantable, region?: string): iam.Grant {
    const r = region ?? this.region;
    const grant = lazy.iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [this.arnPatternIn(r)],
    });
    this.grantKey(grantee, r, ['kms:Decrypt']);
    return grant;
  }

  /** Grants `DescribeSecret` on this secret only. */
  public grantDescribe(grantee: iam.IGrantable, region?: string): iam.Grant {
    return lazy.iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:DescribeSecret'],
      resourceArns: [this.arnPatternIn(region ?? this.region)],
    });
  }

  /** Grants writing new values on this secret only, and KMS encrypt (with `kms:ViaService`) on its CMK. */
  public grantWrite(grantee: iam.IGrantable, region?: string): iam.Grant {
    const r = region ?? this.region;
    const grant = lazy.iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:TagResource', 'secretsmanager:UpdateSecret'],
      resourceArns: [this.arnPatternIn(r)],
    });
    this.grantKey(grantee, r, ['kms:Encrypt', 'kms:GenerateDataKey*']);
    return grant;
  }

  private grantKey(grantee: iam.IGrantable, region: string, actions: string[]): void {
    const key = region === this.region ? this.encryptionKey : this._replicaKeys.get(region);
    if (!key) return;
    lazy.iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
    });
  }
}

/**
 * A Secrets Manager secret with a deterministic name, JSON fields (fixed and generated), an optional
 * customer-managed KMS key, replica regions and tags, built on `secretsmanager.Secret`.
 *
 * @example
 * new SecretsManagerEntry(stack, 'Db', {
 *   secretName: 'demo/aws-sm/ext-postgres-secret',
 *   unsafePlaintextFields: { username: 'admin' }, // not secret: visible in the template
 *   generateKey: 'password',                       // generated at deploy time, never in the template
 * });
 */
export class SecretsManagerEntry extends EntryBase {
  /** Imports an existing secret by name (granted on `...:secret:<name>-??????`). */
  public static fromSecretName(scope: Construct, id: string, secretName: string,
    options: SecretsManagerEntryImportOptions = {}): ISecretsManagerEntry {
    return new ImportedEntry(scope, id, secretName, undefined, options);
  }

  /**
   * Imports an existing secret by its complete ARN (with the six-character suffix), granted on exactly that ARN.
   */
  public static fromSecretCompleteArn(scope: Construct, id: string, secretCompleteArn: string,
    options: SecretsManagerEntryImportOptions = {}): ISecretsManagerEntry {
    return new ImportedEntry(scope, id, undefined, secretCompleteArn, options);
  }

  /** The secret's name (concrete). */
  public readonly secretName: string;
  /** The region of the primary secret (concrete). */
  public readonly region: string;
  /** The account that owns the secret (concrete). */
  public readonly account: string;
  /** The partition (concrete). */
  public readonly partition: string;
  /** The customer-managed KMS key, if any. */
  public readonly encryptionKey?: kms.IKey;
  /** The underlying secret (as an `ISecret`). */
  public readonly secret: secretsmanager.ISecret;
  /** The created `secretsmanager.Secret` (for its full L2 API). */
  public readonly secretResource: secretsmanager.Secret;
  /** The JSON keys the secret is known to hold (empty when unknown). */
  public readonly jsonKeys: string[];
  /**
   * The tags the secret is created with (empty when none).
   * @default - no tags
   */
  public readonly tags?: { [key: string]: string };
  /** @internal */
  protected readonly _replicaKeys: Map<string, kms.IKey | undefined>;
  /** @internal */
  protected readonly _completeArn?: string = undefined;

  public constructor(scope: Construct, id: string, props: SecretsManagerEntryProps) {
    super(scope, id);
    this.secretName = checkSecretName(this, props.secretName);
    this.region = concreteRegion(this);
    this.account = concreteAccount(this);
    this.partition = concretePartition(this);
    this.encryptionKey = props.encryptionKey;

    const fixed = props.unsafePlaintextFields ?? {};
    const fixedKeys = Object.keys(fixed).sort();
    for (const k of fixedKeys) checkJsonKey(this, `unsafePlaintextFields.${k}`, k);
    const generateKey = props.generateKey ?? (fixedKeys.length > 0 ? 'password' : undefined);
    if (generateKey !== undefined) {
      checkJsonKey(this, 'generateKey', generateKey);
      if (generateKey in fixed) {
        throw validationError(this, {
          code: 'CS-AWS-002',
          prop: 'generateKey',
          value: generateKey,
          problem: 'is also a key of unsafePlaintextFields',
          fix: 'use a different key for the generated value, or remove it from unsafePlaintextFields',
        });
      }
    }
    const gen = props.generation ?? {};
    if (gen.length !== undefined && (!Number.isInteger(gen.length) || gen.length < 1 || gen.length > 4096)) {
      throw validationError(this, {
        code: 'CS-AWS-003',
        prop: 'generation.length',
        value: gen.length,
        problem: 'must be an integer from 1 to 4096',
        fix: 'use a length such as 32',
      });
    }
    for (const k of fixedKeys) {
      if (isUnresolved(fixed[k])) {
        throw validationError(this, {
          code: 'CS-AWS-004',
          prop: `unsafePlaintextFields.${k}`,
          value: REDACTED,
          problem: 'is an unresolved token; plaintext fields must be literal strings',
          fix: 'pass a literal value, or leave the field out and fill it after deploy',
        });
      }
    }
    for (const k of fixedKeys) {
      if (typeof fixed[k] !== 'string' || fixed[k].length === 0) {
        throw validationError(this, {
          code: 'CS-AWS-005',
          prop: `unsafePlaintextFields.${k}`,
          value: REDACTED,
          problem: typeof fixed[k] !== 'string' ? 'must be a string' : 'is empty: the secret would hold an empty value, which no consumer can use',
          fix: 'pass the value, or leave the field out (use generateKey for a generated value)',
        });
      }
    }
    const sortedFixed: { [k: string]: string } = {};
    for (const k of fixedKeys) sortedFixed[k] = fixed[k];

    const generateSecretString: secretsmanager.SecretStringGenerator = {
      passwordLength: gen.length ?? 32,
      excludeCharacters: gen.excludeCharacters,
      excludePunctuation: gen.excludePunctuation,
      requireEachIncludedType: gen.requireEachIncludedType ?? true,
      ...(generateKey !== undefined ? { secretStringTemplate: JSON.stringify(sortedFixed), generateStringKey: generateKey } : {}),
    };
    this.jsonKeys = generateKey !== undefined ? [...fixedKeys, generateKey].sort() : [];

    this._replicaKeys = new Map();
    for (const r of props.replicaRegions ?? []) {
      requireConcrete(this, 'replicaRegions[].region', r.region, 'pass the replica region as a literal string');
      if (r.region === this.region || this._replicaKeys.has(r.region)) {
        throw validationError(this, {
          code: 'CS-AWS-006',
          prop: 'replicaRegions',
          value: r.region,
          problem: 'lists a region twice (or the primary region)',
          fix: 'list each replica region once, without the stack\'s own region',
        });
      }
      this._replicaKeys.set(r.region, r.encryptionKey);
    }

    this.secretResource = new lazy.secretsmanager.Secret(this, 'Resource', {
      secretName: this.secretName,
      description: props.description,
      encryptionKey: props.encryptionKey,
      generateSecretString,
      replicaRegions: props.replicaRegions ? [...props.replicaRegions].sort((a, b) => a.region.localeCompare(b.region)) : undefined,
      removalPolicy: props.removalPolicy ?? lazy.cdk.RemovalPolicy.RETAIN,
    });
    this.secret = this.secretResource;
    if (props.rotation) {
      if (!props.rotation.rotationLambda && !props.rotation.hostedRotation) {
        throw validationError(this, {
          code: 'CS-AWS-007',
          prop: 'rotation',
          problem: 'has neither rotationLambda nor hostedRotation',
          fix: 'pass a `rotationLambda`, or a `hostedRotation` such as `HostedRotation.postgreSqlSingleUser()` of aws-secretsmanager',
        });
      }
      this.secretResource.addRotationSchedule('Rotation', props.rotation);
    }
    const tags: { [key: string]: string } = {};
    for (const [k, v] of Object.entries(props.tags ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      lazy.cdk.Tags.of(this.secretResource).add(k, v);
      tags[k] = v;
    }
    this.tags = tags;
  }
}

class ImportedEntry extends EntryBase {
  /** The secret's name (concrete). */
  public readonly secretName: string;
  /** The region of the primary secret (concrete). */
  public readonly region: string;
  /** The account that owns the secret (concrete). */
  public readonly account: string;
  /** The partition (concrete). */
  public readonly partition: string;
  /** The customer-managed KMS key, if any. */
  public readonly encryptionKey?: kms.IKey;
  /** The underlying aws-cdk-lib secret. */
  public readonly secret: secretsmanager.ISecret;
  /** The JSON keys the secret is known to hold (empty when unknown). */
  public readonly jsonKeys: string[] = [];
  /**
   * Unknown for an imported secret.
   * @default - unknown
   */
  public readonly tags?: { [key: string]: string } = undefined;
  /** @internal */
  protected readonly _replicaKeys: Map<string, kms.IKey | undefined>;
  /** @internal */
  protected readonly _completeArn?: string;

  public constructor(scope: Construct, id: string, name: string | undefined, arn: string | undefined, options: SecretsManagerEntryImportOptions) {
    super(scope, id);
    this.encryptionKey = options.encryptionKey;
    if (arn !== undefined) {
      requireConcrete(this, 'secretCompleteArn', arn, 'pass the ARN as a literal string, or import by name');
      const m = COMPLETE_ARN.exec(arn);
      if (!m) {
        throw validationError(this, {
          code: 'CS-AWS-008',
          prop: 'secretCompleteArn',
          value: arn,
          problem: 'is not a complete Secrets Manager secret ARN (ending in "-" and the six random characters)',
          fix: 'copy the ARN from the console or `aws secretsmanager describe-secret`, or use `SecretsManagerEntry.fromSecretName`',
        });
      }
      this.partition = m[1];
      this.region = m[2];
      this.account = m[3];
      this.secretName = m[4];
      this._completeArn = arn;
    } else {
      this.secretName = checkSecretName(this, name!);
      this.region = options.region ?? concreteRegion(this);
      this.account = options.account ?? concreteAccount(this);
      requireConcrete(this, 'region', this.region, 'pass the region as a literal string');
      requireConcrete(this, 'account', this.account, 'pass the account as a literal string');
      this.partition = options.region ? partitionOfRegion(options.region) : concretePartition(this);
    }
    this._replicaKeys = new Map((options.replicaRegions ?? []).map((r) => [r, undefined]));
    this.secret = lazy.secretsmanager.Secret.fromSecretAttributes(this, 'Resource', {
      ...(this._completeArn ? { secretCompleteArn: this._completeArn } : { secretPartialArn: `arn:${this.partition}:secretsmanager:${this.region}:${this.account}:secret:${this.secretName}` }),
      encryptionKey: options.encryptionKey,
    });
  }
}

function checkSecretName(scope: IConstruct, name: string): string {
  requireConcrete(scope, 'secretName', name, 'give the secret a literal name so its ARN can be computed at synth');
  if (!SECRET_NAME.test(name)) {
    throw validationError(scope, {
      code: 'CS-AWS-009',
      prop: 'secretName',
      value: name,
      problem: 'is not a valid Secrets Manager name (1-512 characters: letters, digits and /_+=.@-)',
      fix: 'use a name such as "team/app/database"',
    });
  }
  if (/-[A-Za-z0-9]{6}$/.test(name)) {
    // Grants use `<name>-??????`, which still matches exactly; only partial-ARN lookups by other tools are ambiguous.
    lazy.cdk.Annotations.of(scope).addWarningV2('cdk8s-secrets:secretNameLooksLikeArnSuffix',
      `secretName "${name}" ends with "-" and six characters, like the random suffix of a Secrets Manager ARN; tools that look secrets up by partial ARN may pick the wrong secret. Prefer another ending.`);
  }
  return name;
}

function checkJsonKey(scope: IConstruct, prop: string, key: string): void {
  if (!JSON_KEY.test(key)) {
    throw validationError(scope, {
      code: 'CS-AWS-010',
      prop,
      value: key,
      problem: 'is not a usable JSON key (letters, digits, \'_\', \'-\' and \'.\')',
      fix: 'rename the key, for example "db_password"',
    });
  }
}
