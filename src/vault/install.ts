import { Construct } from 'constructs';
import { checkAddress } from './connection';
import { IVaultKubernetesAuth } from './kubernetes-auth';
import { validationError } from '../core/errors';
import { registerInTree } from '../core/tree-cache';
import { checkDnsLabel, checkDnsSubdomain } from '../core/validate';
import { Charts } from '../install/charts';
import { InstallDelivery } from '../install/delivery';
import { HelmInstall } from '../install/helm-install';

/** @internal */
export const INSTALL_SYMBOL = Symbol.for('cdk8s-secrets.VaultInstall');
/** @internal */
export const VSO_INSTALL_SYMBOL = Symbol.for('cdk8s-secrets.VaultSecretsOperatorInstall');

/**
 * Props for `VaultInstall`.
 */
export interface VaultInstallProps {
  /**
   * The namespace Vault installs into.
   * @default 'vault'
   */
  readonly namespace?: string;
  /**
   * The Helm release name.
   * @default 'vault'
   */
  readonly releaseName?: string;
  /**
   * How the install reaches the cluster.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;
  /**
   * Install the Vault server. Set to false to install only the Agent Injector for a Vault outside the
   * cluster (then set `externalVaultAddress`).
   * @default true
   */
  readonly server?: boolean;
  /**
   * Run the server in dev mode (`server.dev.enabled`): in memory, unsealed, root token "root". For demos
   * only: all data is lost on restart.
   * @default false
   */
  readonly devMode?: boolean;
  /**
   * Create the UI Service (`ui.enabled`).
   * @default false
   */
  readonly ui?: boolean;
  /**
   * Install the Agent Injector webhook (`injector.enabled`).
   * @default true
   */
  readonly injector?: boolean;
  /**
   * The address of a Vault outside the cluster (`global.externalVaultAddr`), for the injector.
   * @default - the in-cluster server
   */
  readonly externalVaultAddress?: string;
  /**
   * The Kubernetes auth method injected agents log in with by default (`injector.authPath`).
   * @default - the chart's default, auth/kubernetes (pods may still annotate their own)
   */
  readonly injectorAuth?: IVaultKubernetesAuth;
  /**
   * More Helm values (for example `server.ha`), merged over the derived ones. Values that a typed prop
   * sets (`server.enabled`, `server.dev.enabled`, `ui.enabled`, `injector.enabled`, `injector.authPath`,
   * `global.externalVaultAddr`) are rejected: use the prop.
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

/**
 * The HashiCorp Vault server and Agent Injector (chart `vault`, pinned in `Charts.VAULT`).
 *
 * ```ts
 * // the seed's demo install: dev server, UI, no injector
 * new VaultInstall(chart, 'Vault', { devMode: true, ui: true, injector: false });
 * ```
 * @see https://developer.hashicorp.com/vault/docs/platform/k8s/helm/configuration
 */
export class VaultInstall extends Construct {
  /** Whether a construct is a VaultInstall (works across copies of this library). */
  public static isVaultInstall(x: any): x is VaultInstall {
    return x !== null && typeof x === 'object' && INSTALL_SYMBOL in x;
  }

  /** The underlying chart install. */
  public readonly helmInstall: HelmInstall;
  /** The namespace Vault runs in. */
  public readonly namespace: string;
  /** The server's address for clients (VSO, ESO, agents): the in-cluster Service, or the external address. */
  public readonly address: string;
  /** Whether the Agent Injector webhook is installed. */
  public readonly injectorEnabled: boolean;

