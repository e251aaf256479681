import { Chart, Duration } from 'cdk8s';
import { Tenant, TenantOptions } from './tenant';
import { ClusterTarget } from '../app/cluster-target';
import { validationError } from '../core/errors';
import { SecretsStoreCsiAwsProviderInstall, SecretsStoreCsiDriverInstall } from '../csi/install';
import { ExternalSecretsOperatorInstall } from '../eso/install';
import { IdentityMode } from '../identity/cluster-identity';
import { InstallDelivery } from '../install/delivery';
import { SealingCertificate } from '../sealed/certificate';
import { SealedSecretsInstall } from '../sealed/install';
import { Resealing } from '../sealed/resealing';
import { VaultConfiguration } from '../vault/configuration';
import { VaultInstall, VaultSecretsOperatorInstall } from '../vault/install';
import { VaultKubernetesAuth } from '../vault/kubernetes-auth';
import { VaultKvMount } from '../vault/kv-mount';
import { ReloaderInstall } from '../workloads/reloader';

/**
 * External Secrets Operator on a `SecretsPlatform` (AWS Secrets Manager and Parameter Store for tenants).
 */
export interface PlatformExternalSecretsOptions {
  /**
   * The namespace ESO is installed into.
   * @default 'external-secrets'
   */
  readonly namespace?: string;
  /**
   * Controller replicas.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The IAM role name of the controller's identity. The controller gets an AWS identity only when the target's
   * identity mode is Pod Identity (a namespaced store cannot use a per-store ServiceAccount there, so each tenant's
   * store makes the controller assume the tenant's own role); under IRSA each tenant's store authenticates with the
   * tenant's own ServiceAccount and the controller needs no AWS identity.
   * @default - `<stackName>-<namespace>-external-secrets`
   */
  readonly controllerRoleName?: string;
  /**
   * More Helm values for the chart (see `ExternalSecretsOperatorInstallProps.extraValues`).
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

/**
 * Vault on a `SecretsPlatform`: the server (or an external one), the Vault Secrets Operator, optionally the
 * Agent Injector, one KV v2 mount and one Kubernetes auth method that every tenant uses with a role and a policy
 * of its own.
 */
export interface PlatformVaultOptions {
  /**
   * The namespace of the Vault install.
   * @default 'vault'
   */
  readonly namespace?: string;
  /**
   * Run the server in dev mode (in-memory, unsealed, root token `root`): demos only.
   * @default false
   */
  readonly devMode?: boolean;
  /**
   * Serve the web UI.
   * @default false
   */
  readonly ui?: boolean;
  /**
   * Install the Agent Injector webhook (workloads then read Vault with `TenantWorkload.injectVaultSecret`).
   * @default false
   */
  readonly injector?: boolean;
  /**
   * Use a Vault server outside the cluster: no server is installed (only the injector, when enabled).
   * @default - the server is installed in the cluster
   */
  readonly externalAddress?: string;
  /**
   * Install the Vault Secrets Operator, with a default VaultConnection to the server. Tenants' Vault secrets
   * (`Tenant.addVaultSecret`) need it.
   * @default true
   */
  readonly operator?: boolean;
  /**
   * The namespace of the Vault Secrets Operator.
   * @default 'vault-secrets-operator-system'
   */
  readonly operatorNamespace?: string;
  /**
   * The path of the KV v2 secrets engine tenants read from.
   * @default 'secret'
   */
  readonly kvMountPath?: string;
  /**
   * The path of the Kubernetes auth method tenants log in with.
   * @default 'kubernetes'
   */
  readonly authPath?: string;
  /**
   * The folder (relative to the target's output folder) of the generated Vault policies, roles and script.
   * @default 'vault'
   */
  readonly configurationDirectory?: string;
  /**
   * More Helm values for the Vault chart.
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

/**
 * Sealed Secrets on a `SecretsPlatform`: the controller, and the certificate tenants' values are sealed with.
 */
export interface PlatformSealedSecretsOptions {
  /** The controller's certificate (`kubeseal --fetch-cert`), as a file or string. */
  readonly certificate: SealingCertificate;
  /**
   * Keeps unchanged ciphertexts across runs (churn-free GitOps diffs).
   * @default - every synth seals every value afresh
   */
  readonly resealing?: Resealing;
  /**
   * The controller's name (`--controller-name` of kubeseal).
   * @default 'sealed-secrets-controller'
   */
  readonly controllerName?: string;
  /**
   * The controller's namespace.
   * @default 'kube-system'
   */
  readonly namespace?: string;
}

/**
 * The Secrets Store CSI driver and its AWS provider on a `SecretsPlatform`.
 */
export interface PlatformCsiOptions {
  /**
   * Let SecretProviderClasses sync objects into Kubernetes Secrets (`secretObjects`).
   * @default true
   */
  readonly syncSecret?: boolean;
  /**
   * Re-read mounted objects periodically (rotation).
   * @default true
   */
  readonly enableSecretRotation?: boolean;
  /**
   * How often mounted objects are re-read when rotation is on.
   * @default Duration.minutes(2)
   */
  readonly rotationPollInterval?: Duration;
}

/**
 * Stakater Reloader on a `SecretsPlatform`: tenants' workloads restart when the Secrets they consume change.
 */
export interface PlatformReloaderOptions {
  /**
   * The namespace of the install.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Reload workloads whose Secrets carry no explicit annotation too (`autoReloadAll`). Tenants' workloads are
   * annotated explicitly, so this is only for workloads outside the platform.
   * @default false
   */
  readonly autoReloadAll?: boolean;
}

/**
 * Props for `SecretsPlatform`. A backend is installed when its options are given (`{}` for the defaults).
 */
export interface SecretsPlatformProps {
  /**
   * How the installs reach the cluster.
   * @default - the target's delivery
   */
  readonly delivery?: InstallDelivery;
  /**
   * Install the External Secrets Operator (tenants' AWS Secrets Manager and Parameter Store secrets).
   * @default - not installed
   */
  readonly externalSecrets?: PlatformExternalSecretsOptions;
  /**
   * Install Vault and the Vault Secrets Operator (tenants' Vault secrets).
   * @default - not installed
   */
  readonly vault?: PlatformVaultOptions;
  /**
   * Install the Sealed Secrets controller (tenants' sealed secrets).
   * @default - not installed
   */
  readonly sealedSecrets?: PlatformSealedSecretsOptions;
  /**
   * Install the Secrets Store CSI driver and AWS provider (tenants' CSI secrets).
   * @default - not installed
   */
  readonly secretsStoreCsi?: PlatformCsiOptions;
  /**
   * Install Reloader, so workloads restart when their Secrets change.
   * @default - not installed (Reloader annotations are still written; VSO restarts its consumers itself)
   */
  readonly reloader?: PlatformReloaderOptions;
}

/** Which remote secret a tenant claimed, for the one-owner rule. */
interface Claim {
  readonly tenant: string;
  readonly path: string;
}

/**
 * A secrets platform on one cluster: the installs of the chosen backends, and tenants, each with a namespace, its
 * secrets from any backend and the workloads that consume them. Stores, identities, Vault roles and policies, RBAC
 * and reload wiring are derived per tenant.
 *
 * Isolation is the default: each tenant gets its own namespaced SecretStore per AWS backend with its own IAM role
 * (granted exactly the secrets its ExternalSecrets read), its own Vault role bound to its own ServiceAccount and
 * namespace with a policy derived from its own reads, and Roles with `get` on named Secrets of its namespace. A
 * remote secret (a Secrets Manager secret, a parameter, a Vault path) belongs to one tenant: claiming it from a
 * second tenant fails synth.
 *
 * The platform is the chart of the installs (it has no namespace); each tenant is a chart of its own in the
 * target's Kubernetes app. Every underlying construct is reachable through typed members.
 *
 * @example
 * const platform = new SecretsPlatform(target, 'platform', { externalSecrets: {}, reloader: {} });
 * const shop = platform.addTenant('shop');
 * const db = shop.addSecretsManagerSecret('db', { remoteKey: 'shop/db' });
 * shop.addWorkload('api', { image: 'ghcr.io/example/api:1.0.0', mounts: [{ secret: db, path: '/etc/secrets/db' }] });
 */
export class SecretsPlatform extends Chart {
  /** Whether an object is a SecretsPlatform (works across copies of this library). */
  public static isSecretsPlatform(x: any): x is SecretsPlatform {
    return x !== null && typeof x === 'object' && PLATFORM_SYMBOL in x;
  }

