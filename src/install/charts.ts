/**
 * A Helm chart pinned to one version.
 */
export interface ChartReference {
  /** The chart's name in its repository. */
  readonly chart: string;
  /** The chart repository URL (HTTPS Helm repository). */
  readonly repository: string;
  /** The exact chart version. Never a range: installs are reproducible. */
  readonly version: string;
  /**
   * The application version the chart ships (informational).
   * @default - the chart declares none
   */
  readonly appVersion?: string;
}

/**
 * The chart versions this library targets. One table, tested: every install uses these.
 */
export class Charts {
  /** External Secrets Operator. */
  public static readonly EXTERNAL_SECRETS: ChartReference = {
    chart: 'external-secrets',
    repository: 'https://charts.external-secrets.io',
    version: '2.9.0',
    appVersion: 'v2.9.0',
  };

  /** Bitnami Sealed Secrets controller. */
  public static readonly SEALED_SECRETS: ChartReference = {
    chart: 'sealed-secrets',
    repository: 'https://bitnami-labs.github.io/sealed-secrets',
    version: '2.18.5',
    appVersion: '0.36.6',
  };

  /** HashiCorp Vault server (and Agent Injector). */
  public static readonly VAULT: ChartReference = {
    chart: 'vault',
    repository: 'https://helm.releases.hashicorp.com',
    version: '0.34.1',
    appVersion: '2.0.4',
  };

  /** HashiCorp Vault Secrets Operator. */
  public static readonly VAULT_SECRETS_OPERATOR: ChartReference = {
    chart: 'vault-secrets-operator',
    repository: 'https://helm.releases.hashicorp.com',
    version: '1.4.1',
    appVersion: '1.4.1',
  };

  /** Stakater Reloader. */
  public static readonly RELOADER: ChartReference = {
    chart: 'reloader',
    repository: 'https://stakater.github.io/stakater-charts',
    version: '2.2.16',
    appVersion: 'v1.4.21',
  };

  /** Secrets Store CSI driver. */
  public static readonly SECRETS_STORE_CSI_DRIVER: ChartReference = {
    chart: 'secrets-store-csi-driver',
    repository: 'https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts',
    version: '1.6.0',
    appVersion: '1.6.0',
  };

  /** AWS provider for the Secrets Store CSI driver. */
  public static readonly SECRETS_STORE_CSI_PROVIDER_AWS: ChartReference = {
    chart: 'secrets-store-csi-driver-provider-aws',
    repository: 'https://aws.github.io/secrets-store-csi-driver-provider-aws',
    version: '3.1.1',
  };

  private constructor() {}
}
