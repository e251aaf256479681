import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { AwsAuth, AwsAuthMode, concreteRoleArn } from './auth';
import { AbacGrantee, grantParameterStore, grantSecretsManager, granteeScope, parameterKeyArn } from './iam';
import { RemoteRefUse } from './remote-ref';
import { buildStoreRole, BuiltStoreRole, StoreRole } from './store-role';
import { ClusterTarget } from '../app/cluster-target';
import { SecretsAppAccess } from '../app/registry';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey, requireConcrete } from '../core/validate';

/** Which backend a store reads from. */
export enum StoreProviderKind {
  /** AWS Secrets Manager. */
  AWS_SECRETS_MANAGER = 'SecretsManager',
  /** AWS Systems Manager Parameter Store. */
  AWS_PARAMETER_STORE = 'ParameterStore',
  /** HashiCorp Vault (KV secrets engine). */
  VAULT = 'vault',
}

/**
 * Options for the AWS providers.
 * @see https://external-secrets.io/latest/provider/aws-secrets-manager/
 */
export interface AwsProviderOptions {
  /** The AWS region the store reads from (concrete, such as `eu-central-1`). */
  readonly region: string;
  /** How the store authenticates. */
  readonly auth: AwsAuth;
  /**
   * A role to assume after authenticating (`provider.aws.role`). Derived permissions are then granted to
   * this role, the authenticating identity gets `sts:AssumeRole` on it, and (for a role created in this
   * program) the role's trust admits the identity's role.
   * @default - no role is assumed
   */
  readonly assumeRole?: iam.IRole;
  /**
   * A role this library creates for the store to assume (`provider.aws.role`): trusted only by the identity the store
   * authenticates as, and granted what the store's ExternalSecrets and PushSecrets use. Under Pod Identity, with
   * `AwsAuth.controllerIdentity`, this is the per-tenant role the shared controller assumes. Exclusive with
   * `assumeRole`.
   * @default - no role is assumed (or `assumeRole`)
   */
  readonly storeRole?: StoreRole;
  /**
   * Attribute-based access control with STS session tags (an opt-in): ESO tags each session it opens on the assumed
   * role with `esoNamespace` (the ExternalSecret's namespace), `esoStoreName` and `esoStoreKind`
   * (`sessionTagsPolicy: Simple`, or `Custom` with `customSessionTags`), the role's trust admits `sts:TagSession`,
   * and every derived read is conditioned on the remote secret's tag: `secretsmanager:ResourceTag/<resourceTagKey>`
   * (`ssm:resourceTag/<resourceTagKey>` for Parameter Store) must equal `${aws:PrincipalTag/esoNamespace}`. A store
   * shared by several namespaces then reads, for each ExternalSecret, only the secrets tagged with its namespace.
   * Needs `storeRole` or `assumeRole` (session tags exist only on an assumed role).
   * @default - no session tags (`sessionTagsPolicy: None`)
   * @see https://external-secrets.io/latest/provider/aws-access/
   */
  readonly abac?: StoreAbacOptions;
  /**
   * A prefix ESO adds to every remote key.
   * @default - none
   */
  readonly prefix?: string;
}

/**
 * Options for the AWS Systems Manager Parameter Store provider.
 * @see https://external-secrets.io/latest/provider/aws-parameter-store/
 */