  public constructor(scope: Construct, id: string, props: VaultInstallProps = {}) {
    super(scope, id);
    Object.defineProperty(this, INSTALL_SYMBOL, { value: true });
    registerInTree(this, INSTALL_SYMBOL);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'vault');
    const release = checkDnsLabel(this, 'releaseName', props.releaseName ?? 'vault');
    const server = props.server ?? true;
    const injector = props.injector ?? true;
    this.injectorEnabled = injector;
    const dev = props.devMode ?? false;
    if (!server && !injector) {
      throw validationError(this, { code: 'CS-VAULT-029', prop: 'server', value: false, problem: 'and injector are both false: nothing would be installed', fix: 'enable the server, the injector, or both' });
    }
    if (!server && dev) {
      throw validationError(this, { code: 'CS-VAULT-030', prop: 'devMode', value: true, problem: 'needs the server, but server is false', fix: 'remove devMode, or install the server' });
    }
    if (!server && props.externalVaultAddress === undefined) {
      throw validationError(this, {
        code: 'CS-VAULT-031',
        prop: 'externalVaultAddress',
        problem: 'is required when server is false: the injector must know where Vault is',
        fix: 'set externalVaultAddress to the Vault URL, such as "https://vault.example.com:8200"',
      });
    }
    if (props.externalVaultAddress !== undefined) {
      checkAddress(this, 'externalVaultAddress', props.externalVaultAddress);
      if (server) {
        throw validationError(this, {
          code: 'CS-VAULT-032',
          prop: 'externalVaultAddress',
          value: props.externalVaultAddress,
          problem: 'disables the in-cluster server in the chart, but server is true',
          fix: 'set server: false to use an external Vault, or remove externalVaultAddress',
        });
      }
    }
    // The chart's fullname: the release name when it contains "vault", else "<release>-vault".
    const fullname = release.includes('vault') ? release : `${release}-vault`;
    this.address = props.externalVaultAddress ?? `http://${fullname}.${this.namespace}.svc.cluster.local:8200`;

    const values: { [key: string]: any } = {
      server: { enabled: server, dev: { enabled: dev } },
      ui: { enabled: props.ui ?? false },
      injector: {
        enabled: injector,
        ...(props.injectorAuth ? { authPath: `auth/${props.injectorAuth.path}` } : {}),
      },
    };
    if (props.externalVaultAddress !== undefined) values.global = { externalVaultAddr: props.externalVaultAddress };
    this.helmInstall = new HelmInstall(this, 'Helm', {
      chart: Charts.VAULT,
      releaseName: release,
      namespace: this.namespace,
      values: mergeValues(this, values, props.values, [
        'server.enabled', 'server.dev.enabled', 'ui.enabled', 'injector.enabled', 'injector.authPath', 'global.externalVaultAddr',
      ]),
      delivery: props.delivery,
    });
  }
}

/**
 * The operator's default VaultConnection (chart values `defaultVaultConnection`).
 */
export interface VaultDefaultConnection {
  /** The Vault address, such as `VaultInstall.address`. */
  readonly address: string;
  /**
   * Skip TLS verification (insecure).
   * @default false
   */
  readonly skipTlsVerify?: boolean;
  /**
   * A Secret in the operator's namespace holding the CA certificate.
   * @default - system roots
   */
  readonly caCertSecret?: string;
  /**
   * The TLS server name.
   * @default - the address's host
   */
  readonly tlsServerName?: string;
  /**
   * Headers on every request to Vault.
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/**
 * Props for `VaultSecretsOperatorInstall`.
 */
export interface VaultSecretsOperatorInstallProps {
  /**
   * The namespace the operator installs into.
   * @default 'vault-secrets-operator-system'
   */
  readonly namespace?: string;
  /**
   * The Helm release name.
   * @default 'vault-secrets-operator'
   */
  readonly releaseName?: string;
  /**
   * How the install reaches the cluster.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;
  /**
   * The default VaultConnection, used by every VaultAuth that names no connection.
   * @default - none: every VaultAuth must name a VaultConnection
   */
  readonly defaultConnection?: VaultDefaultConnection;
  /**
   * Operator replicas (`controller.replicas`).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * More Helm values (for example `controller.manager.resources`), merged over the derived ones. Values that
   * a typed prop sets (`controller.replicas`, `defaultVaultConnection`) are rejected: use the prop.
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

/**
 * The Vault Secrets Operator (chart `vault-secrets-operator`, pinned in
 * `Charts.VAULT_SECRETS_OPERATOR`), with its default VaultConnection.
 * @see https://developer.hashicorp.com/vault/docs/platform/k8s/vso/helm
 */
export class VaultSecretsOperatorInstall extends Construct {
  /** Whether a construct is a VaultSecretsOperatorInstall (works across copies of this library). */
  public static isVaultSecretsOperatorInstall(x: any): x is VaultSecretsOperatorInstall {
    return x !== null && typeof x === 'object' && VSO_INSTALL_SYMBOL in x;
  }

