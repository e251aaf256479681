import type * as iam from 'aws-cdk-lib/aws-iam';
import { Chart, Duration } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { SecretsPlatform } from './platform';
import { ISecretsManagerEntry } from '../aws/secrets-manager-entry';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { IProducedSecret } from '../core/produced-secret';
import { checkDnsLabel, checkDnsSubdomain, isUnresolved } from '../core/validate';
import { AwsCsiObject, AwsCsiObjectType } from '../csi/aws-object';
import { AwsSecretProviderClass, ISecretProviderClass } from '../csi/secret-provider-class';
import { AwsAuth } from '../eso/auth';
import { ExternalSecret } from '../eso/external-secret';
import { DataFrom } from '../eso/external-secret-options';
import { StoreAbacOptions, StoreProvider } from '../eso/provider';
import { SecretStore } from '../eso/store';
import { StoreRole } from '../eso/store-role';
import { fitName } from '../identity/bridge';
import { IdentityMode } from '../identity/cluster-identity';
import { WorkloadIdentity } from '../identity/workload-identity';
import { SealingScope, SealedSecret } from '../sealed/sealed-secret';
import { SealedValue } from '../sealed/value';
import { IVaultDatabaseRole } from '../vault/database';
import { VaultDynamicSecret } from '../vault/dynamic-secret';
import { VaultAgentInjection } from '../vault/injector';
import { VaultKubernetesRole } from '../vault/kubernetes-auth';
import { VaultPolicy } from '../vault/policy';
import { VaultSecretPath } from '../vault/secret-path';
import { VaultStaticSecret } from '../vault/static-secret';
import { VaultAuth, VaultAuthMethod } from '../vault/vault-auth';
import { SecretConsumer } from '../workloads/consumer';
import { ReloadMode } from '../workloads/consumer-options';

/**
 * A tenant's ESO store for one AWS backend (created on the tenant's first secret from that backend).
 */
export interface TenantAwsStoreOptions {
  /**
   * The region the store reads from.
   * @default - the target's region
   */
  readonly region?: string;
  /**
   * The SecretStore's name.
   * @default 'aws-secrets-manager' (Secrets Manager) or 'aws-parameter-store' (Parameter Store)
   */
  readonly storeName?: string;
  /**
   * The name of the store's ServiceAccount (IRSA: the store authenticates as it with `auth.jwt`).
   * @default - the store's name
   */
  readonly serviceAccountName?: string;
  /**
   * The name of the store's IAM role (IRSA: the ServiceAccount's role; Pod Identity: the role the ESO controller
   * assumes for this store only).
   * @default - `<stackName>-<namespace>-<storeName>`, shortened with a hash to 64 characters
   */
  readonly roleName?: string;
  /**
   * Session-tag ABAC (an opt-in): ESO tags its AWS session with the tenant's namespace (`sessionTagsPolicy`), and the
   * store role's reads are conditioned on the remote secret's tag (`<resourceTagKey> = ${aws:PrincipalTag/esoNamespace}`),
   * on top of the exact ARNs. The store then always reads through a role it assumes (`StoreRole`): under IRSA
   * the tenant's ServiceAccount role assumes a store role named `<stackName>-<namespace>-<storeName>-store`.
   * @default - no session tags (`sessionTagsPolicy: None`)
   */
  readonly sessionTags?: StoreAbacOptions;
}

/**
 * A tenant's Vault identity: a ServiceAccount, a Kubernetes-auth role bound to it and a policy derived from what
 * the tenant reads (created on the tenant's first Vault secret).
 */
export interface TenantVaultOptions {
  /**
   * The ServiceAccount the tenant logs in to Vault as.
   * @default 'vault'
   */
  readonly serviceAccountName?: string;
  /**
   * The Vault role's name.
   * @default - the tenant's namespace
   */
  readonly roleName?: string;
  /**
   * The Vault policy's name (its rules are derived from the tenant's reads).
   * @default - the tenant's namespace
   */
  readonly policyName?: string;
  /**
   * The VaultAuth's name.
   * @default 'vault-auth'
   */
  readonly vaultAuthName?: string;
  /**
   * The audience the role requires of ServiceAccount tokens.
   * @default 'vault'
   */
  readonly audience?: string;
  /**
   * The Vault token TTL of the role.
   * @default Duration.hours(1)
   */
  readonly ttl?: Duration;
}

/**
 * A tenant's identity for Secrets Store CSI mounts: the ServiceAccount its CSI-mounting workloads run as.
 */
