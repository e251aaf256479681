import type * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey, requireConcrete } from '../core/validate';
import { concreteAccount, concretePartition } from '../identity/bridge';
import { IdentityMode } from '../identity/cluster-identity';
import { IWorkloadIdentity } from '../identity/workload-identity';

/** The token audience the IRSA role trust requires. */
const IRSA_AUDIENCE = 'sts.amazonaws.com';

/** @internal */
export enum AwsAuthMode { SERVICE_ACCOUNT = 'jwt', CONTROLLER = 'controller', STATIC_KEYS = 'static' }

/**
 * Options for `AwsAuth.serviceAccount`.
 */
export interface AwsServiceAccountAuthOptions {
  /**
   * Audiences for the ServiceAccount token ESO requests.
   * @default - ESO's default (`sts.amazonaws.com`)
   */
  readonly audiences?: string[];
}

/**
 * Options for `AwsAuth.staticAccessKeys`: a Kubernetes Secret holding an IAM user's access keys.
 */
export interface AwsStaticKeysOptions {
  /** The Kubernetes Secret's name. */
  readonly secretName: string;
  /**
   * The Secret's namespace (ClusterSecretStore only).
   * @default - the ExternalSecret's namespace (SecretStore: the store's namespace)
   */
  readonly secretNamespace?: string;
  /**
   * The key holding the access key id.
   * @default 'AWS_ACCESS_KEY_ID'
   */
  readonly accessKeyIdKey?: string;
  /**
   * The key holding the secret access key.
   * @default 'AWS_SECRET_ACCESS_KEY'
   */
  readonly secretAccessKeyKey?: string;
  /**
   * The key holding a session token.
   * @default - none
   */
  readonly sessionTokenKey?: string;
  /**
   * The IAM user (or group) the keys belong to: permissions derived from the ExternalSecrets are granted
   * to it.
   * @default - permissions are not derived; grant them yourself
   */
  readonly grantee?: iam.IGrantable;
}

/**
 * How an AWS SecretStore authenticates.
 *
 * - `AwsAuth.serviceAccount`: IRSA through `auth.jwt.serviceAccountRef` (a per-store identity).
 * - `AwsAuth.controllerIdentity`: no `auth` block: the controller pod's own credentials (IRSA or
 *   Pod Identity).
 * - `AwsAuth.staticAccessKeys`: IAM user keys in a Kubernetes Secret (allowed, with a warning).
 *
 * Combine any of them with `assumeRole` on the provider.
 */
export class AwsAuth {
  /**
   * IRSA with a per-store ServiceAccount (`auth.jwt.serviceAccountRef`). The identity must be an IRSA
   * identity: ESO exchanges the ServiceAccount's token with `AssumeRoleWithWebIdentity`, which Pod Identity
   * does not support. Derived permissions are granted to the identity.
   */
  public static serviceAccount(identity: IWorkloadIdentity, options: AwsServiceAccountAuthOptions = {}): AwsAuth {
    return new AwsAuth(AwsAuthMode.SERVICE_ACCOUNT, identity, undefined, options);
  }

  /**
   * The controller's own identity: no `auth` block, the SDK uses the controller pod's credentials (IRSA
   * annotation on the controller's ServiceAccount, or a Pod Identity association).
   * @param identity the controller's identity (for example `ExternalSecretsOperatorInstall.controllerIdentity`), so
   *   derived permissions are granted to it; without it, permissions are not derived.
   */
  public static controllerIdentity(identity?: IWorkloadIdentity): AwsAuth {
    return new AwsAuth(AwsAuthMode.CONTROLLER, identity, undefined, {});
  }

  /**
   * Static IAM user keys from a Kubernetes Secret. Works everywhere, but long-lived keys must be rotated
   * by hand: prefer IRSA or Pod Identity. Adds a warning annotation to the store.
   */
  public static staticAccessKeys(options: AwsStaticKeysOptions): AwsAuth {
    return new AwsAuth(AwsAuthMode.STATIC_KEYS, undefined, options, {});
  }

  private constructor(
    /** @internal */ public readonly _mode: AwsAuthMode,
    /** @internal */ public readonly _identity: IWorkloadIdentity | undefined,
    /** @internal */ public readonly _static: AwsStaticKeysOptions | undefined,
    /** @internal */ public readonly _sa: AwsServiceAccountAuthOptions,
  ) {}

  /** The grantee for derived permissions (before any assumed role). @internal */
  public _grantee(): iam.IGrantable | undefined {
    if (this._mode === AwsAuthMode.STATIC_KEYS) return this._static!.grantee;
    return this._identity;
  }