  /** The underlying chart install. */
  public readonly helmInstall: HelmInstall;
  /** The namespace the operator runs in (where its default VaultConnection lives). */
  public readonly namespace: string;
  /** Whether the install creates the default VaultConnection. */
  public readonly hasDefaultConnection: boolean;

  public constructor(scope: Construct, id: string, props: VaultSecretsOperatorInstallProps = {}) {
    super(scope, id);
    Object.defineProperty(this, VSO_INSTALL_SYMBOL, { value: true });
    registerInTree(this, VSO_INSTALL_SYMBOL);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'vault-secrets-operator-system');
    const release = checkDnsLabel(this, 'releaseName', props.releaseName ?? 'vault-secrets-operator');
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw validationError(this, { code: 'CS-VAULT-033', prop: 'replicas', value: replicas, problem: 'must be a whole number, at least 1', fix: 'use 1, or 2 or more for high availability' });
    }
    const values: { [key: string]: any } = { controller: { replicas } };
    const c = props.defaultConnection;
    this.hasDefaultConnection = c !== undefined;
    if (c) {
      checkAddress(this, 'defaultConnection.address', c.address);
      if (c.caCertSecret !== undefined) checkDnsSubdomain(this, 'defaultConnection.caCertSecret', c.caCertSecret);
      values.defaultVaultConnection = {
        enabled: true,
        address: c.address,
        skipTLSVerify: c.skipTlsVerify ?? false,
        ...(c.caCertSecret !== undefined ? { caCertSecret: c.caCertSecret } : {}),
        ...(c.tlsServerName !== undefined ? { tlsServerName: c.tlsServerName } : {}),
        ...(c.headers !== undefined ? { headers: { ...c.headers } } : {}),
      };
    }
    this.helmInstall = new HelmInstall(this, 'Helm', {
      chart: Charts.VAULT_SECRETS_OPERATOR,
      releaseName: release,
      namespace: this.namespace,
      values: mergeValues(this, values, props.values, ['controller.replicas', 'defaultVaultConnection']),
      delivery: props.delivery,
    });
  }
}

/** Deep-merges extra Helm values over derived ones, refusing the keys that typed props own. */
function mergeValues(
  scope: Construct,
  derived: { [key: string]: any },
  extra: { [key: string]: any } | undefined,
  reserved: string[],
): { [key: string]: any } {
  if (!extra) return derived;
  const copy = JSON.parse(JSON.stringify(extra));
  for (const key of reserved) {
    let node: any = copy;
    const parts = key.split('.');
    for (const p of parts.slice(0, -1)) node = node !== null && typeof node === 'object' ? node[p] : undefined;
    if (node !== null && typeof node === 'object' && parts[parts.length - 1] in node) {
      throw validationError(scope, {
        code: 'CS-VAULT-034',
        prop: `values.${key}`,
        value: node[parts[parts.length - 1]],
        problem: 'is set by a typed prop of this construct',
        fix: 'use the typed prop instead of raw values',
      });
    }
  }
  const merge = (a: any, b: any): any => {
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) || Array.isArray(b)) return b;
    const out: any = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
    return out;
  };
  return merge(derived, copy);
}