export interface TenantCsiOptions {
  /**
   * The ServiceAccount's name.
   * @default 'secrets-store-csi'
   */
  readonly serviceAccountName?: string;
  /**
   * The IAM role's name.
   * @default - `<stackName>-<namespace>-<serviceAccountName>`, shortened with a hash to 64 characters
   */
  readonly roleName?: string;
  /**
   * The region the SecretProviderClasses read from.
   * @default - the target's region
   */
  readonly region?: string;
}

/**
 * Options for `SecretsPlatform.addTenant`.
 */
export interface TenantOptions {
  /**
   * The tenant's namespace (created by the tenant).
   * @default - the tenant's name
   */
  readonly namespace?: string;
  /**
   * Labels on the namespace.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The tenant's AWS Secrets Manager store.
   * @default - a store named 'aws-secrets-manager' in the target's region
   */
  readonly secretsManager?: TenantAwsStoreOptions;
  /**
   * The tenant's Parameter Store store.
   * @default - a store named 'aws-parameter-store' in the target's region
   */
  readonly parameterStore?: TenantAwsStoreOptions;
  /**
   * The tenant's Vault identity.
   * @default - ServiceAccount 'vault', role and policy named after the namespace
   */
  readonly vault?: TenantVaultOptions;
  /**
   * The tenant's Secrets Store CSI identity.
   * @default - ServiceAccount 'secrets-store-csi'
   */
  readonly csi?: TenantCsiOptions;
}

