import type * as iam from 'aws-cdk-lib/aws-iam';
import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterTarget } from '../app/cluster-target';
import { SecretsAppAccess } from '../app/registry';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { fitName, partitionOfRegion } from '../identity/bridge';
import { IWorkloadIdentity } from '../identity/workload-identity';

/**
 * Options for `StoreRole.create`.
 */
export interface StoreRoleOptions {
  /**
   * The IAM role name. Deterministic, so its ARN can be written into the store at synth.
   * @default - `<stack name>-<store namespace, or "cluster">-<store name>-store`, shortened with a hash to 64 characters
   */
  readonly roleName?: string;
  /**
   * A description for the role.
   * @default - names the store and the identity that assumes it
   */
  readonly description?: string;
  /**
   * The maximum session duration of the role (1 to 12 hours).
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * A permissions boundary for the role.
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
}

/**
 * The role an AWS store assumes after it authenticates (`provider.aws.role`), created by this library.
 *
 * The role's trust admits exactly the identity the store authenticates as (the controller's identity under Pod
 * Identity with `AwsAuth.controllerIdentity`, or the store's IRSA identity with `AwsAuth.serviceAccount`),
 * with `sts:AssumeRole` (and `sts:TagSession` when the store uses session tags), in one statement; that identity gets
 * `sts:AssumeRole` on this role only. Everything the store's ExternalSecrets and PushSecrets use is granted to this
 * role, never to the authenticating identity: one role per tenant store keeps tenants apart even when they share
 * the controller.
 *
 * @example
 * new SecretStore(tenant, 'Store', {
 *   provider: StoreProvider.awsSecretsManager({
 *     region: 'eu-central-1',
 *     auth: AwsAuth.controllerIdentity(eso.controllerIdentity),
 *     storeRole: StoreRole.create(),
 *   }),
 * });
 */
export class StoreRole {
  /** A role created for the store, trusted only by the identity the store authenticates as. */
  public static create(options: StoreRoleOptions = {}): StoreRole {
    return new StoreRole({ ...options });
  }

  private constructor(/** @internal */ public readonly _options: StoreRoleOptions) {}
}

/** A store role as built for one store. @internal */
export interface BuiltStoreRole {
  readonly role: iam.IRole;
  readonly roleArn: string;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * Creates the role of one store in the store's target stack, trusted by `base` alone.
 * @internal
 */
export function buildStoreRole(store: IConstruct, options: StoreRoleOptions, base: IWorkloadIdentity | undefined,
  storeName: string, storeNamespace: string | undefined, tagSession: boolean): BuiltStoreRole {
  if (base === undefined) {
    throw validationError(store, {
      code: 'CS-ESO-048',
      prop: 'provider.storeRole',
      problem: 'needs the identity the store authenticates as, to trust it: this store\'s auth names none',
      fix: 'pass the identity: `AwsAuth.controllerIdentity` with the ESO install\'s `controllerIdentity`, or `AwsAuth.serviceAccount` with an identity',
    });
  }
  const target = ClusterTarget.of(store);
  const roleName = options.roleName ?? fitName(`${target._namePrefix}-${storeNamespace ?? 'cluster'}-${storeName}-store`, 64);
  if (!ROLE_NAME.test(roleName)) {
    throw validationError(store, {
      code: 'CS-ESO-049',
      prop: 'provider.storeRole.roleName',
      value: roleName,
      problem: 'is not a valid IAM role name (1-64 characters: letters, digits and +=,.@_-)',
      fix: 'pick a shorter name made of those characters',
    });
  }
  const seconds = options.maxSessionDuration?.toSeconds();
  if (seconds !== undefined && (seconds < 3600 || seconds > 43200)) {
    throw validationError(store, {
      code: 'CS-ESO-050',
      prop: 'provider.storeRole.maxSessionDuration',
      value: `${seconds}s`,
      problem: 'must be between 1 and 12 hours (IAM\'s limits)',
      fix: 'use a duration such as `Duration.hours(1)`',
    });
  }
  const roleArn = `arn:${partitionOfRegion(target.region)}:iam::${target.account}:role/${roleName}`;
  const awsScope = target._awsScopeFor(store);
  if (!SecretsAppAccess.buildsAws(target)) {
    return { role: lazy.iam.Role.fromRoleArn(awsScope, 'StoreRole', roleArn, { mutable: false }), roleArn };
  }
  // The trust names the identity's role by its ARN (one statement, no account root); CloudFormation creates that
  // role first, since IAM refuses a trust naming a role that does not exist yet.
  const principal = new lazy.iam.ArnPrincipal(base.roleArn);
  const role = new lazy.iam.Role(awsScope, 'StoreRole', {
    roleName,
    assumedBy: tagSession ? new lazy.iam.SessionTagsPrincipal(principal) : principal,
    description: options.description ?? `Assumed by ${base.serviceAccountNamespace}/${base.serviceAccountName} for ${storeNamespace ? `SecretStore ${storeNamespace}/` : 'ClusterSecretStore '}${storeName}`,
    maxSessionDuration: seconds !== undefined ? lazy.cdk.Duration.seconds(seconds) : undefined,
    permissionsBoundary: options.permissionsBoundary,
  });
  const baseRole = base.grantPrincipal;
  if (Construct.isConstruct(baseRole)) role.node.addDependency(baseRole);
  return { role, roleArn };
}