export interface AwsParameterStoreProviderOptions extends AwsProviderOptions {
  /**
   * The customer-managed KMS key that encrypts the store's `SecureString` parameters. The store's identity then
   * gets, on this key only and under `kms:ViaService = ssm.<region>.amazonaws.com`: `kms:Decrypt` for every read
   * (`data`, `dataFrom.extract`, `dataFrom.find`; not for `metadataPolicy: Fetch`, which reads tags only), and
   * `kms:Decrypt` + `kms:Encrypt` for a PushSecret (ESO reads the current value, decrypted, before `PutParameter`).
   * `kms:GenerateDataKey` is never granted: Parameter Store encrypts parameter values with `Encrypt` directly.
   * This option only derives IAM; nothing is rendered into the store. ESO pushes `String` parameters unless
   * PushSecret metadata asks for `SecureString` and a key, so the push grant matters for `SecureString` parameters.
   *
   * The key must be in the store's region. Its ARN must be a literal key ARN
   * (`arn:<partition>:kms:<region>:<account>:key/<id>`, for instance from `kms.Key.fromKeyArn()`), or the key
   * must be defined in the same stack as the identity that is granted (so no cross-stack reference is made).
   * An alias is refused: IAM evaluates `kms:Decrypt` against the key ARN.
   * @default - the AWS managed key `alias/aws/ssm`, which needs no grant (its key policy admits every principal of
   * the account that may call Parameter Store); no KMS statement is derived
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Options for session-tag ABAC on an AWS store (`AwsProviderOptions.abac`).
 */
export interface StoreAbacOptions {
  /**
   * The tag each remote secret carries, whose value is the namespace allowed to read it.
   * @default 'esoNamespace'
   */
  readonly resourceTagKey?: string;
  /**
   * More session tags (`customSessionTags`, `sessionTagsPolicy: Custom`). The keys `esoNamespace`, `esoStoreName` and
   * `esoStoreKind` are ESO's own and refused here.
   * @default - none (`sessionTagsPolicy: Simple`)
   */
  readonly customSessionTags?: { [key: string]: string };
  /**
   * Session tag keys that persist through role chaining (`transitiveTagKeys`): each must be one of ESO's tags or a
   * custom one.
   * @default - none
   */
  readonly transitiveTagKeys?: string[];
}

/** The session tags ESO adds itself under Simple and Custom. */
const ESO_SESSION_TAGS = ['esoNamespace', 'esoStoreName', 'esoStoreKind'];
/** An AWS tag key: letters, digits, spaces and _.:/=+-@, 1 to 128 characters, not starting with aws:. */
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** The KV secrets engine version of a Vault mount. */
export enum EsoVaultKvVersion {
  /** KV version 1. */
  V1 = 'v1',
  /** KV version 2 (versioned; the API path gets a `data/` segment). */
  V2 = 'v2',
}

/** Options for `EsoVaultAuth.kubernetes`. */
export interface EsoVaultKubernetesAuthOptions {
  /** The Vault role bound to the ServiceAccount. */
  readonly role: string;
  /**
   * Where the Kubernetes auth method is mounted in Vault.
   * @default 'kubernetes'
   */
  readonly mountPath?: string;
  /**
   * The ServiceAccount whose token ESO presents.
   * @default - the controller's own ServiceAccount token
   */
  readonly serviceAccountName?: string;
  /**
   * The ServiceAccount's namespace (ClusterSecretStore only).
   * @default - the store's namespace (SecretStore) or the ExternalSecret's namespace (ClusterSecretStore)
   */
  readonly serviceAccountNamespace?: string;
  /**
   * Token audiences.
   * @default - none
   */
  readonly audiences?: string[];
}

/** Options for `EsoVaultAuth.tokenSecret`. */
export interface EsoVaultTokenAuthOptions {
  /** The Kubernetes Secret holding the token. */
  readonly secretName: string;
  /**
   * The key of the token in the Secret.
   * @default 'token'
   */
  readonly key?: string;
}

/**
 * How a Vault store authenticates.
 */
export class EsoVaultAuth {
  /** Vault's Kubernetes auth method (`auth.kubernetes`: mountPath, role, serviceAccountRef). */
  public static kubernetes(options: EsoVaultKubernetesAuthOptions): EsoVaultAuth {
    return new EsoVaultAuth('kubernetes', options, undefined);
  }

  /** A Vault token from a Kubernetes Secret (`auth.tokenSecretRef`). Long-lived tokens: prefer Kubernetes auth. */
  public static tokenSecret(options: EsoVaultTokenAuthOptions): EsoVaultAuth {
    return new EsoVaultAuth('token', undefined, options);
  }