/** Options for `Tenant.addSecretsManagerSecret`. */
export interface TenantSecretsManagerSecretOptions {
  /**
   * The Secrets Manager entry (gives the exact ARN, region check and KMS key to the derived grants).
   * @default - use `remoteKey`
   */
  readonly entry?: ISecretsManagerEntry;
  /**
   * The secret's name in Secrets Manager.
   * @default - the entry's name
   */
  readonly remoteKey?: string;
  /**
   * The Kubernetes Secret's keys, each read from a JSON property of the remote secret (`{ username: 'username' }`).
   * @default - every JSON key of the remote secret (`dataFrom.extract`)
   */
  readonly keys?: { [secretKey: string]: string };
  /**
   * The Kubernetes Secret's name.
   * @default - the name given to addSecretsManagerSecret
   */
  readonly targetName?: string;
  /**
   * How often ESO re-reads the secret.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

/** Options for `Tenant.addParameterStoreSecret`. */
export interface TenantParameterStoreSecretOptions {
  /** The Kubernetes Secret's keys, each read from one parameter (`{ 'api-key': '/shop/api-key' }`). */
  readonly parameters: { [secretKey: string]: string };
  /**
   * The Kubernetes Secret's name.
   * @default - the name given to addParameterStoreSecret
   */
  readonly targetName?: string;
  /**
   * How often ESO re-reads the parameters.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

/** Options for `Tenant.addVaultSecret`. */
export interface TenantVaultSecretOptions {
  /** The secret's path in the platform's KV v2 mount (`postgres/config`). */
  readonly path: string;
  /**
   * How often the Vault Secrets Operator re-reads the secret.
   * @default Duration.hours(1)
   */
  readonly refreshAfter?: Duration;
  /**
   * The Kubernetes Secret's name.
   * @default - the name given to addVaultSecret
   */
  readonly targetName?: string;
  /**
   * The keys the secret holds, for workloads that consume single keys.
   * @default - unknown until run time: consumers mount the whole Secret
   */
  readonly keys?: string[];
}

/** Options for `Tenant.addVaultDatabaseSecret`. */
export interface TenantVaultDatabaseSecretOptions {
  /** The database role whose credentials are issued (from `platform.vaultConfiguration.addDatabaseMount()`). */
  readonly databaseRole: IVaultDatabaseRole;
  /**
   * The Kubernetes Secret's name.
   * @default - the name given to addVaultDatabaseSecret
   */
  readonly targetName?: string;
}

/** Options for `Tenant.addSealedSecret`. */
export interface TenantSealedSecretOptions {
  /** The values, sealed at synth with the platform's certificate. */
  readonly values: { [key: string]: SealedValue };
  /**
   * The sealing scope.
   * @default SealingScope.STRICT
   */
  readonly sealingScope?: SealingScope;
  /**
   * The Secret's type.
   * @default 'Opaque'
   */
  readonly type?: string;
}

/** Options for `Tenant.addCsiSecret`. */
export interface TenantCsiSecretOptions {
  /** The objects the class mounts. */
  readonly objects: AwsCsiObject[];
}

/** A Secret mounted into a tenant workload as files. */
export interface WorkloadSecretMount {
  /** The Secret (from this tenant). */
  readonly secret: IProducedSecret;
  /** The folder the keys are mounted in, one file per key. */
  readonly path: string;
}

/** Environment variables of a tenant workload read from a Secret (an explicit opt-in: prefer files). */
export interface WorkloadSecretEnv {
  /** The Secret (from this tenant). */
  readonly secret: IProducedSecret;
  /** Variable name to Secret key. */
  readonly variables: { [name: string]: string };
}

/** A SecretProviderClass mounted into a tenant workload. */
export interface WorkloadCsiMount {
  /** The class (from `Tenant.addCsiSecret`). */
  readonly secretProviderClass: ISecretProviderClass;
  /**
   * The mount folder.
   * @default '/mnt/secrets-store/<class name>'
   */
  readonly path?: string;
}

/** A file the Vault Agent Injector renders into a tenant workload. */
export interface WorkloadVaultFile {
  /** The file's name under `/vault/secrets`. */
  readonly name: string;
  /** The secret's path in the platform's KV v2 mount. */
  readonly path: string;
  /**
   * A Go template for the file.
   * @default - the injector's default (the secret's data as key/value lines)
   */
  readonly template?: string;
}

/** Options for `Tenant.addWorkload`. */
export interface TenantWorkloadOptions {
  /** The container image. */
  readonly image: string;
  /**
   * The container's command.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * The container's arguments.
   * @default - the image's
   */
  readonly args?: string[];
  /**
   * The container's port.
   * @default - none
   */
  readonly portNumber?: number;
  /**
   * Replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Labels on the Deployment and its pods; the pods are selected by them.
   * @default { app: <name> }
   */
  readonly labels?: { [key: string]: string };
  /**
   * The pod's security context.
   * @default - non-root user 1000, group 1000, fsGroup 2000
   */
  readonly securityContext?: kplus.PodSecurityContextProps;
  /**
   * Secrets mounted as files (the recommended way).
   * @default - none
   */
  readonly mounts?: WorkloadSecretMount[];
  /**
   * Secrets read as environment variables.
   * @default - none
   */
  readonly env?: WorkloadSecretEnv[];
  /**
   * Secrets the application reads through the Kubernetes API: the workload gets a Role with `get` on these names only,
   * bound to a ServiceAccount of its own (named after the workload, unless it runs as the tenant's CSI or Vault one).
   * @default - none
   */
  readonly apiReads?: IProducedSecret[];
  /**
   * SecretProviderClasses mounted through the CSI driver (the workload runs as the tenant's CSI ServiceAccount).
   * @default - none
   */
  readonly csiMounts?: WorkloadCsiMount[];
  /**
   * Files rendered by the Vault Agent Injector (the workload runs as the tenant's Vault ServiceAccount).
   * @default - none
   */
  readonly vaultFiles?: WorkloadVaultFile[];
  /**
   * How Reloader restarts the workload when its Secrets change.
   * @default ReloadMode.EXPLICIT
   */
  readonly reloadMode?: ReloadMode;
}

/**
 * One tenant of a `SecretsPlatform`: a namespace (created), its secrets from any backend the platform
 * installs, and its workloads. A Tenant is a cdk8s chart whose namespace is the tenant's: constructs added to it
 * land in that namespace.
 *
 * What a tenant needs is derived on first use and is its own: a SecretStore and an IAM identity per AWS backend
 * (granted exactly what its ExternalSecrets read), a Vault ServiceAccount, VaultAuth, Kubernetes-auth role (bound to
 * that ServiceAccount in this namespace only) and a policy derived from its reads, a CSI identity.
 */
export class Tenant extends Chart {
  /** The platform. */
  public readonly platform: SecretsPlatform;
  /** The tenant's name. */
  public readonly tenantName: string;
  /** The tenant's namespace (also the chart's `namespace`). */
  public readonly tenantNamespace: string;
  /** The Namespace object (cluster-scoped: written without `metadata.namespace`). */
  public readonly namespaceObject: kplus.Namespace;
  private readonly options: TenantOptions;
  private smStore?: { store: SecretStore; identity?: WorkloadIdentity; role: iam.IRole };
  private psStore?: { store: SecretStore; identity?: WorkloadIdentity; role: iam.IRole };
  private vaultParts?: { serviceAccount: kplus.ServiceAccount; role: VaultKubernetesRole; policy: VaultPolicy; auth: VaultAuth };
  private agentRole?: VaultKubernetesRole;
  private vaultShared?: { serviceAccount: kplus.ServiceAccount; policy: VaultPolicy };
  private csiParts?: { identity: WorkloadIdentity; region: string };
  private readonly producedSecrets: IProducedSecret[] = [];
  private readonly workloadList: TenantWorkload[] = [];