  /** The cluster the platform is for. */
  public readonly target: ClusterTarget;
  /**
   * The External Secrets Operator install.
   * @default - not installed
   */
  public readonly externalSecrets?: ExternalSecretsOperatorInstall;
  /**
   * The Vault install.
   * @default - not installed
   */
  public readonly vault?: VaultInstall;
  /**
   * The Vault Secrets Operator install.
   * @default - not installed
   */
  public readonly vaultSecretsOperator?: VaultSecretsOperatorInstall;
  /**
   * The Vault side: mounts, auth method, tenants' roles and policies, written as files and a script.
   * @default - no Vault
   */
  public readonly vaultConfiguration?: VaultConfiguration;
  /**
   * The KV v2 mount tenants read from.
   * @default - no Vault
   */
  public readonly vaultKvMount?: VaultKvMount;
  /**
   * The Kubernetes auth method tenants log in with.
   * @default - no Vault
   */
  public readonly vaultKubernetesAuth?: VaultKubernetesAuth;
  /**
   * The Vault server's address for clients.
   * @default - no Vault
   */
  public readonly vaultAddress?: string;
  /**
   * The Sealed Secrets controller install.
   * @default - not installed
   */
  public readonly sealedSecrets?: SealedSecretsInstall;
  /**
   * The certificate tenants' values are sealed with.
   * @default - no Sealed Secrets
   */
  public readonly sealingCertificate?: SealingCertificate;
  /**
   * The resealing source that keeps unchanged ciphertexts.
   * @default - none
   */
  public readonly resealing?: Resealing;
  /**
   * The Secrets Store CSI driver install.
   * @default - not installed
   */
  public readonly csiDriver?: SecretsStoreCsiDriverInstall;
  /**
   * The Secrets Store CSI AWS provider install.
   * @default - not installed
   */
  public readonly csiAwsProvider?: SecretsStoreCsiAwsProviderInstall;
  /**
   * The Reloader install.
   * @default - not installed
   */
  public readonly reloader?: ReloaderInstall;
  private readonly tenantsByName = new Map<string, Tenant>();
  private readonly claims = new Map<string, Claim>();

