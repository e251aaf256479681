import type { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';

/**
 * Props for `EksSecretsEncryptionKey`.
 */
export interface EksSecretsEncryptionKeyProps {
  /**
   * The EKS cluster's IAM role, which encrypts and decrypts data keys with this key
   * (`kms:Encrypt`, `kms:Decrypt`, `kms:DescribeKey`, `kms:ListGrants`).
   * @default - no key policy statement for a cluster role (EKS uses the grant it creates at cluster creation)
   */
  readonly clusterRole?: iam.IRole;
  /**
   * Principals that create or update the cluster's encryption config; they need `kms:DescribeKey`, and
   * `kms:CreateGrant` for AWS resources only (`kms:GrantIsForAWSResource`).
   * @default - the account, through IAM policies (`AccountRootPrincipal`)
   */
  readonly clusterCreators?: iam.IPrincipal[];
  /**
   * Principals that administer the key (describe, tag, alias, rotate, schedule deletion, change the policy), with
   * no cryptographic use. They must include the principal that deploys the stack (CloudFormation's role): KMS
   * refuses a key policy that would not let its creator change it later.
   * @default - the account, through IAM policies (`AccountRootPrincipal`)
   */
  readonly admins?: iam.IPrincipal[];
  /**
   * An alias for the key, such as `alias/eks/prod-secrets`.
   * @default - no alias
   */
  readonly alias?: string;
  /**
   * The key's description.
   * @default 'Envelope encryption of Kubernetes Secrets (EKS encryptionConfig)'
   */
  readonly description?: string;
  /**
   * What happens to the key when the stack deletes it. Every Secret encrypted with it is lost with it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The waiting period before a scheduled deletion.
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;
  /**
   * Export the key ARN under this name (a `CfnOutput` is always written).
   * @default - the output is not exported
   */
  readonly exportName?: string;
}

/** Key administration without cryptographic use (no Encrypt/Decrypt/GenerateDataKey/CreateGrant). */
const ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  // Aliases need the permission on the key itself (the key policy), not only on the alias.
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * A customer-managed KMS key for EKS envelope encryption of Kubernetes Secrets, with automatic rotation and
 * a least-privilege key policy: administrators manage the key without using it; cluster creators may only
 * describe it and create grants for AWS resources; the cluster role (when given) uses it. Nothing is granted
 * `kms:*`, and no IAM policy alone can give a principal more (the policy does not delegate to IAM).
 *
 * Use `encryptionConfig` in `CfnCluster.encryptionConfig`, or `key` as the aws-eks `Cluster`'s
 * `secretsEncryptionKey`.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
 */
export class EksSecretsEncryptionKey extends Construct {
  /** The KMS key. */
  public readonly key: kms.Key;
  /** The key's ARN. */
  public readonly keyArn: string;
  /** The cluster's `encryptionConfig` entry: this key for `secrets`. */
  public readonly encryptionConfig: eks.CfnCluster.EncryptionConfigProperty;
  /** The stack output holding the key ARN. */
  public readonly output: CfnOutput;

  public constructor(scope: Construct, id: string, props: EksSecretsEncryptionKeyProps = {}) {
    super(scope, id);
    if (props.alias !== undefined && !/^alias\/[A-Za-z0-9/_-]{1,250}$/.test(props.alias) || props.alias?.startsWith('alias/aws/')) {
      throw validationError(this, { code: 'CS-ENC-001', prop: 'alias', value: props.alias, problem: 'is not a valid customer alias', fix: 'use a name such as "alias/eks/prod-secrets" (not under alias/aws/)' });
    }
    const days = props.pendingWindow?.toDays();
    if (days !== undefined && (days < 7 || days > 30)) {
      throw validationError(this, { code: 'CS-ENC-002', prop: 'pendingWindow', value: `${days} days`, problem: 'must be 7 to 30 days', fix: 'use `Duration.days(30)`' });
    }
    const account = new lazy.iam.AccountRootPrincipal();
    const admins = props.admins ?? [account];
    const creators = props.clusterCreators ?? [account];
    if (admins.length === 0) {
      throw validationError(this, { code: 'CS-ENC-003', prop: 'admins', value: [], problem: 'is empty, so nobody could manage or delete the key', fix: 'list at least one administrator, or leave admins out' });
    }
    if (creators.length === 0) {
      throw validationError(this, {
        code: 'CS-ENC-004',
        prop: 'clusterCreators',
        value: [],
        problem: 'is empty: a key policy statement needs a principal, and nobody could enable the key on a cluster',
        fix: 'list the principals that create or update the cluster, or leave clusterCreators out',
      });
    }
    const region = lazy.cdk.Stack.of(this).region;
    const policy = new lazy.iam.PolicyDocument({
      statements: [
        new lazy.iam.PolicyStatement({ sid: 'KeyAdministration', principals: admins, actions: ADMIN_ACTIONS, resources: ['*'] }),
        new lazy.iam.PolicyStatement({ sid: 'ClusterCreatorsDescribe', principals: creators, actions: ['kms:DescribeKey'], resources: ['*'] }),
        new lazy.iam.PolicyStatement({
          sid: 'ClusterCreatorsGrantForEks',
          principals: creators,
          actions: ['kms:CreateGrant'],
          resources: ['*'],
          conditions: {
            Bool: { 'kms:GrantIsForAWSResource': 'true' },
            StringEquals: { 'kms:ViaService': `eks.${region}.amazonaws.com` },
          },
        }),
      ],
    });
    if (props.clusterRole !== undefined) {
      policy.addStatements(new lazy.iam.PolicyStatement({
        sid: 'ClusterRoleEnvelopeEncryption',
        principals: [props.clusterRole],
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ListGrants'],
        resources: ['*'],
      }));
    }
    this.key = new lazy.kms.Key(this, 'Key', {
      description: props.description ?? 'Envelope encryption of Kubernetes Secrets (EKS encryptionConfig)',
      enableKeyRotation: true,
      keySpec: lazy.kms.KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: lazy.kms.KeyUsage.ENCRYPT_DECRYPT,
      policy,
      removalPolicy: props.removalPolicy ?? lazy.cdk.RemovalPolicy.RETAIN,
      pendingWindow: lazy.cdk.Duration.days(props.pendingWindow?.toDays() ?? 30),
      alias: props.alias,
    });
    this.keyArn = this.key.keyArn;
    this.encryptionConfig = { provider: { keyArn: this.key.keyArn }, resources: ['secrets'] };
    this.output = new lazy.cdk.CfnOutput(this, 'KeyArn', {
      value: this.key.keyArn,
      description: 'KMS key ARN for the EKS cluster encryptionConfig (secrets)',
      exportName: props.exportName,
    });
  }
}