  public constructor(platform: SecretsPlatform, name: string, options: TenantOptions = {}) {
    const namespace = options.namespace ?? name;
    super(platform.target.k8sApp, `${platform.node.id}-${name}`, { namespace });
    this.platform = platform;
    this.tenantName = checkDnsLabel(this, 'name', name);
    this.tenantNamespace = checkDnsLabel(this, 'namespace', namespace);
    this.options = options;
    platform._registerTenant(this);
    // Cluster-scoped: the target's ClusterScopedResolver writes it without the chart's namespace.
    this.namespaceObject = new lazy.kplus.Namespace(this, 'Namespace', { metadata: { name: this.tenantNamespace, labels: options.labels } });
  }

  /**
   * The tenant's Secrets Manager store.
   * @default - none until the tenant's first Secrets Manager secret
   */
  public get secretsManagerStore(): SecretStore | undefined {
    return this.smStore?.store;
  }

  /**
   * The IAM role the tenant's Secrets Manager store reads with (granted exactly the tenant's secrets).
   * @default - none until the tenant's first Secrets Manager secret
   */
  public get secretsManagerRole(): iam.IRole | undefined {
    return this.smStore?.role;
  }

  /**
   * The workload identity (ServiceAccount and role) of the tenant's Secrets Manager store under IRSA.
   * @default - none (Pod Identity: the controller assumes `secretsManagerRole`), or none yet
   */
  public get secretsManagerIdentity(): WorkloadIdentity | undefined {
    return this.smStore?.identity;
  }

  /**
   * The tenant's Parameter Store store.
   * @default - none until the tenant's first Parameter Store secret
   */
  public get parameterStore(): SecretStore | undefined {
    return this.psStore?.store;
  }

  /**
   * The IAM role the tenant's Parameter Store store reads with.
   * @default - none until the tenant's first Parameter Store secret
   */
  public get parameterStoreRole(): iam.IRole | undefined {
    return this.psStore?.role;
  }

  /**
   * The tenant's VaultAuth.
   * @default - none until the tenant's first Vault secret or Vault file
   */
  public get vaultAuth(): VaultAuth | undefined {
    return this.vaultParts?.auth;
  }

  /**
   * The tenant's Vault role.
   * @default - none until the tenant's first Vault secret or Vault file
   */
  public get vaultRole(): VaultKubernetesRole | undefined {
    return this.vaultParts?.role;
  }

  /**
   * The tenant's Vault role for Agent Injector pods (`<roleName>-agent`): the agent logs in with the pod's own
   * ServiceAccount token, whose audience is the API server's, so this role checks no audience. Same ServiceAccount,
   * namespace and policy as `Tenant.vaultRole`.
   * @default - none until the tenant's first workload with Vault files
   */
  public get vaultAgentRole(): VaultKubernetesRole | undefined {
    return this.agentRole;
  }

  /**
   * The tenant's Vault policy (derived from its reads).
   * @default - none until the tenant's first Vault secret or Vault file
   */
  public get vaultPolicy(): VaultPolicy | undefined {
    return this.vaultShared?.policy;
  }

  /**
   * The ServiceAccount the tenant logs in to Vault as.
   * @default - none until the tenant's first Vault secret or Vault file
   */
  public get vaultServiceAccount(): kplus.ServiceAccount | undefined {
    return this.vaultShared?.serviceAccount;
  }

  /**
   * The tenant's CSI identity.
   * @default - none until the tenant's first CSI secret
   */
  public get csiIdentity(): WorkloadIdentity | undefined {
    return this.csiParts?.identity;
  }

  /** The Secrets the tenant's backends produce, in the order they were added. */
  public get secrets(): IProducedSecret[] {
    return [...this.producedSecrets];
  }

  /** The tenant's workloads. */
  public get workloads(): TenantWorkload[] {
    return [...this.workloadList];
  }