  /** @internal */
  public _render(scope: IConstruct, storeNamespace: string | undefined): any {
    switch (this._mode) {
      case AwsAuthMode.SERVICE_ACCOUNT: {
        const id = this._identity!;
        if (id.mode === IdentityMode.POD_IDENTITY) {
          throw validationError(scope, {
            code: 'CS-ESO-001',
            prop: 'provider.auth',
            value: `${id.serviceAccountNamespace}/${id.serviceAccountName}`,
            problem: 'is a per-store serviceAccountRef on a Pod Identity identity; ESO\'s jwt auth exchanges the token with AssumeRoleWithWebIdentity, which only IRSA supports',
            fix: 'use `AwsAuth.controllerIdentity()` (the controller\'s Pod Identity association) or an IRSA identity (ClusterOidcIdentity)',
          });
        }
        const audiences = this._sa.audiences;
        if (audiences !== undefined && !audiences.includes(IRSA_AUDIENCE)) {
          throw validationError(scope, {
            code: 'CS-ESO-002',
            prop: 'provider.auth.jwt.serviceAccountRef.audiences',
            value: audiences,
            problem: `does not include "${IRSA_AUDIENCE}", the audience the IRSA role trust requires (<issuer>:aud), so STS would refuse the token`,
            fix: `drop audiences (ESO then requests "${IRSA_AUDIENCE}") or include "${IRSA_AUDIENCE}"`,
          });
        }
        if (storeNamespace !== undefined && storeNamespace !== id.serviceAccountNamespace) {
          throw validationError(scope, {
            code: 'CS-ESO-003',
            prop: 'provider.auth.jwt.serviceAccountRef',
            value: `${id.serviceAccountNamespace}/${id.serviceAccountName}`,
            problem: `is in another namespace than the SecretStore (${storeNamespace}); a namespaced SecretStore can only use ServiceAccounts of its own namespace`,
            fix: `create the workload identity in namespace "${storeNamespace}", or use a ClusterSecretStore`,
          });
        }
        return {
          jwt: {
            serviceAccountRef: {
              name: id.serviceAccountName,
              ...(storeNamespace === undefined ? { namespace: id.serviceAccountNamespace } : {}),
              ...(this._sa.audiences ? { audiences: [...this._sa.audiences] } : {}),
            },
          },
        };
      }
      case AwsAuthMode.CONTROLLER:
        return undefined;
      case AwsAuthMode.STATIC_KEYS: {
        const o = this._static!;
        checkDnsSubdomain(scope, 'auth.secretName', o.secretName);
        if (o.secretNamespace !== undefined) {
          checkDnsLabel(scope, 'auth.secretNamespace', o.secretNamespace);
          if (storeNamespace !== undefined && o.secretNamespace !== storeNamespace) {
            throw validationError(scope, {
              code: 'CS-ESO-004',
              prop: 'auth.secretNamespace',
              value: o.secretNamespace,
              problem: `differs from the SecretStore's namespace (${storeNamespace}); a namespaced SecretStore reads Secrets of its own namespace only`,
              fix: 'drop secretNamespace, or use a ClusterSecretStore',
            });
          }
        }
        const ref = (key: string) => ({
          name: o.secretName,
          key: checkSecretKey(scope, 'auth key', key),
          ...(o.secretNamespace !== undefined && storeNamespace === undefined ? { namespace: o.secretNamespace } : {}),
        });
        return {
          secretRef: {
            accessKeyIdSecretRef: ref(o.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID'),
            secretAccessKeySecretRef: ref(o.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY'),
            ...(o.sessionTokenKey ? { sessionTokenSecretRef: ref(o.sessionTokenKey) } : {}),
          },
        };
      }
    }
  }
}

/**
 * The concrete ARN of a role, for a manifest: the ARN itself when it is a literal (imported roles),
 * else computed from the role's literal name and its stack's account and partition.
 * @internal
 */
export function concreteRoleArn(scope: IConstruct, prop: string, role: iam.IRole): string {
  if (!lazy.cdk.Token.isUnresolved(role.roleArn)) return role.roleArn;
  // A role created with a literal roleName: its CfnRole carries that literal.
  const cfn = role.node.defaultChild;
  const name = cfn instanceof lazy.iam.CfnRole ? cfn.roleName : undefined;
  if (typeof name !== 'string' || lazy.cdk.Token.isUnresolved(name)) {
    requireConcrete(scope, prop, role.roleArn, 'give the role a literal roleName, or import it with iam.Role.fromRoleArn()');
  }
  // A role with a path has it in its ARN: arn:aws:iam::111122223333:role/<path>/<name>.
  const rolePath = cfn instanceof lazy.iam.CfnRole && cfn.path !== undefined ? cfn.path : '/';
  requireConcrete(scope, `${prop}.path`, rolePath, 'give the role a literal path, or import it with iam.Role.fromRoleArn()');
  return `arn:${concretePartition(role)}:iam::${concreteAccount(role)}:role${rolePath}${name}`;
}
