import type * as eks from 'aws-cdk-lib/aws-eks';
import { Construct, IConstruct } from 'constructs';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { registerInTree, registeredInTree } from '../core/tree-cache';
import { checkDnsLabel, checkDnsSubdomain } from '../core/validate';
import { requireConcreteManifest } from '../identity/bridge';
import { IdentityMode } from '../identity/cluster-identity';
import { WorkloadIdentity } from '../identity/workload-identity';
import { Charts } from '../install/charts';
import { InstallDelivery } from '../install/delivery';
import { HelmInstall } from '../install/helm-install';

/**
 * The AWS identity of the ESO controller, created with the install so the ServiceAccount name and namespace
 * in the Helm values and in the IAM trust are one value.
 */
export interface ExternalSecretsControllerIdentityOptions {
  /**
   * IRSA or Pod Identity.
   * @default - the target's `defaultIdentityMode`
   */
  readonly mode?: IdentityMode;
  /**
   * The role name.
   * @default - `<stackName>-<namespace>-<serviceAccountName>`
   */
  readonly roleName?: string;
}

/** Props for `ExternalSecretsOperatorInstall`. */
export interface ExternalSecretsOperatorInstallProps {
  /**
   * The namespace ESO is installed into.
   * @default 'external-secrets'
   */
  readonly namespace?: string;
  /**
   * The Helm release name.
   * @default 'external-secrets'
   */
  readonly releaseName?: string;
  /**
   * The controller's ServiceAccount name (written into the values as `serviceAccount.name`).
   * @default 'external-secrets'
   */
  readonly serviceAccountName?: string;
  /**
   * How the chart reaches the cluster.
   * @default InstallDelivery.argoCd()
   */
  readonly delivery?: InstallDelivery;
  /**
   * Install the CRDs with the chart.
   * @default true
   */
  readonly installCrds?: boolean;
  /**
   * Controller replicas (leader election is turned on above 1).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Deploy the admission webhook.
   * @default true
   */
  readonly webhook?: boolean;
  /**
   * Deploy the cert controller (certificates for the webhook).
   * @default true
   */
  readonly certController?: boolean;
  /**
   * Create the controller's AWS identity (IRSA role + ServiceAccount annotation, or Pod Identity association), in
   * the stack of the chart's `ClusterTarget`.
   * @default - no AWS identity for the controller (per-store identities or static keys)
   */
  readonly controllerIdentity?: ExternalSecretsControllerIdentityOptions;
  /**
   * More Helm values, merged over the derived ones. Values that the library derives (serviceAccount name and
   * annotations, installCRDs) cannot be overridden here.
   * @default - none
   */
  readonly values?: { [key: string]: any };
}

const ESO_INSTALL_KIND = Symbol.for('cdk8s-secrets.ExternalSecretsOperatorInstall');

/** The ESO installs in the program of `scope`, in creation order. @internal */
export function esoInstallsInTree(scope: IConstruct): ExternalSecretsOperatorInstall[] {
  return registeredInTree<ExternalSecretsOperatorInstall>(scope, ESO_INSTALL_KIND);
}

/**
 * Installs the External Secrets Operator (chart `external-secrets`, pinned in `Charts`).
 *
 * @example
 * const eso = new ExternalSecretsOperatorInstall(chart, 'Eso', { controllerIdentity: {} });
 * // eso.controllerIdentity is an iam.IGrantable; AwsAuth.controllerIdentity(eso.controllerIdentity)
 */
export class ExternalSecretsOperatorInstall extends Construct {
  /** The namespace ESO runs in. */
  public readonly namespace: string;
  /** The controller's ServiceAccount name. */
  public readonly serviceAccountName: string;
  /** The Helm install. */
  public readonly helmInstall: HelmInstall;
  /**
   * The controller's AWS identity.
   * @default - none
   */
  public readonly controllerIdentity?: WorkloadIdentity;

  public constructor(scope: Construct, id: string, props: ExternalSecretsOperatorInstallProps = {}) {
    super(scope, id);
    registerInTree(this, ESO_INSTALL_KIND);
    requireConcreteManifest(this, '', {
      namespace: props.namespace, releaseName: props.releaseName, serviceAccountName: props.serviceAccountName, values: props.values,
    });
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'external-secrets');
    this.serviceAccountName = checkDnsSubdomain(this, 'serviceAccountName', props.serviceAccountName ?? 'external-secrets');
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw validationError(this, { code: 'CS-ESO-021', prop: 'replicas', value: replicas, problem: 'must be a positive integer', fix: 'use 1 or more' });
    }

    if (props.controllerIdentity) {
      this.controllerIdentity = new WorkloadIdentity(this, 'ControllerIdentity', {
        mode: props.controllerIdentity.mode,
        namespace: this.namespace,
        serviceAccountName: this.serviceAccountName,
        roleName: props.controllerIdentity.roleName,
        createServiceAccount: false, // the chart creates it, with the annotations below
        description: `External Secrets Operator controller (${this.namespace}/${this.serviceAccountName})`,
      });
    }

    const extra = props.values ?? {};
    for (const reserved of ['serviceAccount', 'installCRDs']) {
      if (reserved in extra) {
        throw validationError(this, {
          code: 'CS-ESO-022',
          prop: `values.${reserved}`,
          problem: 'is derived by the library (it must agree with the IAM trust and the CRDs the program uses)',
          fix: reserved === 'serviceAccount' ? 'use serviceAccountName and controllerIdentity' : 'use installCrds',
        });
      }
    }

    const values: { [key: string]: any } = {
      ...extra,
      installCRDs: props.installCrds ?? true,
      replicaCount: replicas,
      ...(replicas > 1 ? { leaderElect: true } : {}),
      serviceAccount: {
        create: true,
        name: this.serviceAccountName,
        annotations: this.controllerIdentity?.serviceAccountAnnotations ?? {},
      },
      webhook: { ...(extra.webhook ?? {}), create: props.webhook ?? true },
      certController: { ...(extra.certController ?? {}), create: props.certController ?? true },
    };

    this.helmInstall = new HelmInstall(this, 'Install', {
      chart: Charts.EXTERNAL_SECRETS,
      releaseName: checkDnsLabel(this, 'releaseName', props.releaseName ?? 'external-secrets'),
      namespace: this.namespace,
      values,
      delivery: props.delivery,
    });
  }

  /** A copy of the Helm values the install uses. */
  public get helmValues(): { [key: string]: any } {
    return this.helmInstall.helmValues;
  }

  /**
   * Installs the same pinned chart with the same values through CloudFormation (aws-eks `HelmChart`), for
   * clusters managed by aws-eks. The manifest-side install (Argo CD / Flux) should then not be applied.
   */
  public addToEksCluster(scope: IConstruct, id: string, cluster: eks.ICluster): eks.HelmChart {
    return new lazy.eks.HelmChart(scope as Construct, id, {
      cluster,
      chart: Charts.EXTERNAL_SECRETS.chart,
      repository: Charts.EXTERNAL_SECRETS.repository,
      version: Charts.EXTERNAL_SECRETS.version,
      release: this.helmInstall.releaseName,
      namespace: this.namespace,
      createNamespace: true,
      values: this.helmValues,
    });
  }
}