  /**
   * Syncs a Secrets Manager secret into a Kubernetes Secret through the tenant's own SecretStore; the store's identity
   * is granted `secretsmanager:GetSecretValue` on that secret only.
   * @param name the ExternalSecret's name (and the Secret's, unless `targetName`)
   */
  public addSecretsManagerSecret(name: string, options: TenantSecretsManagerSecretOptions): ExternalSecret {
    const eso = this.platform._require(this, 'addSecretsManagerSecret', this.platform.externalSecrets, 'the External Secrets Operator');
    const store = this.smStore ?? (this.smStore = this.awsStore('SecretsManager', this.options.secretsManager, 'aws-secrets-manager', eso.controllerIdentity));
    const region = store.store.provider!.region!;
    const key = options.remoteKey ?? options.entry?.secretName;
    if (key !== undefined && !isUnresolved(key)) this.platform._claim(this, 'remoteKey', `secretsmanager:${region}:${key}`, key);
    const keys = options.keys;
    const remote = { remoteKey: options.entry ? undefined : options.remoteKey, secretsManagerEntry: options.entry };
    const es = new ExternalSecret(this, `ExternalSecret-${name}`, {
      name,
      store: store.store,
      targetName: options.targetName,
      refreshInterval: options.refreshInterval ?? Duration.hours(1),
      data: keys ? Object.entries(keys).map(([secretKey, property]) => ({ secretKey, property, ...remote })) : undefined,
      dataFrom: keys ? undefined : [DataFrom.extract(remote)],
    });
    this.producedSecrets.push(es);
    return es;
  }

  /**
   * Syncs Parameter Store parameters into a Kubernetes Secret through the tenant's own SecretStore; the store's
   * identity is granted `ssm:GetParameter` on those parameters only.
   * @param name the ExternalSecret's name (and the Secret's, unless `targetName`)
   */
  public addParameterStoreSecret(name: string, options: TenantParameterStoreSecretOptions): ExternalSecret {
    const eso = this.platform._require(this, 'addParameterStoreSecret', this.platform.externalSecrets, 'the External Secrets Operator');
    const store = this.psStore ?? (this.psStore = this.awsStore('ParameterStore', this.options.parameterStore, 'aws-parameter-store', eso.controllerIdentity));
    const region = store.store.provider!.region!;
    const entries = Object.entries(options.parameters);
    if (entries.length === 0) {
      throw validationError(this, { code: 'CS-PLATFORM-007', prop: 'parameters', value: {}, problem: 'is empty, so nothing is synced', fix: 'map at least one Secret key to a parameter name' });
    }
    for (const [, p] of entries) if (!isUnresolved(p)) this.platform._claim(this, 'parameters', `ssm:${region}:/${p.replace(/^\/+/, '')}`, p);
    const es = new ExternalSecret(this, `ExternalSecret-${name}`, {
      name,
      store: store.store,
      targetName: options.targetName,
      refreshInterval: options.refreshInterval ?? Duration.hours(1),
      data: entries.map(([secretKey, remoteKey]) => ({ secretKey, remoteKey })),
    });
    this.producedSecrets.push(es);
    return es;
  }

  /**
   * Syncs a secret of the platform's KV v2 mount into a Kubernetes Secret through the Vault Secrets Operator, logged
   * in with the tenant's own Vault role; the path is added to the tenant's policy only.
   * @param name the VaultStaticSecret's name (and the Secret's, unless `targetName`)
   */
  public addVaultSecret(name: string, options: TenantVaultSecretOptions): VaultStaticSecret {
    this.platform._require(this, 'addVaultSecret', this.platform.vaultSecretsOperator, 'the Vault Secrets Operator');
    const vault = this.vaultIdentity();
    const mount = this.platform.vaultKvMount!;
    this.platform._claim(this, 'path', `vault:${mount.mountPath}/${options.path}`, `${mount.mountPath}/${options.path}`);
    const secret = new VaultStaticSecret(this, `VaultStaticSecret-${name}`, {
      name,
      vaultAuth: vault.auth,
      mount,
      path: options.path,
      refreshAfter: options.refreshAfter ?? Duration.hours(1),
      destination: { name: options.targetName ?? name, create: true },
      expectedKeys: options.keys,
    });
    this.producedSecrets.push(secret);
    return secret;
  }

  /**
   * Dynamic database credentials from a Vault database secrets engine, synced into a Kubernetes Secret by the Vault
   * Secrets Operator (renewed with the lease), logged in with the tenant's own Vault role; `read` on
   * `<mount>/creds/<role>` is added to the tenant's policy only.
   * @param name the VaultDynamicSecret's name (and the Secret's, unless `targetName`)
   */
  public addVaultDatabaseSecret(name: string, options: TenantVaultDatabaseSecretOptions): VaultDynamicSecret {
    this.platform._require(this, 'addVaultDatabaseSecret', this.platform.vaultSecretsOperator, 'the Vault Secrets Operator');
    const vault = this.vaultIdentity();
    const r = options.databaseRole;
    this.platform._claim(this, 'databaseRole', `vault:${r.mountPath}/creds/${r.roleName}`, `${r.mountPath}/creds/${r.roleName}`);
    const secret = new VaultDynamicSecret(this, `VaultDynamicSecret-${name}`, {
      name,
      vaultAuth: vault.auth,
      databaseRole: r,
      destination: { name: options.targetName ?? name, create: true },
      expectedKeys: ['username', 'password'],
    });
    this.producedSecrets.push(secret);
    return secret;
  }