  public constructor(target: ClusterTarget, id: string, props: SecretsPlatformProps = {}) {
    super(target.k8sApp, id);
    Object.defineProperty(this, PLATFORM_SYMBOL, { value: true });
    this.target = target;
    const delivery = props.delivery;

    const eso = props.externalSecrets;
    if (eso) {
      const podIdentity = target.hasAws && target.defaultIdentityMode === IdentityMode.POD_IDENTITY;
      if (eso.controllerRoleName !== undefined && !podIdentity) {
        throw validationError(this, {
          code: 'CS-PLATFORM-001',
          prop: 'externalSecrets.controllerRoleName',
          value: eso.controllerRoleName,
          problem: 'names a controller role, but the controller gets an AWS identity only under Pod Identity (under IRSA each tenant\'s store uses its own ServiceAccount)',
          fix: 'remove controllerRoleName, or build the target for Pod Identity (clusterName, no irsa)',
        });
      }
      this.externalSecrets = new ExternalSecretsOperatorInstall(this, 'ExternalSecrets', {
        namespace: eso.namespace,
        replicas: eso.replicas,
        delivery,
        values: eso.values,
        controllerIdentity: podIdentity ? { mode: IdentityMode.POD_IDENTITY, roleName: eso.controllerRoleName } : undefined,
      });
    }

    const v = props.vault;
    if (v) {
      const server = v.externalAddress === undefined;
      const injector = v.injector ?? false;
      const operator = v.operator ?? true;
      if (!server && !injector && !operator) {
        throw validationError(this, {
          code: 'CS-PLATFORM-002',
          prop: 'vault',
          value: { externalAddress: v.externalAddress, injector, operator },
          problem: 'installs nothing: the server is external, and the injector and the operator are off',
          fix: 'enable operator or injector, or leave vault out',
        });
      }
      if (server || injector) {
        this.vault = new VaultInstall(this, 'Vault', {
          namespace: v.namespace,
          server,
          devMode: v.devMode,
          ui: v.ui,
          injector,
          externalVaultAddress: v.externalAddress,
          values: v.values,
          delivery,
        });
      }
      this.vaultAddress = this.vault?.address ?? v.externalAddress!;
      if (operator) {
        this.vaultSecretsOperator = new VaultSecretsOperatorInstall(this, 'VaultSecretsOperator', {
          namespace: v.operatorNamespace,
          defaultConnection: { address: this.vaultAddress, skipTlsVerify: false },
          delivery,
        });
      }
      this.vaultConfiguration = new VaultConfiguration(this, 'VaultConfiguration', { directory: v.configurationDirectory });
      this.vaultKvMount = this.vaultConfiguration.addKvMount('KvMount', { path: v.kvMountPath ?? 'secret' });
      this.vaultKubernetesAuth = this.vaultConfiguration.addKubernetesAuth('KubernetesAuth', { path: v.authPath ?? 'kubernetes' });
    }

    const s = props.sealedSecrets;
    if (s) {
      this.sealedSecrets = new SealedSecretsInstall(this, 'SealedSecrets', {
        controllerName: s.controllerName,
        namespace: s.namespace,
        delivery,
      });
      this.sealingCertificate = s.certificate;
      this.resealing = s.resealing;
    }

    const csi = props.secretsStoreCsi;
    if (csi) {
      const rotation = csi.enableSecretRotation ?? true;
      this.csiDriver = new SecretsStoreCsiDriverInstall(this, 'CsiDriver', {
        syncSecret: csi.syncSecret ?? true,
        enableSecretRotation: rotation,
        rotationPollInterval: rotation ? (csi.rotationPollInterval ?? Duration.minutes(2)) : undefined,
        delivery,
      });
      this.csiAwsProvider = new SecretsStoreCsiAwsProviderInstall(this, 'CsiAwsProvider', { delivery });
    }

    const r = props.reloader;
    if (r) {
      this.reloader = new ReloaderInstall(this, 'Reloader', {
        namespace: r.namespace,
        enableCsiIntegration: csi !== undefined,
        autoReloadAll: r.autoReloadAll,
        delivery,
      });
    }
  }

