import { Construct } from 'constructs';
import { validationError } from '../core/errors';
import { Charts } from '../install/charts';
import { InstallDelivery } from '../install/delivery';
import { HelmInstall } from '../install/helm-install';

/**
 * The Stakater Reloader annotations this library writes (spellings from the Reloader README at chart
 * 2.2.16 and the constants in its Go source). They go on the workload's own `metadata.annotations`,
 * never on the pod template.
 */
export class ReloaderAnnotations {
  /** Restart when any referenced ConfigMap or Secret changes. */
  public static readonly AUTO = 'reloader.stakater.com/auto';
  /** Restart when one of the named Secrets (comma-separated) changes. */
  public static readonly SECRET_RELOAD = 'secret.reloader.stakater.com/reload';
  /** Secrets an `auto` workload must not be restarted for (comma-separated). */
  public static readonly SECRETS_EXCLUDE = 'secrets.exclude.reloader.stakater.com/reload';
  /** Restart when one of the named SecretProviderClasses (comma-separated) rotates (needs CSI integration). */
  public static readonly SECRET_PROVIDER_CLASS_RELOAD = 'secretproviderclass.reloader.stakater.com/reload';
  /** Restart when any SecretProviderClass the pod mounts rotates (needs CSI integration). */
  public static readonly SECRET_PROVIDER_CLASS_AUTO = 'secretproviderclass.reloader.stakater.com/auto';
  /** Batches restarts of a Deployment: Reloader pauses the rollout for this period (Deployments only). */
  public static readonly DEPLOYMENT_PAUSE_PERIOD = 'deployment.reloader.stakater.com/pause-period';

  private constructor() {}
}

/**
 * Props for `ReloaderInstall`.
 */
export interface ReloaderInstallProps {
  /**
   * The namespace Reloader runs in.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * The Helm release name.
   * @default 'reloader'
   */
  readonly releaseName?: string;
  /**
   * Watch SecretProviderClass rotation (`--enable-csi-integration`), needed for the
   * `secretproviderclass.reloader.stakater.com/*` annotations.
   * @default false
   */
  readonly enableCsiIntegration?: boolean;
  /**
   * Restart every workload on any referenced change, without annotations (`--auto-reload-all`).
   * Off by default: workloads opt in through the annotations this library derives.
   * @default false
   */
  readonly autoReloadAll?: boolean;
  /**
   * Namespaces to watch. When set, Reloader watches exactly these (plus its own), with a namespaced Role in
   * each instead of a ClusterRole that can read every Secret in the cluster.
   * @default - every namespace (the chart's `watchGlobally: true`)
   */
  readonly watchNamespaces?: string[];
  /**
   * Run Reloader with a read-only root filesystem.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * How the install reaches the cluster.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;
}

/**
 * Installs Stakater Reloader (chart `reloader`, pinned in `Charts.RELOADER`).
 *
 * Reloader needs to read Secrets to notice changes: with `watchNamespaces` it gets namespaced Roles
 * only. Its Secret reads are the chart's RBAC, not something this library grants.
 *
 * @see https://github.com/stakater/Reloader
 */
export class ReloaderInstall extends Construct {
  /** The underlying Helm install. */
  public readonly helmInstall: HelmInstall;
  /** Whether CSI integration is on. */
  public readonly csiIntegration: boolean;

  public constructor(scope: Construct, id: string, props: ReloaderInstallProps = {}) {
    super(scope, id);
    this.csiIntegration = props.enableCsiIntegration ?? false;
    const namespaces = [...new Set(props.watchNamespaces ?? [])].sort();
    if (props.watchNamespaces !== undefined && namespaces.length === 0) {
      throw validationError(this, {
        code: 'CS-WL-024',
        prop: 'watchNamespaces',
        value: props.watchNamespaces,
        problem: 'is empty',
        fix: 'list at least one namespace, or leave watchNamespaces out to watch every namespace',
      });
    }
    const readOnly = props.readOnlyRootFilesystem ?? true;
    const reloader: { [key: string]: any } = {
      autoReloadAll: props.autoReloadAll ?? false,
      enableCSIIntegration: this.csiIntegration,
      readOnlyRootFileSystem: readOnly,
      watchGlobally: namespaces.length === 0,
      deployment: {
        containerSecurityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: readOnly,
          capabilities: { drop: ['ALL'] },
        },
      },
    };
    if (namespaces.length > 0) reloader.namespaces = namespaces;
    this.helmInstall = new HelmInstall(this, 'Install', {
      chart: Charts.RELOADER,
      releaseName: props.releaseName ?? 'reloader',
      namespace: props.namespace ?? 'kube-system',
      delivery: props.delivery,
      values: { reloader },
    });
  }
}