  private constructor(
    /** @internal */ public readonly _method: 'kubernetes' | 'token',
    /** @internal */ public readonly _k8s: EsoVaultKubernetesAuthOptions | undefined,
    /** @internal */ public readonly _token: EsoVaultTokenAuthOptions | undefined,
  ) {}
}

/**
 * Options for the Vault provider.
 * @see https://external-secrets.io/latest/provider/hashicorp-vault/
 */
export interface VaultProviderOptions {
  /** The Vault address, such as `http://vault.vault.svc.cluster.local:8200`. */
  readonly server: string;
  /** The mount path of the KV secrets engine, such as `kv-secrets`. */
  readonly path: string;
  /**
   * The KV engine version.
   * @default EsoVaultKvVersion.V2
   */
  readonly version?: EsoVaultKvVersion;
  /** How the store authenticates. */
  readonly auth: EsoVaultAuth;
  /**
   * The Vault Enterprise namespace.
   * @default - none
   */
  readonly vaultNamespace?: string;
}

/**
 * What a Vault-backed store connects to, for helpers that derive Vault policies and roles.
 */
export interface VaultStoreDetails {
  /** The Vault address. */
  readonly server: string;
  /** The KV mount path. */
  readonly path: string;
  /** The KV version. */
  readonly version: EsoVaultKvVersion;
  /**
   * The Kubernetes auth mount path.
   * @default - not Kubernetes auth
   */
  readonly authMountPath?: string;
  /**
   * The Vault role.
   * @default - not Kubernetes auth
   */
  readonly role?: string;
  /**
   * The ServiceAccount ESO presents.
   * @default - the controller's ServiceAccount
   */
  readonly serviceAccountName?: string;
  /**
   * The ServiceAccount's namespace.
   * @default - the store's namespace
   */
  readonly serviceAccountNamespace?: string;
  /**
   * The token audiences ESO requests for the ServiceAccount it presents (`serviceAccountRef.audiences`).
   * @default - none (the token carries the API server's audience)
   */
  readonly audiences?: string[];
  /**
   * The Vault Enterprise namespace.
   * @default - none
   */
  readonly vaultNamespace?: string;
}

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The backend of a SecretStore or ClusterSecretStore.
 */
export class StoreProvider {
  /** AWS Secrets Manager. */
  public static awsSecretsManager(options: AwsProviderOptions): StoreProvider {
    return new StoreProvider(StoreProviderKind.AWS_SECRETS_MANAGER, options, undefined);
  }

  /** AWS Systems Manager Parameter Store. */
  public static awsParameterStore(options: AwsParameterStoreProviderOptions): StoreProvider {
    return new StoreProvider(StoreProviderKind.AWS_PARAMETER_STORE, options, undefined);
  }

  /** HashiCorp Vault, KV secrets engine. */
  public static vault(options: VaultProviderOptions): StoreProvider {
    return new StoreProvider(StoreProviderKind.VAULT, undefined, options);
  }

  /** The backend kind. */
  public readonly kind: StoreProviderKind;
  private readonly storeRoles = new WeakMap<IConstruct, BuiltStoreRole>();

  private constructor(kind: StoreProviderKind,
    private readonly aws: AwsParameterStoreProviderOptions | undefined,
    private readonly vaultOptions: VaultProviderOptions | undefined) {
    this.kind = kind;
  }

  /**
   * The AWS region (AWS providers).
   * @default - not an AWS provider
   */
  public get region(): string | undefined {
    return this.aws?.region;
  }

  /**
   * The Vault connection (Vault provider).
   * @default - not a Vault provider
   */
  public get vaultDetails(): VaultStoreDetails | undefined {
    const v = this.vaultOptions;
    if (!v) return undefined;
    const k = v.auth._k8s;
    return {
      server: v.server,
      path: v.path,
      version: v.version ?? EsoVaultKvVersion.V2,
      authMountPath: k ? (k.mountPath ?? 'kubernetes') : undefined,
      role: k?.role,
      serviceAccountName: k?.serviceAccountName,
      serviceAccountNamespace: k?.serviceAccountNamespace,
      audiences: k?.serviceAccountName !== undefined && k.audiences ? [...k.audiences] : undefined,
      vaultNamespace: v.vaultNamespace,
    };
  }