  /**
   * A SealedSecret, sealed at synth with the platform's certificate (no plaintext in any output).
   * @param name the SealedSecret's (and the Secret's) name
   */
  public addSealedSecret(name: string, options: TenantSealedSecretOptions): SealedSecret {
    const certificate = this.platform._require(this, 'addSealedSecret', this.platform.sealingCertificate, 'Sealed Secrets');
    const sealed = new SealedSecret(this, `SealedSecret-${name}`, {
      name,
      certificate,
      resealing: this.platform.resealing,
      values: options.values,
      sealingScope: options.sealingScope,
      type: options.type,
    });
    this.producedSecrets.push(sealed);
    return sealed;
  }

  /**
   * A SecretProviderClass of the AWS provider, read with the tenant's own CSI identity (granted exactly these
   * objects). Workloads mount it with `csiMounts`; `addSecretObject()` on the result syncs objects into a Secret.
   * @param name the SecretProviderClass's name
   */
  public addCsiSecret(name: string, options: TenantCsiSecretOptions): AwsSecretProviderClass {
    this.platform._require(this, 'addCsiSecret', this.platform.csiDriver, 'the Secrets Store CSI driver');
    const csi = this.csiIdentity_();
    for (const o of options.objects) {
      const key = o._name ?? o._arn;
      if (key === undefined || isUnresolved(key)) continue;
      const service = o.objectType === AwsCsiObjectType.SECRETS_MANAGER ? 'secretsmanager' : 'ssm';
      const normalized = service === 'ssm' ? `/${key.replace(/^\/+/, '')}` : key;
      this.platform._claim(this, 'objects', `${service}:${csi.region}:${normalized}`, key);
    }
    return new AwsSecretProviderClass(this, `SecretProviderClass-${name}`, {
      name,
      region: csi.region,
      identity: csi.identity,
      objects: options.objects,
    });
  }

  /**
   * A Deployment that consumes the tenant's Secrets: volumes (or env vars), Reloader annotations (or VSO restarts),
   * a Role for API reads, CSI volumes and Vault Agent files, all derived.
   * @param name the Deployment's (and its container's) name
   */
  public addWorkload(name: string, options: TenantWorkloadOptions): TenantWorkload {
    const w = new TenantWorkload(this, name, options);
    this.workloadList.push(w);
    return w;
  }

  /** The tenant's Vault ServiceAccount and policy, created on first use. @internal */
  public _vault(): { serviceAccount: kplus.ServiceAccount; policy: VaultPolicy } {
    return this.vaultBase();
  }

  /** The tenant's Vault role for Agent Injector pods, created on first use. @internal */
  public _vaultAgentRole(): VaultKubernetesRole {
    if (this.agentRole) return this.agentRole;
    const { policy } = this.vaultBase();
    const o = this.options.vault ?? {};
    this.agentRole = this.platform.vaultKubernetesAuth!.addRole(`${this.tenantName}-AgentRole`, {
      roleName: `${o.roleName ?? this.tenantNamespace}-agent`,
      ttl: o.ttl ?? Duration.hours(1),
      policies: [policy],
    });
    return this.agentRole;
  }

  /** The tenant's CSI identity, created on first use. @internal */
  public _csi(): WorkloadIdentity {
    return this.csiIdentity_().identity;
  }

  /** The tenant's Vault ServiceAccount and policy, shared by its VSO role and its Agent Injector role. */
  private vaultBase(): { serviceAccount: kplus.ServiceAccount; policy: VaultPolicy } {
    if (this.vaultShared) return this.vaultShared;
    const config = this.platform._require(this, 'vault', this.platform.vaultConfiguration, 'Vault');
    const o = this.options.vault ?? {};
    const saName = checkDnsSubdomain(this, 'vault.serviceAccountName', o.serviceAccountName ?? 'vault');
    const serviceAccount = new lazy.kplus.ServiceAccount(this, 'VaultServiceAccount', { metadata: { name: saName }, automountToken: false });
    const policy = config.addPolicy(`${this.tenantName}-Policy`, { policyName: o.policyName ?? this.tenantNamespace });
    this.vaultShared = { serviceAccount, policy };
    return this.vaultShared;
  }

