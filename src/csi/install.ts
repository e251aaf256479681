import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { goDuration } from '../core/duration';
import { validationError } from '../core/errors';
import { Charts } from '../install/charts';
import { InstallDelivery } from '../install/delivery';
import { HelmInstall } from '../install/helm-install';

/**
 * Props for `SecretsStoreCsiDriverInstall`.
 */
export interface SecretsStoreCsiDriverInstallProps {
  /**
   * The namespace the driver runs in.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * The Helm release name.
   * @default 'csi-secrets-store'
   */
  readonly releaseName?: string;
  /**
   * Install the RBAC that lets the driver write Kubernetes Secrets (`syncSecret.enabled`), needed by
   * SecretProviderClasses with `secretObjects`. Off by default: it lets the driver create and update
   * Secrets in every namespace.
   * @default false
   */
  readonly syncSecret?: boolean;
  /**
   * Re-read mounted objects periodically and update files and synced Secrets (`enableSecretRotation`).
   * Reloader's CSI integration reacts to these updates.
   * @default false
   */
  readonly enableSecretRotation?: boolean;
  /**
   * How often rotation re-reads objects (`rotationPollInterval`). Only with `enableSecretRotation`.
   * @default - the driver's default (2 minutes)
   */
  readonly rotationPollInterval?: Duration;
  /**
   * Audiences of the ServiceAccount tokens the driver passes to providers (`tokenRequests`). The AWS
   * provider needs `sts.amazonaws.com` (IRSA) and `pods.eks.amazonaws.com` (Pod Identity).
   * @default ['sts.amazonaws.com', 'pods.eks.amazonaws.com']
   */
  readonly tokenAudiences?: string[];
  /**
   * How the install reaches the cluster.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;
}

/**
 * Installs the Secrets Store CSI driver (chart pinned in `Charts.SECRETS_STORE_CSI_DRIVER`).
 *
 * @see https://secrets-store-csi-driver.sigs.k8s.io/
 */
export class SecretsStoreCsiDriverInstall extends Construct {
  /** The underlying Helm install. */
  public readonly helmInstall: HelmInstall;
  /** Whether the driver may sync mounted objects into Kubernetes Secrets. */
  public readonly syncSecret: boolean;

  public constructor(scope: Construct, id: string, props: SecretsStoreCsiDriverInstallProps = {}) {
    super(scope, id);
    this.syncSecret = props.syncSecret ?? false;
    const rotation = props.enableSecretRotation ?? false;
    if (props.rotationPollInterval !== undefined && !rotation) {
      throw validationError(this, {
        code: 'CS-CSI-001',
        prop: 'rotationPollInterval',
        value: goDuration(props.rotationPollInterval),
        problem: 'has no effect without enableSecretRotation',
        fix: 'set enableSecretRotation: true, or remove rotationPollInterval',
      });
    }
    if (props.rotationPollInterval !== undefined && props.rotationPollInterval.toSeconds() <= 0) {
      throw validationError(this, { code: 'CS-CSI-002', prop: 'rotationPollInterval', value: goDuration(props.rotationPollInterval), problem: 'must be positive', fix: 'use a period such as `Duration.minutes(2)`' });
    }
    const audiences = [...new Set(props.tokenAudiences ?? ['sts.amazonaws.com', 'pods.eks.amazonaws.com'])];
    if (audiences.some((a) => a.trim().length === 0)) {
      throw validationError(this, { code: 'CS-CSI-003', prop: 'tokenAudiences', value: props.tokenAudiences, problem: 'contains an empty audience', fix: 'remove the empty entry' });
    }
    const values: { [key: string]: any } = {
      syncSecret: { enabled: this.syncSecret },
      enableSecretRotation: rotation,
      tokenRequests: audiences.map((audience) => ({ audience })),
    };
    if (props.rotationPollInterval !== undefined) values.rotationPollInterval = goDuration(props.rotationPollInterval);
    this.helmInstall = new HelmInstall(this, 'Install', {
      chart: Charts.SECRETS_STORE_CSI_DRIVER,
      releaseName: props.releaseName ?? 'csi-secrets-store',
      namespace: props.namespace ?? 'kube-system',
      delivery: props.delivery,
      values,
    });
  }
}

/**
 * Props for `SecretsStoreCsiAwsProviderInstall`.
 */
export interface SecretsStoreCsiAwsProviderInstallProps {
  /**
   * The namespace the provider runs in (the driver's).
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * The Helm release name.
   * @default 'secrets-provider-aws'
   */
  readonly releaseName?: string;
  /**
   * The region the provider reads from when a SecretProviderClass names none (`awsRegion`).
   * @default - the node's region
   */
  readonly region?: string;
  /**
   * Use FIPS endpoints (`useFipsEndpoint`).
   * @default false
   */
  readonly useFipsEndpoint?: boolean;
  /**
   * Also install the CSI driver as the chart's subchart. Off by default: the subchart is pinned to a
   * version range ("^1"), so install the driver with `SecretsStoreCsiDriverInstall` instead.
   * @default false
   */
  readonly installDriver?: boolean;
  /**
   * How the install reaches the cluster.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;
}

/**
 * Installs the AWS provider of the Secrets Store CSI driver (chart pinned in
 * `Charts.SECRETS_STORE_CSI_PROVIDER_AWS`).
 *
 * @see https://github.com/aws/secrets-store-csi-driver-provider-aws
 */
export class SecretsStoreCsiAwsProviderInstall extends Construct {
  /** The underlying Helm install. */
  public readonly helmInstall: HelmInstall;

  public constructor(scope: Construct, id: string, props: SecretsStoreCsiAwsProviderInstallProps = {}) {
    super(scope, id);
    if (props.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(props.region)) {
      throw validationError(this, { code: 'CS-CSI-004', prop: 'region', value: props.region, problem: 'is not an AWS region code', fix: 'use a region such as "eu-west-1"' });
    }
    const values: { [key: string]: any } = {
      'useFipsEndpoint': props.useFipsEndpoint ?? false,
      'secrets-store-csi-driver': { install: props.installDriver ?? false },
    };
    if (props.region !== undefined) values.awsRegion = props.region;
    this.helmInstall = new HelmInstall(this, 'Install', {
      chart: Charts.SECRETS_STORE_CSI_PROVIDER_AWS,
      releaseName: props.releaseName ?? 'secrets-provider-aws',
      namespace: props.namespace ?? 'kube-system',
      delivery: props.delivery,
      values,
    });
  }
}