  /** The key prefix of an AWS provider. @internal */
  public _awsPrefix(): string | undefined {
    return this.aws?.prefix;
  }

  /**
   * The role a store assumes: the one created for it (`AwsProviderOptions.storeRole`) or `assumeRole`.
   * @default - the store assumes no role
   */
  public assumedRoleOf(store: IConstruct): iam.IRole | undefined {
    return this.storeRoles.get(store)?.role ?? this.aws?.assumeRole;
  }

  /**
   * Validates and renders `spec.provider`. `storeNamespace` is undefined for a ClusterSecretStore.
   * @internal
   */
  public _render(scope: IConstruct, storeNamespace: string | undefined, storeName?: string): any {
    if (this.aws) return this.renderAws(scope, storeNamespace, storeName ?? scope.node.id);
    return this.renderVault(scope, storeNamespace);
  }

  /** Grants the identity behind the store what one ExternalSecret or PushSecret uses. @internal */
  public _grant(store: IConstruct, use: RemoteRefUse): void {
    if (!this.aws) return; // Vault: policies are derived by the Vault helpers from remoteRefs.
    const assumed = this.storeRoles.get(store)?.role ?? this.aws.assumeRole;
    const grantee = assumed && this.aws.abac ? new AbacGrantee(assumed, this.aws.abac.resourceTagKey ?? 'esoNamespace') : assumed ?? this.aws.auth._grantee();
    if (!grantee) {
      // A Kubernetes-only synth of a SecretsApp writes no IAM, so there is nothing to grant yourself: no warning.
      const target = ClusterTarget.tryOf(store);
      if (target && !SecretsAppAccess.buildsAws(target)) return;
      warnOnce(store, 'cdk8s-secrets:esoPermissionsNotDerived',
        'this store has no known AWS identity (static keys without grantee, or controllerIdentity() without the controller identity): IAM permissions for its ExternalSecrets are not derived; grant them yourself.');
      return;
    }
    if (this.kind === StoreProviderKind.AWS_SECRETS_MANAGER) {
      grantSecretsManager(store, grantee, this.aws.region, use, this.aws.prefix);
    } else {
      const keyArn = this.aws.encryptionKey
        ? parameterKeyArn(store, this.aws.encryptionKey, this.aws.region, granteeScope(store, grantee))
        : undefined;
      grantParameterStore(store, grantee, this.aws.region, use, this.aws.prefix, keyArn);
    }
  }