  /** The tenant's VSO login: its role (with the token audience) and VaultAuth. */
  private vaultIdentity() {
    if (this.vaultParts) return this.vaultParts;
    const { serviceAccount, policy } = this.vaultBase();
    const o = this.options.vault ?? {};
    const role = this.platform.vaultKubernetesAuth!.addRole(`${this.tenantName}-Role`, {
      roleName: o.roleName ?? this.tenantNamespace,
      audience: o.audience ?? 'vault',
      ttl: o.ttl ?? Duration.hours(1),
      policies: [policy],
    });
    const auth = new VaultAuth(this, 'VaultAuth', {
      name: o.vaultAuthName ?? 'vault-auth',
      method: VaultAuthMethod.kubernetes({ role, serviceAccount: serviceAccount.name }),
    });
    this.vaultParts = { serviceAccount, role, policy, auth };
    return this.vaultParts;
  }

  private csiIdentity_() {
    if (this.csiParts) return this.csiParts;
    const o = this.options.csi ?? {};
    const identity = new WorkloadIdentity(this, 'CsiIdentity', {
      serviceAccountName: o.serviceAccountName ?? 'secrets-store-csi',
      roleName: o.roleName,
      description: `Secrets Store CSI reads of tenant ${this.tenantName}`,
    });
    this.csiParts = { identity, region: o.region ?? this.platform.target.region };
    return this.csiParts;
  }

  /** The tenant's store for one AWS backend: its own identity (IRSA) or its own role the controller assumes (Pod Identity). */
  private awsStore(kind: 'SecretsManager' | 'ParameterStore', o: TenantAwsStoreOptions = {}, defaultName: string,
    controller: WorkloadIdentity | undefined): { store: SecretStore; identity?: WorkloadIdentity; role: iam.IRole } {
    const target = this.platform.target;
    const prop = kind === 'SecretsManager' ? 'secretsManager' : 'parameterStore';
    const storeName = checkDnsSubdomain(this, `${prop}.storeName`, o.storeName ?? defaultName);
    const region = o.region ?? target.region;
    let auth: AwsAuth;
    let identity: WorkloadIdentity | undefined;
    let storeRole: StoreRole | undefined;
    if (target.defaultIdentityMode === IdentityMode.IRSA) {
      identity = new WorkloadIdentity(this, `${kind}Identity`, {
        serviceAccountName: o.serviceAccountName ?? storeName,
        roleName: o.roleName,
        mode: IdentityMode.IRSA,
        description: `ESO store ${this.tenantNamespace}/${storeName} of tenant ${this.tenantName}`,
      });
      auth = AwsAuth.serviceAccount(identity);
      // With session tags the reads go through a role the store assumes (ESO tags the AssumeRole session).
      if (o.sessionTags) storeRole = StoreRole.create();
    } else {
      if (o.serviceAccountName !== undefined) {
        throw validationError(this, {
          code: 'CS-PLATFORM-008',
          prop: `${prop}.serviceAccountName`,
          value: o.serviceAccountName,
          problem: 'names a store ServiceAccount, but under Pod Identity the store authenticates as the ESO controller, which assumes the tenant\'s role',
          fix: 'remove serviceAccountName, or build the target for IRSA',
        });
      }
      // Pod Identity: ESO's jwt auth (AssumeRoleWithWebIdentity) is IRSA-only, so the controller authenticates and
      // assumes a role of this tenant's own, trusted by the controller's role only and named by this store only.
      auth = AwsAuth.controllerIdentity(controller);
      storeRole = StoreRole.create({
        roleName: o.roleName ?? fitName(`${target._namePrefix}-${this.tenantNamespace}-${storeName}`, 64),
        description: `ESO store ${this.tenantNamespace}/${storeName} of tenant ${this.tenantName} (assumed by the ESO controller)`,
      });
    }
    const providerOptions = { region, auth, storeRole, abac: o.sessionTags };
    const provider = kind === 'SecretsManager' ? StoreProvider.awsSecretsManager(providerOptions) : StoreProvider.awsParameterStore(providerOptions);
    const store = new SecretStore(this, `${kind}Store`, { name: storeName, provider });
    const role = provider.assumedRoleOf(store) ?? identity!.role;
    return { store, identity, role };
  }
}

/**
 * A Deployment of a `Tenant` and the wiring of the Secrets it consumes. The Deployment, its container and its
 * `SecretConsumer` are public, to change anything the options do not cover.
 */
export class TenantWorkload extends Construct {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The application container. */
  public readonly container: kplus.Container;
  /** The consumer that derives volumes, env vars, Reloader annotations and RBAC. */
  public readonly consumer: SecretConsumer;
  /**
   * The Vault Agent injection.
   * @default - none (no `vaultFiles`)
   */
  public readonly vaultInjection?: VaultAgentInjection;
  private readonly tenant: Tenant;

