import { Duration } from 'cdk8s';

/** Options for delivering an install as an Argo CD `Application`. */
export interface ArgoCdDeliveryOptions {
  /**
   * Namespace where Argo CD watches Applications.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * The Argo CD project.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * The destination cluster API server URL.
   * @default 'https://kubernetes.default.svc'
   */
  readonly destinationServer?: string;
  /**
   * Sync automatically (with prune and self-heal).
   * @default true
   */
  readonly automated?: boolean;
}

/** Options for delivering an install as a Flux `HelmRelease` (v2) with its `HelmRepository` (v1). */
export interface FluxDeliveryOptions {
  /**
   * Namespace for the HelmRepository and HelmRelease objects.
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * How often Flux reconciles the release and the repository index.
   * @default Duration.hours(1)
   */
  readonly interval?: Duration;
}

/** Options for rendering a chart through cdk8s `Helm` (runs the `helm` binary at synth). */
export interface HelmTemplateDeliveryOptions {
  /**
   * The helm binary.
   * @default 'helm'
   */
  readonly helmExecutable?: string;
}

/** Options for installing a chart through CloudFormation as an aws-eks `HelmChart`. */
export interface EksHelmChartDeliveryOptions {
  /**
   * Wait until the release's resources are ready before CloudFormation goes on to what depends on the install (the
   * target's manifests, which use the chart's CRDs and webhooks).
   * @default true
   */
  readonly wait?: boolean;
  /**
   * How long to wait for the release: at most 15 minutes (helm runs in a Lambda function).
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
}

/** @internal */
export enum DeliveryMode { ARGO_CD = 'argocd', FLUX = 'flux', HELM_TEMPLATE = 'helm-template', EKS_HELM_CHART = 'eks-helm-chart' }

/**
 * How an install reaches the cluster.
 *
 * `argoCd()` and `fluxHelmRelease()` are hermetic: synth writes a GitOps object that names the pinned
 * chart and carries the values, with no helm binary and no network. `helmTemplate()` renders the chart
 * into plain manifests through cdk8s `Helm`: it runs `helm` at synth and needs the chart repository to be
 * reachable, so it is an explicit opt-in.
 */
export class InstallDelivery {
  /** An Argo CD `Application` (argoproj.io/v1alpha1) with `helm.valuesObject`. */
  public static argoCd(options: ArgoCdDeliveryOptions = {}): InstallDelivery {
    return new InstallDelivery(DeliveryMode.ARGO_CD, options, {}, {}, {});
  }

  /** A Flux `HelmRelease` (helm.toolkit.fluxcd.io/v2) and `HelmRepository` (source.toolkit.fluxcd.io/v1). */
  public static fluxHelmRelease(options: FluxDeliveryOptions = {}): InstallDelivery {
    return new InstallDelivery(DeliveryMode.FLUX, {}, options, {}, {});
  }

  /**
   * Plain manifests rendered by `helm template` through cdk8s `Helm`.
   * Not hermetic: needs a helm binary and network access to the chart repository at synth.
   */
  public static helmTemplate(options: HelmTemplateDeliveryOptions = {}): InstallDelivery {
    return new InstallDelivery(DeliveryMode.HELM_TEMPLATE, {}, {}, options, {});
  }

  /**
   * The pinned chart installed by CloudFormation through the target's aws-eks cluster (an aws-eks `HelmChart`, the
   * way aws-eks and EKS Blueprints install charts), with the same values. The install then writes no object into
   * its chart; the target's manifests are applied after the chart. Needs a target built with
   * `ClusterTarget.fromCluster` and `deployment: ManifestDeployment.CLOUDFORMATION`.
   */
  public static eksHelmChart(options: EksHelmChartDeliveryOptions = {}): InstallDelivery {
    return new InstallDelivery(DeliveryMode.EKS_HELM_CHART, {}, {}, {}, options);
  }

  private constructor(
    /** @internal */ public readonly _mode: DeliveryMode,
    /** @internal */ public readonly _argo: ArgoCdDeliveryOptions,
    /** @internal */ public readonly _flux: FluxDeliveryOptions,
    /** @internal */ public readonly _helm: HelmTemplateDeliveryOptions,
    /** @internal */ public readonly _eks: EksHelmChartDeliveryOptions,
  ) {}
}