  private renderAws(scope: IConstruct, storeNamespace: string | undefined, storeName: string): any {
    const o = this.aws!;
    requireConcrete(scope, 'provider.region', o.region, 'pass the region as a literal string, such as "eu-central-1"');
    if (!AWS_REGION.test(o.region)) {
      throw validationError(scope, {
        code: 'CS-ESO-023',
        prop: 'provider.region',
        value: o.region,
        problem: 'is not an AWS region name',
        fix: 'use a region such as "eu-central-1"',
      });
    }
    if (o.auth._mode === AwsAuthMode.STATIC_KEYS) {
      lazy.cdk.Annotations.of(scope).addWarning(
        'static AWS access keys: long-lived IAM user keys in a Kubernetes Secret must be rotated by hand. Prefer AwsAuth.serviceAccount() (IRSA) or AwsAuth.controllerIdentity().');
    }
    if (o.encryptionKey) parameterKeyArn(scope, o.encryptionKey, o.region, undefined);
    const auth = o.auth._render(scope, storeNamespace);
    if (o.storeRole && o.assumeRole) {
      throw validationError(scope, {
        code: 'CS-ESO-041',
        prop: 'provider.storeRole',
        problem: 'and assumeRole are both set; a store assumes one role',
        fix: 'drop assumeRole to let the library create the role, or drop storeRole to assume your own',
      });
    }
    const abac = o.abac ? checkAbac(scope, o.abac) : undefined;
    if (abac && !o.storeRole && !o.assumeRole) {
      throw validationError(scope, {
        code: 'CS-ESO-042',
        prop: 'provider.abac',
        problem: 'needs an assumed role: ESO adds session tags only when it assumes provider.aws.role',
        fix: 'set `storeRole` to `StoreRole.create()` (or use `assumeRole`)',
      });
    }
    const assumeActions = abac ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'];
    let role: string | undefined;
    if (o.storeRole) {
      const identity = o.auth._mode === AwsAuthMode.STATIC_KEYS ? undefined : o.auth._identity;
      if (o.auth._mode === AwsAuthMode.STATIC_KEYS) {
        throw validationError(scope, {
          code: 'CS-ESO-043',
          prop: 'provider.storeRole',
          problem: 'is trusted by a workload identity, but this store authenticates with static access keys',
          fix: 'authenticate with `AwsAuth.controllerIdentity` or `AwsAuth.serviceAccount` and the identity, or use `assumeRole` with your own role',
        });
      }
      const built = buildStoreRole(scope, o.storeRole._options, identity, storeName, storeNamespace, abac !== undefined);
      this.storeRoles.set(scope, built);
      role = built.roleArn;
      lazy.iam.Grant.addToPrincipal({ grantee: identity!, actions: assumeActions, resourceArns: [role] });
    } else if (o.assumeRole) {
      role = concreteRoleArn(scope, 'provider.assumeRole', o.assumeRole);
      // The authenticating identity (a workload identity, or the IAM user of static keys) may assume the role.
      const base = o.auth._grantee();
      if (base) {
        lazy.iam.Grant.addToPrincipal({ grantee: base, actions: assumeActions, resourceArns: [role] });
        const trust = (o.assumeRole as iam.Role).assumeRolePolicy;
        if (trust) {
          // The principal as a reference (not the computed ARN string): IAM rejects a trust naming a role that
          // does not exist yet, so CloudFormation must create the identity first.
          trust.addStatements(new lazy.iam.PolicyStatement({
            actions: assumeActions,
            principals: [base.grantPrincipal],
          }));
        }
      }
    }
    return {
      aws: {
        service: this.kind,
        region: o.region,
        ...(role ? { role } : {}),
        ...(o.prefix ? { prefix: o.prefix } : {}),
        ...(auth ? { auth } : {}),
        // None is the API-server default, emitted so GitOps tools see no drift.
        sessionTagsPolicy: abac ? (abac.customSessionTags ? 'Custom' : 'Simple') : 'None',
        ...(abac?.customSessionTags ? { customSessionTags: abac.customSessionTags } : {}),
        ...(abac?.transitiveTagKeys ? { transitiveTagKeys: abac.transitiveTagKeys } : {}),
      },
    };
  }

  private renderVault(scope: IConstruct, storeNamespace: string | undefined): any {
    const v = this.vaultOptions!;
    requireConcrete(scope, 'provider.server', v.server, 'pass the Vault address as a literal string');
    if (!/^https?:\/\/[^\s/]+(\/.*)?$/.test(v.server)) {
      throw validationError(scope, {
        code: 'CS-ESO-024',
        prop: 'provider.server',
        value: v.server,
        problem: 'is not an http or https URL',
        fix: 'use an address such as "http://vault.vault.svc.cluster.local:8200"',
      });
    }
    if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(v.path)) {
      throw validationError(scope, {
        code: 'CS-ESO-025',
        prop: 'provider.path',
        value: v.path,
        problem: 'is not a Vault mount path',
        fix: 'use the KV mount path without slashes at either end, such as "kv-secrets"',
      });
    }
    let auth: any;
    if (v.auth._k8s) {
      const k = v.auth._k8s;
      if (k.serviceAccountName !== undefined) checkDnsSubdomain(scope, 'auth.kubernetes.serviceAccountName', k.serviceAccountName);
      if (k.serviceAccountNamespace !== undefined) {
        checkDnsLabel(scope, 'auth.kubernetes.serviceAccountNamespace', k.serviceAccountNamespace);
        if (storeNamespace !== undefined && k.serviceAccountNamespace !== storeNamespace) {
          throw validationError(scope, {
            code: 'CS-ESO-026',
            prop: 'auth.kubernetes.serviceAccountNamespace',
            value: k.serviceAccountNamespace,
            problem: `differs from the SecretStore's namespace (${storeNamespace}); a namespaced SecretStore can only use ServiceAccounts of its own namespace`,
            fix: 'drop serviceAccountNamespace, or use a ClusterSecretStore',
          });
        }
      }
      auth = {
        kubernetes: {
          mountPath: k.mountPath ?? 'kubernetes',
          role: k.role,
          ...(k.serviceAccountName ? {
            serviceAccountRef: {
              name: k.serviceAccountName,
              ...(k.serviceAccountNamespace && storeNamespace === undefined ? { namespace: k.serviceAccountNamespace } : {}),
              ...(k.audiences ? { audiences: [...k.audiences] } : {}),
            },
          } : {}),
        },
      };
    } else {
      const t = v.auth._token!;
      checkDnsSubdomain(scope, 'auth.tokenSecret.secretName', t.secretName);
      auth = { tokenSecretRef: { name: t.secretName, key: checkSecretKey(scope, 'auth.tokenSecret.key', t.key ?? 'token') } };
    }
    return {
      vault: {
        server: v.server,
        path: v.path,
        version: v.version ?? EsoVaultKvVersion.V2,
        ...(v.vaultNamespace ? { namespace: v.vaultNamespace } : {}),
        auth,
      },
    };
  }
}