  public constructor(tenant: Tenant, name: string, options: TenantWorkloadOptions) {
    super(tenant, `Workload-${name}`);
    this.tenant = tenant;
    checkDnsLabel(this, 'name', name);
    const csi = options.csiMounts ?? [];
    const vaultFiles = options.vaultFiles ?? [];
    if (csi.length > 0 && vaultFiles.length > 0) {
      throw validationError(this, {
        code: 'CS-PLATFORM-009',
        prop: 'vaultFiles',
        value: vaultFiles.map((f) => f.name),
        problem: 'and csiMounts both need the pod to run as a ServiceAccount of their own (the tenant\'s Vault one and its CSI one)',
        fix: 'split the workload in two, or sync the CSI objects or the Vault secret into a Secret and mount that',
      });
    }
    let serviceAccount: kplus.IServiceAccount | undefined;
    if (csi.length > 0) {
      tenant.platform._require(tenant, 'csiMounts', tenant.platform.csiDriver, 'the Secrets Store CSI driver');
      serviceAccount = tenant._csi().serviceAccount;
    }
    if (vaultFiles.length > 0) {
      const vault = tenant.platform._require(tenant, 'vaultFiles', tenant.platform.vault, 'Vault');
      if (!vault.injectorEnabled) {
        throw validationError(this, {
          code: 'CS-PLATFORM-010',
          prop: 'vaultFiles',
          value: vaultFiles.map((f) => f.name),
          problem: 'need the Vault Agent Injector, which the platform does not install',
          fix: 'set `injector` to true in the SecretsPlatform\'s `vault` options, or use `addVaultSecret` and mount the Secret',
        });
      }
      serviceAccount = tenant._vault().serviceAccount;
    }
    if (serviceAccount === undefined && (options.apiReads ?? []).length > 0) {
      // A Role for API reads is bound to a ServiceAccount of this workload alone (never the namespace's default one).
      serviceAccount = new lazy.kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name }, automountToken: false });
    }
    const labels = options.labels ?? { app: name };
    this.deployment = new lazy.kplus.Deployment(this, 'Deployment', {
      metadata: { name, labels: { ...labels } },
      replicas: options.replicas,
      select: false,
      podMetadata: { labels: { ...labels } },
      serviceAccount,
      // The Vault agent logs in with the pod's ServiceAccount token (API reads turn it on themselves); nothing else needs it.
      automountServiceAccountToken: vaultFiles.length > 0 ? true : undefined,
      securityContext: options.securityContext ?? { user: 1000, group: 1000, fsGroup: 2000 },
    });
    this.deployment.select(lazy.kplus.LabelSelector.of({ labels: { ...labels } }));
    this.container = this.deployment.addContainer({
      name,
      image: options.image,
      command: options.command,
      args: options.args,
      portNumber: options.portNumber,
    });
    this.consumer = new SecretConsumer(this, 'Secrets', { workload: this.deployment, reload: { mode: options.reloadMode ?? ReloadMode.EXPLICIT } });
    // CSI classes first: a Secret a class syncs needs the class mounted, at the path chosen here.
    for (const c of csi) this.consumer.mountSecretProviderClass(this.container, c.secretProviderClass, { path: c.path });
    for (const m of options.mounts ?? []) this.mount(m.secret, m.path);
    for (const e of options.env ?? []) this.consumer.env(this.container, e.secret, { variables: e.variables });
    for (const s of options.apiReads ?? []) this.consumer.readThroughApi(s);
    if (vaultFiles.length > 0) {
      const mount = tenant.platform.vaultKvMount!;
      for (const f of vaultFiles) tenant.platform._claim(tenant, 'vaultFiles', `vault:${mount.mountPath}/${f.path}`, `${mount.mountPath}/${f.path}`);
      this.vaultInjection = VaultAgentInjection.addTo(this.deployment, {
        role: tenant._vaultAgentRole().roleName,
        secrets: vaultFiles.map((f) => ({ name: f.name, secret: VaultSecretPath.kv(mount, f.path), template: f.template })),
      });
    }
  }

  /** Mounts one more of the tenant's Secrets as files. */
  public mount(secret: IProducedSecret, path: string): void {
    this.consumer.mount(this.container, secret, { path });
  }

  /** The tenant this workload belongs to. */
  public get tenantName(): string {
    return this.tenant.tenantName;
  }
}