  /**
   * Adds a tenant: a namespace (created), and the secrets and workloads added to the returned `Tenant`.
   * @param name the tenant's name: a DNS-1123 label, also its namespace unless `options.namespace` says otherwise
   */
  public addTenant(name: string, options: TenantOptions = {}): Tenant {
    return new Tenant(this, name, options);
  }

  /** Every tenant, in the order they were added. */
  public get tenants(): Tenant[] {
    return [...this.tenantsByName.values()];
  }

  /**
   * The tenant of that name.
   * @throws when the platform has no such tenant
   */
  public tenant(name: string): Tenant {
    const t = this.tenantsByName.get(name);
    if (!t) {
      throw validationError(this, {
        code: 'CS-PLATFORM-003',
        prop: 'name',
        value: name,
        problem: `is not a tenant of this platform (tenants: ${[...this.tenantsByName.keys()].join(', ') || 'none'})`,
        fix: 'add it with the `addTenant` method first',
      });
    }
    return t;
  }

  /** Registers a tenant (called by the Tenant constructor). @internal */
  public _registerTenant(tenant: Tenant): void {
    const clash = [...this.tenantsByName.values()].find((t) => t.tenantNamespace === tenant.tenantNamespace);
    if (this.tenantsByName.has(tenant.tenantName) || clash) {
      throw validationError(tenant, {
        code: 'CS-PLATFORM-004',
        prop: this.tenantsByName.has(tenant.tenantName) ? 'name' : 'namespace',
        value: this.tenantsByName.has(tenant.tenantName) ? tenant.tenantName : tenant.tenantNamespace,
        problem: `is already taken by tenant "${(this.tenantsByName.get(tenant.tenantName) ?? clash)!.tenantName}": tenants are isolated by namespace, one namespace per tenant`,
        fix: 'give every tenant its own name and namespace',
      });
    }
    this.tenantsByName.set(tenant.tenantName, tenant);
  }

  /**
   * Records that a tenant reads a remote secret; throws when another tenant already does (a remote secret belongs to
   * one tenant, so no tenant's identity, store or policy can reach another tenant's secret).
   * @internal
   */
  public _claim(tenant: Tenant, prop: string, key: string, description: string): void {
    const existing = this.claims.get(key);
    if (existing && existing.tenant !== tenant.tenantName) {
      throw validationError(tenant, {
        code: 'CS-PLATFORM-005',
        prop,
        value: description,
        problem: `is already read by tenant "${existing.tenant}" (${existing.path}); a remote secret belongs to one tenant, so each tenant's identity and policy reach only its own secrets`,
        fix: 'give each tenant its own remote secrets (for example under a per-tenant prefix), or move the consumer into the owning tenant',
      });
    }
    if (!existing) this.claims.set(key, { tenant: tenant.tenantName, path: tenant.node.path });
  }

  /** Throws when the platform lacks a backend a tenant asked for. @internal */
  public _require<T>(tenant: Tenant, prop: string, value: T | undefined, backend: string): T {
    if (value === undefined) {
      throw validationError(tenant, {
        code: 'CS-PLATFORM-006',
        prop,
        problem: `needs ${backend}, which platform ${this.node.path} does not install`,
        fix: `give the SecretsPlatform the ${backend === 'Sealed Secrets' ? 'sealedSecrets' : backend === 'Vault' ? 'vault' : backend === 'the Secrets Store CSI driver' ? 'secretsStoreCsi' : 'externalSecrets'} option`,
      });
    }
    return value;
  }
}

const PLATFORM_SYMBOL = Symbol.for('cdk8s-secrets.SecretsPlatform');