/** Validates ABAC options; returns a copy with sorted, checked keys. */
function checkAbac(scope: IConstruct, abac: StoreAbacOptions): StoreAbacOptions {
  const key = abac.resourceTagKey ?? 'esoNamespace';
  if (!TAG_KEY.test(key)) {
    throw validationError(scope, {
      code: 'CS-ESO-044',
      prop: 'provider.abac.resourceTagKey',
      value: key,
      problem: 'is not an AWS tag key (1-128 letters, digits, spaces and _.:/=+-@, not starting with "aws:")',
      fix: 'use a key such as "esoNamespace" or "tenant"',
    });
  }
  let custom: { [key: string]: string } | undefined;
  if (abac.customSessionTags !== undefined) {
    custom = {};
    for (const k of Object.keys(abac.customSessionTags).sort()) {
      const v = abac.customSessionTags[k];
      if (ESO_SESSION_TAGS.includes(k)) {
        throw validationError(scope, {
          code: 'CS-ESO-045',
          prop: `provider.abac.customSessionTags.${k}`,
          value: k,
          problem: 'is a tag ESO sets itself (esoNamespace, esoStoreName, esoStoreKind)',
          fix: 'drop it, or pick another key',
        });
      }
      if (!TAG_KEY.test(k) || !TAG_VALUE.test(v)) {
        throw validationError(scope, {
          code: 'CS-ESO-046',
          prop: `provider.abac.customSessionTags.${k}`,
          value: `${k}=${v}`,
          problem: 'is not an AWS tag (key 1-128, value 0-256 characters of letters, digits, spaces and _.:/=+-@; keys not starting with "aws:")',
          fix: 'use a tag such as team=payments',
        });
      }
      custom[k] = v;
    }
    if (Object.keys(custom).length === 0) custom = undefined;
  }
  const known = [...ESO_SESSION_TAGS, ...Object.keys(custom ?? {})];
  const transitive = abac.transitiveTagKeys === undefined ? undefined : [...new Set(abac.transitiveTagKeys)].sort();
  for (const t of transitive ?? []) {
    if (!known.includes(t)) {
      throw validationError(scope, {
        code: 'CS-ESO-047',
        prop: 'provider.abac.transitiveTagKeys',
        value: t,
        problem: `is not a session tag of this store (${known.join(', ')})`,
        fix: 'list keys of ESO\'s tags or of customSessionTags',
      });
    }
  }
  return { resourceTagKey: key, customSessionTags: custom, transitiveTagKeys: transitive?.length ? transitive : undefined };
}

function warnOnce(scope: IConstruct, id: string, message: string): void {
  if (scope.node.metadata.some((m) => typeof m.data === 'string' && m.data.includes(message))) return;
  lazy.cdk.Annotations.of(scope).addWarningV2(id, message);
}
